// Package config reads lectern's configuration: a lectern.yaml file,
// LECTERN_* environment variables and command-line flags, in rising order of
// precedence over the built-in defaults. It is the only package that knows
// about viper; everyone else gets a plain, validated Config.
package config

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cast"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"lectern/corpus"
	"lectern/corpus/lang"
	"lectern/internal/regular"
)

// Defaults and bounds of the retrieval settings, the retrieval packages'
// own (DefaultK1 is index.DefaultK1, DefaultExact retrieval.DefaultExact, and so on: a test checks that they
// agree). They are written here so that reading the configuration needs
// only these values, not the retrieval packages.
const (
	DefaultK1          = 0.9
	DefaultB           = 0.4
	DefaultMinCoverage = 0.3
	DefaultExcerptMax  = 700
	// MaxTop is the most results an answer may show (retrieval.top).
	MaxTop = 50
)

// Config is lectern's configuration.
type Config struct {
	// Corpus is the file or folder to answer from; "" means the embedded
	// page.
	Corpus string
	// Index is a saved index file: used when it is up to date with Corpus,
	// rebuilt and rewritten otherwise; "" means none.
	Index string
	// Language is the language of the corpus's documents that do not state
	// their own (front matter's language:, an EPUB's dc:language...), as a
	// language code ("ru"); "" detects each document's language from its
	// text.
	Language string
	// Corpora are several books for one bot, each with its own corpus,
	// index file and routes; empty means the one book of Corpus and Index.
	// See Books.
	Corpora   []Book
	Limits    Limits
	Retrieval Retrieval
	Discord   Discord
	HTTP      HTTP
	Metrics   Metrics
	Feedback  Feedback
	Log       Log
	// Watch rebuilds the index when the corpus's files change (serve).
	Watch bool

	// File is the configuration file that was read, "" if none.
	File string
	// Warnings are problems that did not stop the configuration from
	// loading, such as unknown keys.
	Warnings []string

	sources map[string]string
}

// Book is one of several corpora a bot answers from.
type Book struct {
	// Name is how people and the configuration call the book: in /ask's
	// book option, citations, /source and routes. Unique, 1 to 50
	// characters.
	Name string
	// Corpus is the book's file or folder; Index its saved index file, ""
	// for none.
	Corpus, Index string
	// Language is the language of the book's documents that do not state
	// their own, as Config.Language; Books fills in Config.Language for a
	// book that names none.
	Language string
	// Channels and Guilds are the channel and server IDs where the bot
	// answers from this book (a channel's threads follow the channel).
	Channels, Guilds []string
}

// HTTP configures lectern's HTTP listener: Discord's interactions
// endpoint, health checks.
type HTTP struct {
	// Listen is the address to listen on (":8080"); "" for none.
	Listen string
}

// Metrics configures the Prometheus metrics endpoint.
type Metrics struct {
	// Listen is the address GET /metrics is served on when there is no
	// HTTP listener (http.listen); "" for none then.
	Listen string
}

// Feedback configures where the bot keeps 👍/👎 votes.
type Feedback struct {
	// Path is a JSON Lines file the votes (and questions the text could
	// not answer) are appended to; "" for none.
	Path string
}

// Limits bound what loading the corpus may read, so that no file can make
// lectern hold more than they allow (see corpus.LoadOptions).
type Limits struct {
	// MaxFileBytes is the largest file read; larger ones are skipped.
	MaxFileBytes int64
	// MaxCorpusBytes is the most all files read may add up to; the files
	// after that are skipped.
	MaxCorpusBytes int64
}

// Retrieval configures how questions are answered.
type Retrieval struct {
	K1          float64
	B           float64
	Top         int
	MinCoverage float64
	ExcerptMax  int
	Fuzzy       bool
}

// Discord configures the bot.
type Discord struct {
	// Token is the bot's secret token. Never log or print it.
	Token   string
	GuildID string
	// APIURL is the base of every REST call, and of the gateway lookup.
	APIURL string
	// Channels are channel IDs where the bot answers every message, not
	// only mentions; that needs the privileged MESSAGE_CONTENT intent.
	Channels []string
	// Cooldown limits each user to CooldownQuestions per CooldownWindow.
	CooldownQuestions int
	CooldownWindow    time.Duration
	// Results is how many excerpts the bot (and lectern chat) shows at a
	// time; More results shows the next ones.
	Results int
	// Forums are forum channel IDs where the bot answers every new post.
	Forums []string
	// ApplicationID is the bot's application ID; PublicKey its Ed25519
	// public key in hex, which signs the requests Discord sends to the
	// HTTP interactions endpoint.
	ApplicationID string
	PublicKey     string
	// Shards is how many gateway connections (shards) the bot uses in
	// all, 0 meaning the count Discord recommends; ShardIDs are those this
	// process runs, empty meaning all of them.
	Shards   int
	ShardIDs []int
}

// Log configures logging.
type Log struct {
	Level  string // debug, info, warn, error
	Format string // text or json
}

// DefaultAPIURL is Discord's REST API base.
const DefaultAPIURL = "https://discord.com/api/v9"

// MaxFileBytes is the largest configuration file Load reads.
const MaxFileBytes = 1 << 20

// EnvPrefix is the prefix of lectern's environment variables.
const EnvPrefix = "LECTERN"

// setting is one configuration key: its default, how to store a value and
// what it means (the text lectern.example.yaml documents it with).
type setting struct {
	key    string
	def    any
	set    func(c *Config, v any) error
	secret bool
}

var settings = []setting{
	{key: "corpus", def: "", set: func(c *Config, v any) (err error) {
		if _, ok := v.(map[string]any); ok {
			return errors.New("corpus is the path of the text, not a section: to watch it, write corpus.watch: true at the top level, beside corpus")
		}
		c.Corpus, err = cast.ToStringE(v)
		return
	}},
	{key: "corpus.watch", def: nil, set: func(c *Config, v any) (err error) {
		if v == nil {
			v = false
		}
		c.Watch, err = toBool(v)
		return
	}},
	{key: "index", def: "", set: func(c *Config, v any) (err error) { c.Index, err = cast.ToStringE(v); return }},
	{key: "language", def: "auto", set: func(c *Config, v any) (err error) { c.Language, err = toLanguage(v); return }},
	{key: "corpora", def: []any{}, set: func(c *Config, v any) (err error) { c.Corpora, err = toBooks(v); return }},
	{key: "limits.max_file_size", def: formatSize(corpus.DefaultMaxFileBytes), set: func(c *Config, v any) (err error) { c.Limits.MaxFileBytes, err = toSize(v); return }},
	{key: "limits.max_corpus_size", def: formatSize(corpus.DefaultMaxTotalBytes), set: func(c *Config, v any) (err error) { c.Limits.MaxCorpusBytes, err = toSize(v); return }},
	{key: "retrieval.k1", def: DefaultK1, set: func(c *Config, v any) (err error) { c.Retrieval.K1, err = toFloat(v); return }},
	{key: "retrieval.b", def: DefaultB, set: func(c *Config, v any) (err error) { c.Retrieval.B, err = toFloat(v); return }},
	{key: "retrieval.top", def: 3, set: func(c *Config, v any) (err error) { c.Retrieval.Top, err = toInt(v); return }},
	{key: "retrieval.min_coverage", def: DefaultMinCoverage, set: func(c *Config, v any) (err error) { c.Retrieval.MinCoverage, err = toFloat(v); return }},
	{key: "retrieval.excerpt_max", def: DefaultExcerptMax, set: func(c *Config, v any) (err error) { c.Retrieval.ExcerptMax, err = toInt(v); return }},
	{key: "retrieval.fuzzy", def: true, set: func(c *Config, v any) (err error) { c.Retrieval.Fuzzy, err = toBool(v); return }},
	{key: "discord.token", def: "", secret: true, set: func(c *Config, v any) (err error) { c.Discord.Token, err = toSecret(v); return }},
	{key: "discord.guild_id", def: "", set: func(c *Config, v any) (err error) { c.Discord.GuildID, err = toID(v); return }},
	{key: "discord.api_url", def: DefaultAPIURL, set: func(c *Config, v any) (err error) { c.Discord.APIURL, err = cast.ToStringE(v); return }},
	{key: "discord.channels", def: []string{}, set: func(c *Config, v any) (err error) { c.Discord.Channels, err = toIDs(v); return }},
	{key: "discord.forums", def: []string{}, set: func(c *Config, v any) (err error) { c.Discord.Forums, err = toIDs(v); return }},
	{key: "discord.results", def: 1, set: func(c *Config, v any) (err error) { c.Discord.Results, err = toInt(v); return }},
	{key: "discord.application_id", def: "", set: func(c *Config, v any) (err error) { c.Discord.ApplicationID, err = toID(v); return }},
	{key: "discord.public_key", def: "", set: func(c *Config, v any) (err error) { c.Discord.PublicKey, err = toPublicKey(v); return }},
	{key: "discord.shards", def: "1", set: func(c *Config, v any) (err error) { c.Discord.Shards, err = toShards(v); return }},
	{key: "discord.shard_ids", def: []int{}, set: func(c *Config, v any) (err error) { c.Discord.ShardIDs, err = toInts(v); return }},
	{key: "discord.cooldown.questions", def: 5, set: func(c *Config, v any) (err error) { c.Discord.CooldownQuestions, err = toInt(v); return }},
	{key: "discord.cooldown.window", def: 30 * time.Second, set: func(c *Config, v any) (err error) { c.Discord.CooldownWindow, err = toDuration(v); return }},
	{key: "http.listen", def: "", set: func(c *Config, v any) (err error) { c.HTTP.Listen, err = cast.ToStringE(v); return }},
	{key: "metrics.listen", def: "", set: func(c *Config, v any) (err error) { c.Metrics.Listen, err = cast.ToStringE(v); return }},
	{key: "feedback.path", def: "", set: func(c *Config, v any) (err error) { c.Feedback.Path, err = cast.ToStringE(v); return }},
	{key: "log.level", def: "info", set: func(c *Config, v any) (err error) { c.Log.Level, err = cast.ToStringE(v); return }},
	{key: "log.format", def: "text", set: func(c *Config, v any) (err error) { c.Log.Format, err = cast.ToStringE(v); return }},
}

// Keys returns every configuration key, in documentation order.
func Keys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.key
	}
	return keys
}

// EnvVar returns the environment variable for a key:
// "retrieval.k1" -> "LECTERN_RETRIEVAL_K1".
func EnvVar(key string) string {
	return EnvPrefix + "_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Options say where Load looks.
type Options struct {
	// File is the configuration file named by --config; it must exist.
	// Empty means search SearchPaths.
	File string
	// Flags are the command's flags; FlagKeys maps a flag's name to the key
	// it sets ("top" -> "retrieval.top"). Only flags the user set count.
	Flags    *pflag.FlagSet
	FlagKeys map[string]string
}

// SearchPaths returns the files Load tries, in order, when no file is
// named: lectern.yaml in the working directory, in $XDG_CONFIG_HOME/lectern
// (~/.config/lectern when unset) and in /etc/lectern.
func SearchPaths() []string {
	paths := []string{"lectern.yaml", "lectern.yml"}
	xdg := os.Getenv("XDG_CONFIG_HOME")
	if xdg == "" {
		if home, err := os.UserHomeDir(); err == nil {
			xdg = filepath.Join(home, ".config")
		}
	}
	if xdg != "" {
		paths = append(paths, filepath.Join(xdg, "lectern", "lectern.yaml"), filepath.Join(xdg, "lectern", "lectern.yml"))
	}
	return append(paths, "/etc/lectern/lectern.yaml", "/etc/lectern/lectern.yml")
}

// ValidationError is a configuration value that is not acceptable.
type ValidationError struct {
	Key    string
	Source string // where the value came from
	Err    error
}

// Error says which setting is wrong, why, and where it was set.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s (set by %s)", e.Key, e.Err, e.Source)
}

// Unwrap returns the underlying error.
func (e *ValidationError) Unwrap() error { return e.Err }

// Load reads the configuration. Flags the user set win over environment
// variables, which win over the file, which wins over the defaults. A file
// that cannot be read or parsed, or a value of the wrong type or out of
// range, is an error that names the file or variable and the key.
func Load(o Options) (*Config, error) {
	v := viper.New()
	for _, s := range settings {
		// A nil default is set by its set func: "corpus.watch" must not
		// turn the "corpus" default into a section.
		if s.def != nil {
			v.SetDefault(s.key, s.def)
		}
	}
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	c := &Config{sources: map[string]string{}}
	file := o.File
	if file == "" {
		for _, p := range SearchPaths() {
			if info, err := os.Stat(p); err == nil && !info.IsDir() {
				file = p
				break
			}
		}
	} else if _, err := os.Stat(file); err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var inFile map[string]bool
	var fileValues *viper.Viper // the file's values alone
	if file != "" {
		abs, err := filepath.Abs(file)
		if err == nil {
			file = abs
		}
		c.File = file
		data, err := regular.ReadFile(file, MaxFileBytes)
		if err != nil {
			return nil, fmt.Errorf("config file: %w", err)
		}
		v.SetConfigType("yaml")
		if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("config file %s: %v", file, cleanYAMLError(err))
		}
		inFile = map[string]bool{}
		fv := viper.New()
		fv.SetConfigType("yaml")
		if err := fv.ReadConfig(bytes.NewReader(data)); err == nil {
			fileValues = fv
			keys := fv.AllKeys()
			sort.Strings(keys)
			for _, k := range keys {
				inFile[k] = true
				switch {
				case known(k):
				case section(k):
					// "retrieval:" with every key commented out is
					// fine; a value there would hide the defaults of
					// its keys.
					if fv.Get(k) != nil {
						return nil, &ValidationError{Key: k, Source: file, Err: errors.New("this is a section: indent its keys under it, as in lectern.example.yaml")}
					}
				default:
					c.Warnings = append(c.Warnings, fmt.Sprintf("%s: unknown key %q ignored%s", file, k, suggest(k)))
				}
			}
		}
	}
	for _, e := range os.Environ() {
		name, _, _ := strings.Cut(e, "=")
		if strings.HasPrefix(name, EnvPrefix+"_") && !knownEnv(name) {
			c.Warnings = append(c.Warnings, fmt.Sprintf("unknown environment variable %s ignored%s", name, suggestEnv(name)))
		}
	}
	flagKey := map[string]string{}
	if o.Flags != nil {
		for name, key := range o.FlagKeys {
			f := o.Flags.Lookup(name)
			if f == nil {
				continue
			}
			if err := v.BindPFlag(key, f); err != nil {
				return nil, fmt.Errorf("config: flag --%s: %w", name, err)
			}
			if f.Changed {
				flagKey[key] = "--" + name
			}
		}
	}
	var errs []error
	for _, s := range settings {
		src := "default"
		switch {
		case flagKey[s.key] != "":
			src = "flag " + flagKey[s.key]
		case os.Getenv(EnvVar(s.key)) != "":
			src = "environment variable " + EnvVar(s.key)
		case inFile[s.key]:
			src = file
		}
		c.sources[s.key] = src
		val := v.Get(s.key)
		if shadowed(s.key) {
			// A flag bound to "corpus" hides "corpus.watch" from viper:
			// read it from the environment and the file alone.
			val = nil
			if e := os.Getenv(EnvVar(s.key)); e != "" {
				val = e
			} else if fileValues != nil {
				val = fileValues.Get(s.key)
			}
		}
		if err := s.set(c, val); err != nil {
			errs = append(errs, &ValidationError{Key: s.key, Source: src, Err: err})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c.Discord.Token = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(c.Discord.Token), "Bot "))
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Source returns where a key's value came from: "default", a file's path,
// "environment variable LECTERN_…" or "flag --…".
func (c *Config) Source(key string) string {
	if s, ok := c.sources[key]; ok {
		return s
	}
	return "default"
}

// Validate checks every value's range.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ValidationError{Key: key, Source: c.Source(key), Err: fmt.Errorf(format, args...)})
	}
	size := func(key string, l, most int64) {
		if l >= minSize && l <= most {
			return
		}
		hint := ""
		if l > 0 && l < minSize {
			hint = fmt.Sprintf(" (a number alone counts bytes: write %dMiB for mebibytes)", l)
		}
		bad(key, "%s is out of range: use %s to %s%s", formatSize(l), formatSize(minSize), formatSize(most), hint)
	}
	size("limits.max_file_size", c.Limits.MaxFileBytes, maxFileSize)
	size("limits.max_corpus_size", c.Limits.MaxCorpusBytes, corpus.MaxTotalBytesCeiling)
	r := c.Retrieval
	if r.K1 <= 0 || r.K1 > 10 {
		bad("retrieval.k1", "%v is out of range: use a number above 0 and at most 10 (usual: 0.9 to 2)", r.K1)
	}
	if r.B < 0 || r.B > 1 {
		bad("retrieval.b", "%v is out of range: use a number from 0 to 1", r.B)
	}
	if r.Top < 1 || r.Top > MaxTop {
		bad("retrieval.top", "%d is out of range: use 1 to %d", r.Top, MaxTop)
	}
	if r.MinCoverage < 0 || r.MinCoverage > 1 {
		bad("retrieval.min_coverage", "%v is out of range: use a number from 0 to 1", r.MinCoverage)
	}
	if r.ExcerptMax < 100 || r.ExcerptMax > 4000 {
		bad("retrieval.excerpt_max", "%d is out of range: use 100 to 4000 bytes", r.ExcerptMax)
	}
	d := c.Discord
	if u, err := url.Parse(d.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("discord.api_url", "%q is not an http(s) URL such as %s", MaskURL(d.APIURL), DefaultAPIURL)
	}
	if d.CooldownQuestions < 1 {
		bad("discord.cooldown.questions", "%d is out of range: allow at least 1 question per window", d.CooldownQuestions)
	}
	if d.CooldownWindow < 0 || d.CooldownWindow > 24*time.Hour {
		bad("discord.cooldown.window", "%v is out of range: use 0s (no cooldown) to 24h", d.CooldownWindow)
	}
	if d.Results < 1 || d.Results > MaxResults {
		bad("discord.results", "%d is out of range: use 1 to %d", d.Results, MaxResults)
	}
	if d.Shards < 0 || d.Shards > maxShards {
		bad("discord.shards", "%d is out of range: use auto or 1 to %d", d.Shards, maxShards)
	}
	seen := map[int]bool{}
	for _, id := range d.ShardIDs {
		switch {
		case id < 0 || (d.Shards > 0 && id >= d.Shards):
			bad("discord.shard_ids", "shard %d is out of range: with discord.shards %d, use 0 to %d", id, d.Shards, d.Shards-1)
		case seen[id]:
			bad("discord.shard_ids", "shard %d is listed twice", id)
		}
		seen[id] = true
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			bad("http.listen", "%q is not an address to listen on, such as :8080 or 127.0.0.1:8080", c.HTTP.Listen)
		}
		if d.PublicKey == "" {
			bad("discord.public_key", "the HTTP interactions endpoint (http.listen) needs the application's public key: copy it from the General Information page of your application in the Discord developer portal, into LECTERN_DISCORD_PUBLIC_KEY")
		}
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			bad("metrics.listen", "%q is not an address to listen on, such as :9090 or 127.0.0.1:9090", c.Metrics.Listen)
		}
	}
	c.validateBooks(bad)
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "warning", "error":
	default:
		bad("log.level", "%q is not a level: use debug, info, warn or error", c.Log.Level)
	}
	switch strings.ToLower(c.Log.Format) {
	case "text", "json":
	default:
		bad("log.format", "%q is not a format: use text or json", c.Log.Format)
	}
	return errors.Join(errs...)
}

// MaxResults is the most excerpts discord.results may ask the bot to show
// at a time: more would not fit one Discord message.
const MaxResults = 5

// maxShards is the most shards discord.shards accepts.
const maxShards = 1 << 16

// maxBookName is the longest book name: a slash command option's choice
// name may have 100 characters, and the name goes in citations.
const maxBookName = 50

// validateBooks checks corpora: each book has a corpus, names are unique
// (and given when there are several), and a channel or server is routed to
// one book only.
func (c *Config) validateBooks(bad func(key, format string, args ...any)) {
	if len(c.Corpora) == 0 {
		return
	}
	if c.Source("corpora") == c.File && c.File != "" {
		for _, k := range []string{"corpus", "index"} {
			if c.Source(k) == c.File {
				bad(k, "set either %s or corpora in the file, not both: list every book under corpora", k)
			}
		}
	}
	names := map[string]bool{}
	routes := map[string]string{}
	for i, b := range c.Corpora {
		which := fmt.Sprintf("book %d", i+1)
		if b.Name != "" {
			which = fmt.Sprintf("book %d (%q)", i+1, b.Name)
		}
		switch {
		case b.Corpus == "":
			bad("corpora", "%s has no corpus: give its file or folder", which)
		case b.Name == "" && len(c.Corpora) > 1:
			bad("corpora", "%s has no name: with several books, each needs one", which)
		case utf8.RuneCountInString(b.Name) > maxBookName:
			bad("corpora", "%s: the name is too long: use at most %d characters", which, maxBookName)
		case names[strings.ToLower(b.Name)]:
			bad("corpora", "%s: the name is used twice", which)
		}
		names[strings.ToLower(b.Name)] = true
		for _, r := range append(append([]string{}, b.Channels...), b.Guilds...) {
			if other, ok := routes[r]; ok && other != b.Name {
				bad("corpora", "%s is routed to both %q and %q: route it to one book", r, other, b.Name)
			}
			routes[r] = b.Name
		}
	}
}

// Books returns the books to answer from: Corpora, unless a flag or an
// environment variable names a corpus or an index for this one run, or
// Corpora is empty; then one book without a name, of Corpus and Index.
func (c *Config) Books() []Book {
	oneOff := func(k string) bool {
		s := c.Source(k)
		return strings.HasPrefix(s, "flag ") || strings.HasPrefix(s, "environment variable ")
	}
	if len(c.Corpora) == 0 || oneOff("corpus") || oneOff("index") {
		return []Book{{Corpus: c.Corpus, Index: c.Index, Language: c.Language}}
	}
	out := make([]Book, len(c.Corpora))
	for i, b := range c.Corpora {
		if b.Language == "" {
			b.Language = c.Language
		}
		out[i] = b
	}
	return out
}

// ErrNoToken is returned by CheckToken when no token is configured.
var ErrNoToken = errors.New("no Discord bot token: set LECTERN_DISCORD_TOKEN or discord.token in lectern.yaml (see README: Discord setup)")

// CheckToken reports whether the Discord token is present and shaped like a
// bot token (three dot-separated base64url parts). The error never contains
// the token.
func (c *Config) CheckToken() error {
	t := c.Discord.Token
	if t == "" {
		return ErrNoToken
	}
	parts := strings.Split(t, ".")
	ok := len(parts) == 3 && len(parts[0]) >= 16 && len(parts[1]) >= 4 && len(parts[2]) >= 20
	for _, r := range t {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			ok = false
		}
	}
	if !ok {
		return &ValidationError{Key: "discord.token", Source: c.Source("discord.token"),
			Err: fmt.Errorf("this is not a Discord bot token (%d characters; a token has three parts separated by dots): copy it again from the Bot page of your application in the Discord developer portal", len(t))}
	}
	return nil
}

// Mask returns how a secret is shown: never any of its characters.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "******** (set, hidden)"
}

// MaskURL returns raw with the credentials a URL can carry hidden: the
// user and password before "@", and every query value. Text that does not
// parse as a URL is masked whole if it holds "@" or "?", and shown
// otherwise.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.ContainsAny(raw, "@?") {
			return Mask(raw)
		}
		return raw
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword("hidden", "hidden")
		} else {
			u.User = url.User("hidden")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"hidden"}
		}
		u.RawQuery = q.Encode()
	}
	if u.Fragment != "" {
		u.Fragment = "hidden"
	}
	return u.String()
}

// Dump returns the effective configuration, one "key: value  # source" line
// each, with secrets masked.
func (c *Config) Dump() string {
	var b strings.Builder
	if c.File != "" {
		fmt.Fprintf(&b, "# configuration file: %s\n", c.File)
	} else {
		fmt.Fprintf(&b, "# no configuration file found (looked for %s)\n", strings.Join(SearchPaths(), ", "))
	}
	vals := c.values(true)
	width := 0
	for _, s := range settings {
		width = max(width, len(s.key)+2+len(vals[s.key]))
	}
	for _, s := range settings {
		line := s.key + ": " + vals[s.key]
		fmt.Fprintf(&b, "%-*s  # %s\n", width, line, c.Source(s.key))
	}
	return b.String()
}

// Changed returns the keys, among keys, whose values differ between c and
// other; an unknown key is reported as changed, so that a caller that
// names a key config does not have finds out.
func (c *Config) Changed(other *Config, keys ...string) []string {
	a, b := c.values(false), other.values(false)
	var out []string
	for _, k := range keys {
		va, ok := a[k]
		if !ok || va != b[k] {
			out = append(out, k)
		}
	}
	return out
}

// values renders each key's value as YAML, secrets masked when mask is
// set.
func (c *Config) values(mask bool) map[string]string {
	q := func(s string) string { return fmt.Sprintf("%q", s) }
	token, apiURL := c.Discord.Token, c.Discord.APIURL
	if mask {
		token, apiURL = Mask(token), MaskURL(apiURL)
	}
	ids := make([]string, len(c.Discord.Channels))
	for i, id := range c.Discord.Channels {
		ids[i] = q(id)
	}
	return map[string]string{
		"corpus":                     q(c.Corpus),
		"index":                      q(c.Index),
		"language":                   q(language(c.Language)),
		"limits.max_file_size":       formatSize(c.Limits.MaxFileBytes),
		"limits.max_corpus_size":     formatSize(c.Limits.MaxCorpusBytes),
		"retrieval.k1":               fmt.Sprint(c.Retrieval.K1),
		"retrieval.b":                fmt.Sprint(c.Retrieval.B),
		"retrieval.top":              fmt.Sprint(c.Retrieval.Top),
		"retrieval.min_coverage":     fmt.Sprint(c.Retrieval.MinCoverage),
		"retrieval.excerpt_max":      fmt.Sprint(c.Retrieval.ExcerptMax),
		"retrieval.fuzzy":            fmt.Sprint(c.Retrieval.Fuzzy),
		"discord.token":              q(token),
		"discord.guild_id":           q(c.Discord.GuildID),
		"discord.api_url":            q(apiURL),
		"discord.channels":           "[" + strings.Join(ids, ", ") + "]",
		"discord.forums":             quoteList(c.Discord.Forums),
		"discord.results":            fmt.Sprint(c.Discord.Results),
		"discord.application_id":     q(c.Discord.ApplicationID),
		"discord.public_key":         q(c.Discord.PublicKey),
		"discord.shards":             shards(c.Discord.Shards),
		"discord.shard_ids":          fmt.Sprint(c.Discord.ShardIDs),
		"http.listen":                q(c.HTTP.Listen),
		"metrics.listen":             q(c.Metrics.Listen),
		"feedback.path":              q(c.Feedback.Path),
		"corpus.watch":               fmt.Sprint(c.Watch),
		"corpora":                    books(c.Corpora),
		"discord.cooldown.questions": fmt.Sprint(c.Discord.CooldownQuestions),
		"discord.cooldown.window":    c.Discord.CooldownWindow.String(),
		"log.level":                  q(c.Log.Level),
		"log.format":                 q(c.Log.Format),
	}
}

func quoteList(l []string) string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func shards(n int) string {
	if n == 0 {
		return "auto"
	}
	return fmt.Sprint(n)
}

// language renders a language setting: "auto" for detection.
func language(code string) string {
	if code == "" {
		return "auto"
	}
	return code
}

// books renders corpora on one line, in YAML's flow style.
func books(bs []Book) string {
	out := make([]string, len(bs))
	for i, b := range bs {
		lang := ""
		if b.Language != "" {
			lang = fmt.Sprintf(", language: %s", b.Language)
		}
		out[i] = fmt.Sprintf("{name: %q, corpus: %q, index: %q%s, channels: %s, guilds: %s}", b.Name, b.Corpus, b.Index, lang, quoteList(b.Channels), quoteList(b.Guilds))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// shadowed reports whether key's parent is itself a key ("corpus.watch"
// beside "corpus"), which viper cannot look up through a bound flag.
func shadowed(key string) bool {
	i := strings.LastIndexByte(key, '.')
	return i > 0 && known(key[:i])
}

func known(key string) bool {
	for _, s := range settings {
		if s.key == key {
			return true
		}
	}
	return false
}

// section reports whether key is a group of keys, such as "discord.cooldown".
func section(key string) bool {
	for _, s := range settings {
		if strings.HasPrefix(s.key, key+".") {
			return true
		}
	}
	return false
}

func knownEnv(name string) bool {
	for _, s := range settings {
		if EnvVar(s.key) == name {
			return true
		}
	}
	return false
}

// suggest names the known key closest to a misspelt one.
func suggest(key string) string {
	best, bestD := "", 4
	for _, s := range settings {
		if d := distance(key, s.key); d < bestD {
			best, bestD = s.key, d
		}
	}
	if best == "" {
		return fmt.Sprintf(" (known keys: %s)", strings.Join(Keys(), ", "))
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func suggestEnv(name string) string {
	best, bestD := "", 4
	for _, s := range settings {
		if d := distance(name, EnvVar(s.key)); d < bestD {
			best, bestD = EnvVar(s.key), d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance of two short ASCII strings.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func cleanYAMLError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "While parsing config: ")
	return msg + "; fix the YAML or compare with lectern.example.yaml"
}

func toFloat(v any) (float64, error) {
	f, err := cast.ToFloat64E(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", fmt.Sprint(v))
	}
	return f, nil
}

func toInt(v any) (int, error) {
	var (
		i   int
		err error
	)
	switch x := v.(type) {
	case string:
		// Decimal only: cast would read "0700" as octal.
		i, err = strconv.Atoi(strings.TrimSpace(x))
	case float64:
		// cast would drop the fraction of 2.5.
		if x != math.Trunc(x) {
			err = errors.New("fraction")
		}
		i = int(x)
	default:
		i, err = cast.ToIntE(v)
	}
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", fmt.Sprint(v))
	}
	return i, nil
}

func toBool(v any) (bool, error) {
	b, err := cast.ToBoolE(v)
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", fmt.Sprint(v))
	}
	return b, nil
}

// toDuration accepts "30s", "2m" and plain numbers, read as seconds.
func toDuration(v any) (time.Duration, error) {
	if s, ok := v.(string); ok {
		// cast would read a bare "45" as nanoseconds.
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			v = f
		}
	}
	bad := fmt.Errorf("%q is not a duration such as 30s or 2m", fmt.Sprint(v))
	switch n := v.(type) {
	case int:
		return time.Duration(n) * time.Second, nil
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return 0, bad
		}
		return time.Duration(n * float64(time.Second)), nil
	}
	d, err := cast.ToDurationE(v)
	if err != nil {
		return 0, bad
	}
	return d, nil
}

// The range of the size limits: below a KiB is surely a mistake for MiB,
// and a file of over 2 GiB cannot be addressed (corpus.MaxFileBytesCeiling,
// which a limit of exactly 2 GiB is taken to mean).
const (
	minSize     = 1 << 10
	maxFileSize = 2 << 30
)

// sizeUnits are the units toSize reads, by lower-case name.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
}

// toSize accepts a number of bytes, written as a number or a string, or a
// string with a unit: "64MiB", "1.5 GiB", "500MB" (KiB, MiB, GiB and TiB
// count in 1024s; kB, MB, GB and TB in 1000s). A fraction of a byte is
// dropped.
func toSize(v any) (int64, error) {
	bad := fmt.Errorf("%q is not a size such as 512MiB, 1GiB or a number of bytes", fmt.Sprint(v))
	var f float64
	switch x := v.(type) {
	case string:
		s := strings.TrimSpace(x)
		i := strings.IndexFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == '.' || r == '+' || r == '-') })
		if i < 0 {
			i = len(s)
		}
		unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(s[i:]))]
		n, err := strconv.ParseFloat(s[:i], 64)
		if !ok || err != nil {
			return 0, bad
		}
		f = n * unit
	case float64:
		f = x
	default:
		n, err := cast.ToInt64E(v)
		if err != nil {
			return 0, bad
		}
		return n, nil
	}
	if math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, bad
	}
	return int64(f), nil
}

// formatSize writes a size in the largest binary unit that divides it
// ("512MiB"), or in bytes.
func formatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.name)
		}
	}
	return strconv.FormatInt(n, 10)
}

// toSecret is cast.ToStringE with an error that never shows the value.
func toSecret(v any) (string, error) {
	s, err := cast.ToStringE(v)
	if err != nil {
		return "", fmt.Errorf("a %T is not a string", v)
	}
	return s, nil
}

// toID accepts a Discord ID (a snowflake: digits), written as a string or a
// number.
func toID(v any) (string, error) {
	s, err := cast.ToStringE(v)
	if err != nil {
		return "", fmt.Errorf("%q is not a Discord ID", fmt.Sprint(v))
	}
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", fmt.Errorf("%q is not a Discord ID (IDs are digits; in Discord, turn on Developer Mode and use Copy ID)", s)
		}
	}
	return s, nil
}

// toPublicKey accepts an Ed25519 public key written in hex, as the
// developer portal shows it.
func toPublicKey(v any) (string, error) {
	s, err := cast.ToStringE(v)
	if err != nil {
		return "", fmt.Errorf("%q is not a public key", fmt.Sprint(v))
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
		return "", fmt.Errorf("this is not an Ed25519 public key (64 hex digits): copy the Public Key from the General Information page of your application in the Discord developer portal")
	}
	return s, nil
}

// toShards accepts "auto" (0: as many as Discord recommends) or a count.
func toShards(v any) (int, error) {
	if s, ok := v.(string); ok && strings.EqualFold(strings.TrimSpace(s), "auto") {
		return 0, nil
	}
	n, err := toInt(v)
	if err != nil {
		return 0, fmt.Errorf("%q is not auto or a number of shards", fmt.Sprint(v))
	}
	if n < 1 {
		return 0, fmt.Errorf("%d is out of range: use auto or at least 1", n)
	}
	return n, nil
}

// toInts accepts a list of whole numbers, or a string of them separated
// by commas or spaces, sorted.
func toInts(v any) ([]int, error) {
	var raw []any
	switch x := v.(type) {
	case string:
		for _, f := range strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == ' ' }) {
			raw = append(raw, f)
		}
	case []int:
		for _, n := range x {
			raw = append(raw, n)
		}
	case []any:
		raw = x
	case nil:
	default:
		return nil, fmt.Errorf("%q is not a list of numbers", fmt.Sprint(v))
	}
	out := make([]int, 0, len(raw))
	for _, r := range raw {
		n, err := toInt(r)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	sort.Ints(out)
	return out, nil
}

// toBooks accepts corpora: a list of books, each a map with name, corpus,
// index, channels and guilds; from an environment variable, the same list
// written in YAML or JSON.
func toBooks(v any) ([]Book, error) {
	if s, ok := v.(string); ok {
		if strings.TrimSpace(s) == "" {
			return nil, nil
		}
		var parsed any
		if err := yaml.Unmarshal([]byte(s), &parsed); err != nil {
			return nil, fmt.Errorf("not a list of books in YAML or JSON: %v", err)
		}
		v = parsed
	}
	list, ok := v.([]any)
	if !ok {
		if v == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("not a list of books: write each as \"- name: ...\" with corpus: (see lectern.example.yaml)")
	}
	var out []Book
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("book %d is not a map of name, corpus, index, language, channels and guilds", i+1)
		}
		var b Book
		for k, val := range m {
			var err error
			switch strings.ToLower(k) {
			case "name":
				b.Name, err = cast.ToStringE(val)
				b.Name = strings.TrimSpace(b.Name)
			case "corpus":
				b.Corpus, err = cast.ToStringE(val)
			case "index":
				b.Index, err = cast.ToStringE(val)
			case "language":
				b.Language, err = toLanguage(val)
			case "channels":
				b.Channels, err = toIDs(val)
			case "guilds":
				b.Guilds, err = toIDs(val)
			default:
				err = fmt.Errorf("unknown key %q (known: name, corpus, index, language, channels, guilds)", k)
			}
			if err != nil {
				return nil, fmt.Errorf("book %d: %s: %w", i+1, k, err)
			}
		}
		out = append(out, b)
	}
	return out, nil
}

// toLanguage accepts "auto" or "" (detect each document's language) or a
// language, as a code ("ru", "pt-BR", "rus") or a name ("Russian",
// "русский"), and returns its code, "" for auto.
func toLanguage(v any) (string, error) {
	s, err := cast.ToStringE(v)
	if err != nil {
		return "", fmt.Errorf("%q is not a language", fmt.Sprint(v))
	}
	if t := strings.TrimSpace(s); t == "" || strings.EqualFold(t, "auto") {
		return "", nil
	}
	code := lang.Normalize(s)
	if code == "" {
		return "", fmt.Errorf("%q is not a language lectern knows: use auto (detect each document's language), a code such as en, es or ru, or a name such as Russian", s)
	}
	return code, nil
}

func toIDs(v any) ([]string, error) {
	var raw []string
	switch x := v.(type) {
	case string:
		raw = strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == ' ' })
	default:
		var err error
		raw, err = cast.ToStringSliceE(v)
		if err != nil {
			return nil, fmt.Errorf("%q is not a list of channel IDs", fmt.Sprint(v))
		}
	}
	ids := []string{}
	for _, r := range raw {
		id, err := toID(r)
		if err != nil {
			return nil, err
		}
		if id != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}
