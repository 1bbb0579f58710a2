package config_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"lectern/config"
	"lectern/corpus"
	"lectern/retrieval"
	"lectern/retrieval/index"
)

func TestMain(m *testing.M) {
	// The developer's own LECTERN_* variables must not leak into the tests
	// or the examples.
	for _, e := range os.Environ() {
		if name, _, _ := strings.Cut(e, "="); strings.HasPrefix(name, config.EnvPrefix+"_") {
			os.Unsetenv(name)
		}
	}
	m.Run()
}

// isolate runs t in a new, empty working directory with an empty
// $XDG_CONFIG_HOME, and returns both.
func isolate(t *testing.T) (dir, xdg string) {
	t.Helper()
	dir, xdg = t.TempDir(), t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", xdg)
	return dir, xdg
}

// setup isolates t, writes yaml to lectern.yaml in the working directory
// (so that the search never reaches /etc/lectern), sets env and returns the
// file's path.
func setup(t *testing.T, yaml string, env map[string]string) string {
	t.Helper()
	dir, _ := isolate(t)
	path := writeFile(t, filepath.Join(dir, "lectern.yaml"), yaml)
	for k, v := range env {
		t.Setenv(k, v)
	}
	return path
}

func writeFile(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// noFileAnywhere skips t when the machine has a configuration file that the
// search would find after the test's own directories.
func noFileAnywhere(t *testing.T) {
	t.Helper()
	for _, p := range config.SearchPaths() {
		if _, err := os.Stat(p); err == nil {
			t.Skipf("%s exists on this machine", p)
		}
	}
}

// validationErrors returns the *config.ValidationError err is, or those it
// joins.
func validationErrors(err error) []*config.ValidationError {
	if ve, ok := err.(*config.ValidationError); ok {
		return []*config.ValidationError{ve}
	}
	var out []*config.ValidationError
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, validationErrors(e)...)
		}
	}
	return out
}

// defaults returns the configuration Load gives with nothing set.
func defaults() config.Config {
	return config.Config{
		Limits: config.Limits{MaxFileBytes: corpus.DefaultMaxFileBytes, MaxCorpusBytes: corpus.DefaultMaxTotalBytes},
		Retrieval: config.Retrieval{
			K1:          index.DefaultK1,
			B:           index.DefaultB,
			Top:         3,
			MinCoverage: retrieval.DefaultMinCoverage,
			ExcerptMax:  retrieval.DefaultExcerptMax,
			Fuzzy:       true,
		},
		Discord: config.Discord{
			APIURL:            config.DefaultAPIURL,
			Channels:          []string{},
			CooldownQuestions: 5,
			CooldownWindow:    30 * time.Second,
			Results:           1,
			Forums:            []string{},
			Shards:            1,
			ShardIDs:          []int{},
		},
		Log: config.Log{Level: "info", Format: "text"},
	}
}

// sameSettings reports whether a and b hold the same settings (File,
// Warnings and sources aside).
func sameSettings(a, b *config.Config) bool {
	return a.Corpus == b.Corpus && a.Index == b.Index &&
		reflect.DeepEqual(a.Corpora, b.Corpora) && a.HTTP == b.HTTP &&
		a.Limits == b.Limits &&
		a.Retrieval == b.Retrieval &&
		reflect.DeepEqual(a.Discord, b.Discord) &&
		a.Log == b.Log
}

// publicKey is an Ed25519 public key in hex, as the portal shows one.
const publicKey = "9f8b3c1d2e4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e"

// fakeToken is shaped like a real bot token: the base64 of the bot's ID, a
// timestamp and an HMAC (24, 6 and 38 characters). It is assembled here
// so that no token-shaped string sits in the source for scanners to flag.
var fakeToken = strings.Join([]string{
	base64.RawURLEncoding.EncodeToString([]byte("123456789012345678")),
	base64.RawURLEncoding.EncodeToString([]byte{0x67, 0x1f, 0x3a, 0x9c}),
	base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xa5, 0x3c, 0x7e, 0x91}, 7)),
}, ".")

func TestFakeTokenShape(t *testing.T) {
	parts := strings.Split(fakeToken, ".")
	var lens []int
	for _, p := range parts {
		lens = append(lens, len(p))
	}
	if want := []int{24, 6, 38}; !slices.Equal(lens, want) {
		t.Fatalf("fakeToken parts have lengths %v; want %v", lens, want)
	}
}

func TestEnvVar(t *testing.T) {
	tests := []struct{ key, want string }{
		{"corpus", "LECTERN_CORPUS"},
		{"retrieval.k1", "LECTERN_RETRIEVAL_K1"},
		{"retrieval.min_coverage", "LECTERN_RETRIEVAL_MIN_COVERAGE"},
		{"discord.cooldown.window", "LECTERN_DISCORD_COOLDOWN_WINDOW"},
	}
	for _, tt := range tests {
		if got := config.EnvVar(tt.key); got != tt.want {
			t.Errorf("EnvVar(%q) = %q; want %q", tt.key, got, tt.want)
		}
	}
}

func TestLoadDefaults(t *testing.T) {
	isolate(t)
	noFileAnywhere(t)
	c, err := config.Load(config.Options{})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if want := defaults(); !sameSettings(c, &want) {
		t.Errorf("Load() = %+v; want %+v", *c, want)
	}
	if c.File != "" {
		t.Errorf("Load().File = %q; want \"\"", c.File)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("Load().Warnings = %q; want none", c.Warnings)
	}
	for _, k := range config.Keys() {
		if got := c.Source(k); got != "default" {
			t.Errorf("Source(%q) = %q; want \"default\"", k, got)
		}
	}
}

// flags returns a flag set shaped like the command's, parsed with args.
// Each flag's default differs from the configuration's, so that a default
// leaking through would show.
func flags(t *testing.T, args ...string) (*pflag.FlagSet, map[string]string) {
	t.Helper()
	fs := pflag.NewFlagSet("lectern", pflag.ContinueOnError)
	fs.String("corpus", "flag-default", "")
	fs.Int("top", 9, "")
	fs.Float64("k1", 1.7, "")
	fs.Bool("fuzzy", false, "")
	fs.Duration("window", time.Hour, "")
	fs.StringSlice("channel", []string{"999"}, "")
	if err := fs.Parse(args); err != nil {
		t.Fatalf("Parse(%q): %v", args, err)
	}
	keys := map[string]string{
		"corpus":  "corpus",
		"top":     "retrieval.top",
		"k1":      "retrieval.k1",
		"fuzzy":   "retrieval.fuzzy",
		"window":  "discord.cooldown.window",
		"channel": "discord.channels",
		"absent":  "log.level", // no such flag: ignored
	}
	return fs, keys
}

func TestPrecedence(t *testing.T) {
	const (
		env  = "environment variable LECTERN_RETRIEVAL_TOP"
		flag = "flag --top"
		file = "file"
	)
	tests := []struct {
		name string
		file string // retrieval.top in lectern.yaml; "" for none
		env  string // LECTERN_RETRIEVAL_TOP; "" for unset
		args []string
		want int
		from string
	}{
		{"nothing", "", "", nil, 3, "default"},
		{"file", "4", "", nil, 4, file},
		{"env over file", "4", "5", nil, 5, env},
		{"env alone", "", "5", nil, 5, env},
		{"flag over env and file", "4", "5", []string{"--top=6"}, 6, flag},
		{"flag over file", "4", "", []string{"--top", "6"}, 6, flag},
		{"flag set to its own default", "4", "5", []string{"--top=9"}, 9, flag},
		{"other flag set", "4", "5", []string{"--k1=1.5"}, 5, env},
		{"unset flag, file", "4", "", nil, 4, file},
		{"unset flag, nothing else", "", "", []string{"--k1=1.5"}, 3, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := ""
			if tt.file != "" {
				yaml = "retrieval:\n  top: " + tt.file + "\n"
			}
			path := setup(t, yaml, nil)
			if tt.env != "" {
				t.Setenv("LECTERN_RETRIEVAL_TOP", tt.env)
			}
			fs, keys := flags(t, tt.args...)
			c, err := config.Load(config.Options{Flags: fs, FlagKeys: keys})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if c.Retrieval.Top != tt.want {
				t.Errorf("Retrieval.Top = %d; want %d", c.Retrieval.Top, tt.want)
			}
			from := tt.from
			if from == file {
				from = path
			}
			if got := c.Source("retrieval.top"); got != from {
				t.Errorf("Source(%q) = %q; want %q", "retrieval.top", got, from)
			}
			if got := c.Source("retrieval.b"); got != "default" {
				t.Errorf("Source(%q) = %q; want \"default\"", "retrieval.b", got)
			}
		})
	}
}

func TestSource(t *testing.T) {
	path := setup(t, "retrieval:\n  b: 0.5\n  k1: 1.1\n  top: 4\n", map[string]string{
		"LECTERN_RETRIEVAL_K1":  "1.2",
		"LECTERN_RETRIEVAL_TOP": "5",
	})
	fs, keys := flags(t, "--top=6")
	c, err := config.Load(config.Options{Flags: fs, FlagKeys: keys})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	tests := []struct{ key, want string }{
		{"retrieval.min_coverage", "default"},
		{"retrieval.b", path},
		{"retrieval.k1", "environment variable LECTERN_RETRIEVAL_K1"},
		{"retrieval.top", "flag --top"},
		{"no.such.key", "default"},
	}
	for _, tt := range tests {
		if got := c.Source(tt.key); got != tt.want {
			t.Errorf("Source(%q) = %q; want %q", tt.key, got, tt.want)
		}
	}
	if c.Retrieval.B != 0.5 || c.Retrieval.K1 != 1.2 || c.Retrieval.Top != 6 {
		t.Errorf("Retrieval = %+v; want B 0.5, K1 1.2, Top 6", c.Retrieval)
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args []string
		get  func(*config.Config) any
		want any
	}{
		{[]string{"--corpus=notes"}, func(c *config.Config) any { return c.Corpus }, "notes"},
		{[]string{"--top", "7"}, func(c *config.Config) any { return c.Retrieval.Top }, 7},
		{[]string{"--k1=1.5"}, func(c *config.Config) any { return c.Retrieval.K1 }, 1.5},
		{[]string{"--fuzzy=false"}, func(c *config.Config) any { return c.Retrieval.Fuzzy }, false},
		{[]string{"--window=2m"}, func(c *config.Config) any { return c.Discord.CooldownWindow }, 2 * time.Minute},
		{[]string{"--channel=22,11", "--channel", "33"}, func(c *config.Config) any { return c.Discord.Channels }, []string{"11", "22", "33"}},
		{nil, func(c *config.Config) any { return c.Discord.Channels }, []string{}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			setup(t, "", nil)
			fs, keys := flags(t, tt.args...)
			c, err := config.Load(config.Options{Flags: fs, FlagKeys: keys})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if got := tt.get(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v; want %#v", got, tt.want)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name  string
		files []string // relative to "." or "$XDG/"
		want  string
	}{
		{"working dir", []string{"./lectern.yaml"}, "./lectern.yaml"},
		{"working dir yml", []string{"./lectern.yml"}, "./lectern.yml"},
		{"xdg", []string{"$XDG/lectern/lectern.yaml"}, "$XDG/lectern/lectern.yaml"},
		{"working dir before xdg", []string{"$XDG/lectern/lectern.yaml", "./lectern.yaml"}, "./lectern.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, xdg := isolate(t)
			abs := strings.NewReplacer("./", dir+"/", "$XDG/", xdg+"/")
			for i, f := range tt.files {
				writeFile(t, abs.Replace(f), "retrieval:\n  top: "+string(rune('4'+i))+"\n")
			}
			c, err := config.Load(config.Options{})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			want := abs.Replace(tt.want)
			if c.File != want {
				t.Errorf("Load().File = %q; want %q", c.File, want)
			}
			if got := c.Source("retrieval.top"); got != want {
				t.Errorf("Source(%q) = %q; want %q", "retrieval.top", got, want)
			}
			wantTop := 4 + slices.Index(tt.files, tt.want)
			if c.Retrieval.Top != wantTop {
				t.Errorf("Retrieval.Top = %d; want %d (from %s)", c.Retrieval.Top, wantTop, want)
			}
		})
	}
}

func TestLoadNamedFile(t *testing.T) {
	dir, _ := isolate(t)
	path := writeFile(t, filepath.Join(dir, "conf", "bot.yaml"), "log:\n  level: debug\n")
	c, err := config.Load(config.Options{File: "conf/bot.yaml"})
	if err != nil {
		t.Fatalf("Load(conf/bot.yaml) error: %v", err)
	}
	if c.File != path || c.Log.Level != "debug" {
		t.Errorf("Load(conf/bot.yaml): File %q, Log.Level %q; want %q, \"debug\"", c.File, c.Log.Level, path)
	}
}

func TestLoadMissingFile(t *testing.T) {
	// A lectern.yaml that the search would find must not stand in for a
	// named file that is missing.
	setup(t, "", nil)
	_, err := config.Load(config.Options{File: "missing.yaml"})
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("Load(missing.yaml) error = %v; want one naming missing.yaml", err)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(missing.yaml) error = %v; want errors.Is(err, os.ErrNotExist)", err)
	}
}

func TestLoadSyntaxError(t *testing.T) {
	path := setup(t, "retrieval:\n  k1: [1.2\n  b: 0.5\n", nil)
	_, err := config.Load(config.Options{})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load() error = %v; want one naming %s", err, path)
	}
}

func TestLoadErrors(t *testing.T) {
	const file = "file"
	tests := []struct {
		name   string
		yaml   string
		env    map[string]string
		key    string
		source string // "file" for the file's path
		msg    string // part of the message
	}{
		{"k1 not a number", "retrieval:\n  k1: abc\n", nil, "retrieval.k1", file, `"abc" is not a number`},
		{"k1 quoted", "retrieval:\n  k1: \"abc\"\n", nil, "retrieval.k1", file, `"abc" is not a number`},
		{"top from env", "", map[string]string{"LECTERN_RETRIEVAL_TOP": "many"}, "retrieval.top", "environment variable LECTERN_RETRIEVAL_TOP", `"many" is not a whole number`},
		{"top a fraction", "retrieval:\n  top: 2.5\n", nil, "retrieval.top", file, "not a whole number"},
		{"top a fraction from env", "", map[string]string{"LECTERN_RETRIEVAL_TOP": "2.5"}, "retrieval.top", "environment variable LECTERN_RETRIEVAL_TOP", "not a whole number"},
		{"fuzzy", "retrieval:\n  fuzzy: maybe\n", nil, "retrieval.fuzzy", file, "not true or false"},
		{"k1 zero", "retrieval:\n  k1: 0\n", nil, "retrieval.k1", file, "out of range"},
		{"b above 1", "retrieval:\n  b: 2\n", nil, "retrieval.b", file, "out of range"},
		{"b from env", "", map[string]string{"LECTERN_RETRIEVAL_B": "-0.1"}, "retrieval.b", "environment variable LECTERN_RETRIEVAL_B", "out of range"},
		{"top zero", "retrieval:\n  top: 0\n", nil, "retrieval.top", file, "out of range"},
		{"top above max", "retrieval:\n  top: 51\n", nil, "retrieval.top", file, "out of range"},
		{"min_coverage", "retrieval:\n  min_coverage: 1.5\n", nil, "retrieval.min_coverage", file, "out of range"},
		{"excerpt_max", "retrieval:\n  excerpt_max: 99\n", nil, "retrieval.excerpt_max", file, "out of range"},
		{"api_url ftp", "discord:\n  api_url: \"ftp://x\"\n", nil, "discord.api_url", file, "not an http(s) URL"},
		{"api_url no host", "discord:\n  api_url: \"https://\"\n", nil, "discord.api_url", file, "not an http(s) URL"},
		{"guild_id", "discord:\n  guild_id: my-server\n", nil, "discord.guild_id", file, "not a Discord ID"},
		{"channels", "discord:\n  channels: [\"123\", \"#general\"]\n", nil, "discord.channels", file, "not a Discord ID"},
		{"cooldown questions", "discord:\n  cooldown:\n    questions: 0\n", nil, "discord.cooldown.questions", file, "out of range"},
		{"cooldown window", "discord:\n  cooldown:\n    window: soon\n", nil, "discord.cooldown.window", file, "not a duration"},
		{"cooldown window NaN", "", map[string]string{"LECTERN_DISCORD_COOLDOWN_WINDOW": "NaN"}, "discord.cooldown.window", "environment variable LECTERN_DISCORD_COOLDOWN_WINDOW", "not a duration"},
		{"cooldown window negative", "discord:\n  cooldown:\n    window: -1s\n", nil, "discord.cooldown.window", file, "out of range"},
		{"cooldown window too long", "discord:\n  cooldown:\n    window: 25h\n", nil, "discord.cooldown.window", file, "out of range"},
		{"log level", "log:\n  level: loud\n", nil, "log.level", file, "not a level"},
		{"section given a value", "retrieval: fast\n", nil, "retrieval", file, "section"},
		{"nested section given a value", "discord:\n  cooldown: 5\n", nil, "discord.cooldown", file, "section"},
		{"log format", "", map[string]string{"LECTERN_LOG_FORMAT": "xml"}, "log.format", "environment variable LECTERN_LOG_FORMAT", "not a format"},
		{"max_file_size not a size", "limits:\n  max_file_size: big\n", nil, "limits.max_file_size", file, `"big" is not a size such as 512MiB`},
		{"max_file_size unknown unit", "limits:\n  max_file_size: 5 parsecs\n", nil, "limits.max_file_size", file, "not a size"},
		{"max_file_size too small", "limits:\n  max_file_size: 512\n", nil, "limits.max_file_size", file, "512 is out of range: use 1KiB to 2GiB (a number alone counts bytes: write 512MiB for mebibytes)"},
		{"max_file_size too large", "limits:\n  max_file_size: 3GiB\n", nil, "limits.max_file_size", file, "3GiB is out of range"},
		{"max_file_size negative from env", "", map[string]string{"LECTERN_LIMITS_MAX_FILE_SIZE": "-1MiB"}, "limits.max_file_size", "environment variable LECTERN_LIMITS_MAX_FILE_SIZE", "out of range"},
		{"max_corpus_size too large", "limits:\n  max_corpus_size: 5GiB\n", nil, "limits.max_corpus_size", file, "5GiB is out of range: use 1KiB to 4GiB"},
		{"max_corpus_size zero from env", "", map[string]string{"LECTERN_LIMITS_MAX_CORPUS_SIZE": "0"}, "limits.max_corpus_size", "environment variable LECTERN_LIMITS_MAX_CORPUS_SIZE", "out of range"},
		{"max_corpus_size not a size", "limits:\n  max_corpus_size: NaN\n", nil, "limits.max_corpus_size", file, "not a size"},
		{"limits given a value", "limits: 1GiB\n", nil, "limits", file, "section"},
		{"results zero", "discord:\n  results: 0\n", nil, "discord.results", file, "out of range"},
		{"results above max", "", map[string]string{"LECTERN_DISCORD_RESULTS": "9"}, "discord.results", "environment variable LECTERN_DISCORD_RESULTS", "out of range"},
		{"forums", "discord:\n  forums: [\"forum\"]\n", nil, "discord.forums", file, "not a Discord ID"},
		{"shards words", "discord:\n  shards: many\n", nil, "discord.shards", file, "not auto or a number of shards"},
		{"shards zero", "discord:\n  shards: 0\n", nil, "discord.shards", file, "use auto or at least 1"},
		{"shard id out of range", "discord:\n  shards: 2\n  shard_ids: [0, 2]\n", nil, "discord.shard_ids", file, "shard 2 is out of range"},
		{"shard id twice", "discord:\n  shards: 4\n", map[string]string{"LECTERN_DISCORD_SHARD_IDS": "1,1"}, "discord.shard_ids", "environment variable LECTERN_DISCORD_SHARD_IDS", "listed twice"},
		{"public key short", "discord:\n  public_key: abcd\n", nil, "discord.public_key", file, "not an Ed25519 public key"},
		{"application id", "", map[string]string{"LECTERN_DISCORD_APPLICATION_ID": "my-app"}, "discord.application_id", "environment variable LECTERN_DISCORD_APPLICATION_ID", "not a Discord ID"},
		{"listen without public key", "http:\n  listen: \":8080\"\n", nil, "discord.public_key", "default", "needs the application's public key"},
		{"listen not an address", "discord:\n  public_key: " + publicKey + "\nhttp:\n  listen: \"8080\"\n", nil, "http.listen", file, "not an address"},
		{"book without corpus", "corpora:\n  - name: a\n", nil, "corpora", file, "has no corpus"},
		{"books without names", "corpora:\n  - corpus: a\n  - {name: b, corpus: b}\n", nil, "corpora", file, "has no name"},
		{"book names twice", "corpora:\n  - {name: A, corpus: a}\n  - {name: a, corpus: b}\n", nil, "corpora", file, "used twice"},
		{"channel routed twice", "corpora:\n  - {name: a, corpus: a, channels: [\"1\"]}\n  - {name: b, corpus: b, channels: [\"1\"]}\n", nil, "corpora", file, "routed to both"},
		{"book unknown key", "corpora:\n  - {name: a, corpus: a, channel: \"1\"}\n", nil, "corpora", file, `unknown key "channel"`},
		{"corpora not a list", "corpora: books\n", nil, "corpora", file, "not a list of books"},
		{"corpora bad env", "", map[string]string{"LECTERN_CORPORA": "[{name: a"}, "corpora", "environment variable LECTERN_CORPORA", "not a list of books"},
		{"corpus and corpora in the file", "corpus: x\ncorpora:\n  - {name: a, corpus: a}\n", nil, "corpus", file, "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := setup(t, tt.yaml, tt.env)
			source := tt.source
			if source == file {
				source = path
			}
			c, err := config.Load(config.Options{})
			if err == nil {
				t.Fatalf("Load() = %+v; want an error for %s", *c, tt.key)
			}
			ves := validationErrors(err)
			if len(ves) != 1 {
				t.Fatalf("Load() error = %v; want one *ValidationError", err)
			}
			ve := ves[0]
			if ve.Key != tt.key || ve.Source != source {
				t.Errorf("Load() error for key %q from %q; want %q from %q", ve.Key, ve.Source, tt.key, source)
			}
			for _, want := range []string{tt.key, source, tt.msg} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Load() error = %q; want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestLoadReportsEveryError(t *testing.T) {
	setup(t, "retrieval:\n  b: 2\n  top: 0\n", map[string]string{"LECTERN_DISCORD_API_URL": "ftp://x"})
	_, err := config.Load(config.Options{})
	var keys []string
	for _, ve := range validationErrors(err) {
		keys = append(keys, ve.Key)
	}
	if want := []string{"retrieval.b", "retrieval.top", "discord.api_url"}; !slices.Equal(keys, want) {
		t.Errorf("Load() error = %v; want errors for %q", err, want)
	}
}

func TestValues(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		get  func(*config.Config) any
		want any
	}{
		{"channels from YAML strings", "discord:\n  channels: [\"222\", \"111\"]\n", nil,
			func(c *config.Config) any { return c.Discord.Channels }, []string{"111", "222"}},
		{"channels from YAML numbers", "discord:\n  channels:\n    - 123456789012345678\n", nil,
			func(c *config.Config) any { return c.Discord.Channels }, []string{"123456789012345678"}},
		{"channels empty", "discord:\n  channels: []\n", nil,
			func(c *config.Config) any { return c.Discord.Channels }, []string{}},
		{"channels from env", "discord:\n  channels: [\"999\"]\n", map[string]string{"LECTERN_DISCORD_CHANNELS": "333, 111,222"},
			func(c *config.Config) any { return c.Discord.Channels }, []string{"111", "222", "333"}},
		{"guild_id as YAML number", "discord:\n  guild_id: 123456789012345678\n", nil,
			func(c *config.Config) any { return c.Discord.GuildID }, "123456789012345678"},
		{"guild_id as YAML string", "discord:\n  guild_id: \"123456789012345678\"\n", nil,
			func(c *config.Config) any { return c.Discord.GuildID }, "123456789012345678"},
		{"guild_id from env", "", map[string]string{"LECTERN_DISCORD_GUILD_ID": "123456789012345678"},
			func(c *config.Config) any { return c.Discord.GuildID }, "123456789012345678"},
		{"window as duration", "discord:\n  cooldown:\n    window: 45s\n", nil,
			func(c *config.Config) any { return c.Discord.CooldownWindow }, 45 * time.Second},
		{"window as seconds", "discord:\n  cooldown:\n    window: 45\n", nil,
			func(c *config.Config) any { return c.Discord.CooldownWindow }, 45 * time.Second},
		{"window as fractional seconds", "discord:\n  cooldown:\n    window: 1.5\n", nil,
			func(c *config.Config) any { return c.Discord.CooldownWindow }, 1500 * time.Millisecond},
		{"window as quoted seconds", "discord:\n  cooldown:\n    window: \"45\"\n", nil,
			func(c *config.Config) any { return c.Discord.CooldownWindow }, 45 * time.Second},
		{"window as seconds from env", "", map[string]string{"LECTERN_DISCORD_COOLDOWN_WINDOW": "45"},
			func(c *config.Config) any { return c.Discord.CooldownWindow }, 45 * time.Second},
		{"window as duration from env", "", map[string]string{"LECTERN_DISCORD_COOLDOWN_WINDOW": "2m"},
			func(c *config.Config) any { return c.Discord.CooldownWindow }, 2 * time.Minute},
		{"window zero", "discord:\n  cooldown:\n    window: 0\n", nil,
			func(c *config.Config) any { return c.Discord.CooldownWindow }, time.Duration(0)},
		{"excerpt_max from env is decimal", "", map[string]string{"LECTERN_RETRIEVAL_EXCERPT_MAX": "0700"},
			func(c *config.Config) any { return c.Retrieval.ExcerptMax }, 700},
		{"top from env with spaces", "", map[string]string{"LECTERN_RETRIEVAL_TOP": " 7 "},
			func(c *config.Config) any { return c.Retrieval.Top }, 7},
		{"top as whole float", "retrieval:\n  top: 7.0\n", nil,
			func(c *config.Config) any { return c.Retrieval.Top }, 7},
		{"fuzzy from env", "", map[string]string{"LECTERN_RETRIEVAL_FUZZY": "false"},
			func(c *config.Config) any { return c.Retrieval.Fuzzy }, false},
		{"k1 from env", "", map[string]string{"LECTERN_RETRIEVAL_K1": "1.25"},
			func(c *config.Config) any { return c.Retrieval.K1 }, 1.25},
		{"b zero", "retrieval:\n  b: 0\n", nil,
			func(c *config.Config) any { return c.Retrieval.B }, 0.0},
		{"empty env var is unset", "log:\n  level: debug\n", map[string]string{"LECTERN_LOG_LEVEL": ""},
			func(c *config.Config) any { return c.Log.Level }, "debug"},
		{"null in file is the default", "corpus: ~\n", nil,
			func(c *config.Config) any { return c.Corpus }, ""},
		{"max_file_size in MiB", "limits:\n  max_file_size: 64MiB\n", nil,
			func(c *config.Config) any { return c.Limits.MaxFileBytes }, int64(64 << 20)},
		{"max_file_size with a space and a fraction", "limits:\n  max_file_size: 1.5 gib\n", nil,
			func(c *config.Config) any { return c.Limits.MaxFileBytes }, int64(3 << 29)},
		{"max_file_size in MB", "limits:\n  max_file_size: 100MB\n", nil,
			func(c *config.Config) any { return c.Limits.MaxFileBytes }, int64(100e6)},
		{"max_file_size in bytes", "limits:\n  max_file_size: 1048576\n", nil,
			func(c *config.Config) any { return c.Limits.MaxFileBytes }, int64(1 << 20)},
		{"max_file_size at its ceiling", "limits:\n  max_file_size: 2GiB\n", nil,
			func(c *config.Config) any { return c.Limits.MaxFileBytes }, int64(2 << 30)},
		{"max_corpus_size from env", "", map[string]string{"LECTERN_LIMITS_MAX_CORPUS_SIZE": "4GiB"},
			func(c *config.Config) any { return c.Limits.MaxCorpusBytes }, int64(4 << 30)},
		{"shards auto", "discord:\n  shards: auto\n", nil,
			func(c *config.Config) any { return c.Discord.Shards }, 0},
		{"shards from env", "", map[string]string{"LECTERN_DISCORD_SHARDS": "4"},
			func(c *config.Config) any { return c.Discord.Shards }, 4},
		{"shard ids from env", "discord:\n  shards: 4\n", map[string]string{"LECTERN_DISCORD_SHARD_IDS": "3, 1"},
			func(c *config.Config) any { return c.Discord.ShardIDs }, []int{1, 3}},
		{"shard ids from YAML", "discord:\n  shards: 4\n  shard_ids: [2, 0]\n", nil,
			func(c *config.Config) any { return c.Discord.ShardIDs }, []int{0, 2}},
		{"public key folded", "discord:\n  public_key: " + strings.ToUpper(publicKey) + "\n", nil,
			func(c *config.Config) any { return c.Discord.PublicKey }, publicKey},
		{"listen", "discord:\n  public_key: " + publicKey + "\nhttp:\n  listen: \":8080\"\n", nil,
			func(c *config.Config) any { return c.HTTP.Listen }, ":8080"},
		{"corpora from YAML", "corpora:\n  - name: history\n    corpus: ./h\n    index: h.idx\n    channels: [123]\n  - name: manual\n    corpus: ./m\n    guilds: [\"456\"]\n", nil,
			func(c *config.Config) any { return c.Corpora }, []config.Book{
				{Name: "history", Corpus: "./h", Index: "h.idx", Channels: []string{"123"}},
				{Name: "manual", Corpus: "./m", Guilds: []string{"456"}}}},
		{"corpora from env JSON", "", map[string]string{"LECTERN_CORPORA": `[{"name": "a", "corpus": "x", "channels": ["7"]}]`},
			func(c *config.Config) any { return c.Corpora }, []config.Book{{Name: "a", Corpus: "x", Channels: []string{"7"}}}},
		{"max_corpus_size from env in bytes", "", map[string]string{"LECTERN_LIMITS_MAX_CORPUS_SIZE": " 2048 "},
			func(c *config.Config) any { return c.Limits.MaxCorpusBytes }, int64(2048)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, tt.yaml, tt.env)
			c, err := config.Load(config.Options{})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if got := tt.get(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v; want %#v", got, tt.want)
			}
		})
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want [][]string // each warning's parts, in order
	}{
		{"near miss in file", "discord:\n  tokne: x\n", nil,
			[][]string{{"lectern.yaml", `unknown key "discord.tokne"`, `did you mean "discord.token"?`}}},
		{"near miss in file, top level", "corpuss: notes\n", nil,
			[][]string{{`unknown key "corpuss"`, `did you mean "corpus"?`}}},
		{"far miss in file", "theme: dark\n", nil,
			[][]string{{`unknown key "theme"`, "known keys: corpus, corpus.watch, index, language, corpora, limits.max_file_size, limits.max_corpus_size, retrieval.k1"}}},
		{"sorted", "delta: 1\nalpha: 1\ncharlie: 1\nbravo: 1\n", nil,
			[][]string{{`"alpha"`}, {`"bravo"`}, {`"charlie"`}, {`"delta"`}}},
		{"near miss in env", "", map[string]string{"LECTERN_DISCORD_TOKNE": "x"},
			[][]string{{"unknown environment variable LECTERN_DISCORD_TOKNE", "did you mean LECTERN_DISCORD_TOKEN?"}}},
		{"far miss in env", "", map[string]string{"LECTERN_COLOUR": "red"},
			[][]string{{"unknown environment variable LECTERN_COLOUR"}}},
		{"other prefixes are not ours", "", map[string]string{"LECTERNX_TOP": "1", "MY_LECTERN_TOP": "1"}, nil},
		{"empty sections", "retrieval:\n  # k1: 1.2\ndiscord:\n  cooldown:\n  # window: 1m\nlog:\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, tt.yaml, tt.env)
			c, err := config.Load(config.Options{})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if len(c.Warnings) != len(tt.want) {
				t.Fatalf("Load().Warnings = %q; want %d", c.Warnings, len(tt.want))
			}
			for i, parts := range tt.want {
				for _, p := range parts {
					if !strings.Contains(c.Warnings[i], p) {
						t.Errorf("Load().Warnings[%d] = %q; want it to contain %q", i, c.Warnings[i], p)
					}
				}
			}
			if want := defaults(); !sameSettings(c, &want) {
				t.Errorf("Load() = %+v; want the defaults: unknown settings are ignored", *c)
			}
		})
	}
}

func TestDumpHidesToken(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		args []string
	}{
		{"env", "", map[string]string{"LECTERN_DISCORD_TOKEN": fakeToken}, nil},
		{"env with Bot prefix", "", map[string]string{"LECTERN_DISCORD_TOKEN": "Bot " + fakeToken}, nil},
		{"file", "discord:\n  token: " + fakeToken + "\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, tt.yaml, tt.env)
			c, err := config.Load(config.Options{})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if c.Discord.Token != fakeToken {
				t.Fatalf("Discord.Token is not the token that was set")
			}
			d := c.Dump()
			for _, part := range append(strings.Split(fakeToken, "."), fakeToken[:8], fakeToken[len(fakeToken)-8:]) {
				if strings.Contains(d, part) {
					t.Errorf("Dump() shows (part of) the token:\n%s", d)
				}
			}
			if !strings.Contains(d, "discord.token: \""+config.Mask(fakeToken)+"\"") {
				t.Errorf("Dump() = %q; want discord.token shown as %q", d, config.Mask(fakeToken))
			}
			if c.CheckToken() != nil {
				t.Errorf("CheckToken() = %v; want nil", c.CheckToken())
			}
		})
	}
}

func TestDump(t *testing.T) {
	path := setup(t, "retrieval:\n  top: 4\n", map[string]string{"LECTERN_LOG_LEVEL": "debug"})
	c, err := config.Load(config.Options{})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(c.Dump(), "\n"), "\n")
	keys := config.Keys()
	if len(lines) != 1+len(keys) {
		t.Fatalf("Dump() has %d lines; want a header and one line per key:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if want := "# configuration file: " + path; lines[0] != want {
		t.Errorf("Dump() header = %q; want %q", lines[0], want)
	}
	for i, k := range keys {
		if line := lines[i+1]; !strings.HasPrefix(line, k+": ") || !strings.HasSuffix(line, "  # "+c.Source(k)) {
			t.Errorf("Dump() line %d = %q; want %q, its value and its source %q", i+1, line, k, c.Source(k))
		}
	}
	for _, want := range []string{"retrieval.top: 4 ", "log.level: \"debug\" ", "discord.token: \"\" "} {
		if !strings.Contains(c.Dump(), want) {
			t.Errorf("Dump() lacks %q:\n%s", want, c.Dump())
		}
	}
}

func TestCheckToken(t *testing.T) {
	parts := strings.Split(fakeToken, ".")
	tests := []struct {
		name  string
		token string
		want  error // nil, config.ErrNoToken, or errMalformed
	}{
		{"missing", "", config.ErrNoToken},
		{"blank", "   ", config.ErrNoToken},
		{"well formed", fakeToken, nil},
		{"Bot prefix", "Bot " + fakeToken, nil},
		{"surrounding space", " " + fakeToken + "\n", nil},
		{"two parts", parts[0] + "." + parts[2], errMalformed},
		{"four parts", fakeToken + ".abcd", errMalformed},
		{"short first part", parts[0][:10] + "." + parts[1] + "." + parts[2], errMalformed},
		{"short last part", parts[0] + "." + parts[1] + "." + parts[2][:10], errMalformed},
		{"standard base64", parts[0] + "." + parts[1] + "." + parts[2][:36] + "+/", errMalformed},
		{"Bearer prefix", "Bearer " + fakeToken, errMalformed},
		{"client secret", strings.Repeat("aB3", 11), errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, "", map[string]string{"LECTERN_DISCORD_TOKEN": tt.token})
			c, err := config.Load(config.Options{})
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			err = c.CheckToken()
			switch tt.want {
			case nil:
				if err != nil {
					t.Errorf("CheckToken() = %v; want nil", err)
				}
			case config.ErrNoToken:
				if !errors.Is(err, config.ErrNoToken) {
					t.Errorf("CheckToken() = %v; want ErrNoToken", err)
				}
			case errMalformed:
				if err == nil || errors.Is(err, config.ErrNoToken) {
					t.Fatalf("CheckToken() = %v; want an error for a malformed token", err)
				}
				for _, part := range strings.FieldsFunc(tt.token, func(r rune) bool { return r == '.' || r == ' ' }) {
					if len(part) >= 6 && strings.Contains(err.Error(), part) {
						t.Errorf("CheckToken() = %q; it shows (part of) the token", err)
					}
				}
				var ve *config.ValidationError
				if !errors.As(err, &ve) || ve.Key != "discord.token" || ve.Source != "environment variable LECTERN_DISCORD_TOKEN" {
					t.Errorf("CheckToken() = %v; want a *ValidationError for discord.token from LECTERN_DISCORD_TOKEN", err)
				}
			}
		})
	}
}

var errMalformed = errors.New("malformed")

func TestLoadErrorHidesToken(t *testing.T) {
	setup(t, "discord:\n  token: ["+fakeToken+"]\n", nil)
	_, err := config.Load(config.Options{})
	if err == nil {
		t.Fatal("Load() with a list for discord.token: want an error")
	}
	if strings.Contains(err.Error(), fakeToken) {
		t.Errorf("Load() error = %q; it shows the token", err)
	}
}

func TestExampleFile(t *testing.T) {
	example, err := filepath.Abs("../lectern.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}

	// Every key is set, and nothing else.
	var doc map[string]any
	if err := yaml.Unmarshal(text, &doc); err != nil {
		t.Fatalf("lectern.example.yaml: %v", err)
	}
	var got []string
	flatten("", doc, &got)
	slices.Sort(got)
	want := config.Keys()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("lectern.example.yaml sets %q; want every key of Keys(): %q", got, want)
	}

	// Each key's environment variable is documented.
	for _, k := range config.Keys() {
		if !strings.Contains(string(text), config.EnvVar(k)) {
			t.Errorf("lectern.example.yaml does not mention %s", config.EnvVar(k))
		}
	}

	// It loads cleanly, and its values are the defaults.
	setup(t, "", nil) // an empty lectern.yaml: nothing but defaults
	def, err := config.Load(config.Options{})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	c, err := config.Load(config.Options{File: example})
	if err != nil {
		t.Fatalf("Load(lectern.example.yaml) error: %v", err)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("Load(lectern.example.yaml).Warnings = %q; want none", c.Warnings)
	}
	if !sameSettings(c, def) {
		t.Errorf("Load(lectern.example.yaml) = %+v; want the defaults %+v", *c, *def)
	}
	for _, k := range config.Keys() {
		if got := c.Source(k); got != example {
			t.Errorf("Load(lectern.example.yaml).Source(%q) = %q; want the file", k, got)
		}
	}
}

// flatten appends the dotted path of every leaf in m to keys.
func flatten(prefix string, m map[string]any, keys *[]string) {
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			flatten(prefix+k+".", sub, keys)
			continue
		}
		*keys = append(*keys, prefix+k)
	}
}

func TestMaskURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://discord.com/api/v9", "https://discord.com/api/v9"},
		{"https://user:s3cret@proxy.example/api/v9", "https://hidden:hidden@proxy.example/api/v9"},
		{"https://T0KEN@proxy.example/api", "https://hidden@proxy.example/api"},
		{"http://127.0.0.1:8080/api/v9?token=abc123&x=1", "http://127.0.0.1:8080/api/v9?token=hidden&x=hidden"},
		{"https://h/api#frag-secret", "https://h/api#hidden"},
		{"::not a url@with?secret", config.Mask("x")},
	}
	for _, tt := range tests {
		if got := config.MaskURL(tt.in); got != tt.want {
			t.Errorf("MaskURL(%q) = %q; want %q", tt.in, got, tt.want)
		}
		for _, secret := range []string{"s3cret", "T0KEN", "abc123", "frag-secret"} {
			if strings.Contains(tt.in, secret) && strings.Contains(config.MaskURL(tt.in), secret) {
				t.Errorf("MaskURL(%q) shows %q", tt.in, secret)
			}
		}
	}
}

func TestDumpMasksAPIURL(t *testing.T) {
	t.Setenv("LECTERN_DISCORD_API_URL", "https://bob:hunter2@proxy.example/api/v9?key=k3y")
	cfg, err := config.Load(config.Options{File: writeFile(t, filepath.Join(t.TempDir(), "lectern.yaml"), "corpus: \"\"\n")})
	if err != nil {
		t.Fatal(err)
	}
	out := cfg.Dump()
	if strings.Contains(out, "hunter2") || strings.Contains(out, "k3y") || strings.Contains(out, "bob") {
		t.Errorf("Dump shows the API URL's credentials:\n%s", out)
	}
	if !strings.Contains(out, "proxy.example/api/v9") {
		t.Errorf("Dump does not show the API URL's host:\n%s", out)
	}
}

func TestBooks(t *testing.T) {
	const two = "corpora:\n  - {name: history, corpus: ./h, channels: [\"1\"]}\n  - {name: manual, corpus: ./m}\n"
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		args  []string
		books []config.Book
	}{
		{"one book by default", "", nil, nil, []config.Book{{}}},
		{"corpus and index", "corpus: ./b\nindex: b.idx\n", nil, nil, []config.Book{{Corpus: "./b", Index: "b.idx"}}},
		{"corpora", two, nil, nil, []config.Book{
			{Name: "history", Corpus: "./h", Channels: []string{"1"}}, {Name: "manual", Corpus: "./m"}}},
		{"a --corpus flag is one book for one run", two, nil, []string{"--corpus", "./other"}, []config.Book{{Corpus: "./other"}}},
		{"LECTERN_INDEX is one book too", two, map[string]string{"LECTERN_INDEX": "x.idx"}, nil, []config.Book{{Index: "x.idx"}}},
		{"language", "corpus: ./b\nlanguage: Russian\n", nil, nil, []config.Book{{Corpus: "./b", Language: "ru"}}},
		{"a book's language wins over language", "language: es\ncorpora:\n  - {name: a, corpus: ./a, language: ru-RU}\n  - {name: b, corpus: ./b}\n", nil, nil,
			[]config.Book{{Name: "a", Corpus: "./a", Language: "ru"}, {Name: "b", Corpus: "./b", Language: "es"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, tt.yaml, tt.env)
			fs, keys := flags(t, tt.args...)
			c, err := config.Load(config.Options{Flags: fs, FlagKeys: keys})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Books(); !reflect.DeepEqual(got, tt.books) {
				t.Errorf("Books() = %+v; want %+v", got, tt.books)
			}
		})
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		value, want string
		bad         bool
	}{
		{"", "", false},
		{"auto", "", false},
		{"AUTO", "", false},
		{"ru", "ru", false},
		{"ru-RU", "ru", false},
		{"Russian", "ru", false},
		{"русский", "ru", false},
		{"spa", "es", false},
		{"nb", "no", false},
		{"klingon", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			setup(t, "", map[string]string{"LECTERN_LANGUAGE": tt.value})
			c, err := config.Load(config.Options{})
			switch {
			case tt.bad:
				var ve *config.ValidationError
				if !errors.As(err, &ve) || ve.Key != "language" || !strings.Contains(err.Error(), "LECTERN_LANGUAGE") {
					t.Errorf("Load with language %q: %v; want a ValidationError for language naming LECTERN_LANGUAGE", tt.value, err)
				}
			case err != nil:
				t.Errorf("Load with language %q: %v", tt.value, err)
			case c.Language != tt.want:
				t.Errorf("Load with language %q: Language = %q; want %q", tt.value, c.Language, tt.want)
			}
		})
	}
}

func TestCorpusWatch(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		want bool
		path string
	}{
		{"default", "corpus: ./books\n", nil, false, "./books"},
		{"in the file, beside corpus", "corpus: ./books\ncorpus.watch: true\n", nil, true, "./books"},
		{"from the environment", "", map[string]string{"LECTERN_CORPUS_WATCH": "true", "LECTERN_CORPUS": "./x"}, true, "./x"},
		{"the environment beats the file", "corpus: ./books\ncorpus.watch: true\n", map[string]string{"LECTERN_CORPUS_WATCH": "false"}, false, "./books"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setup(t, tt.yaml, tt.env)
			c, err := config.Load(config.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.Watch != tt.want || c.Corpus != tt.path {
				t.Errorf("Watch, Corpus = %v, %q; want %v, %q", c.Watch, c.Corpus, tt.want, tt.path)
			}
		})
	}
}

// TestCorpusWatchWithCorpusFlag: a --corpus flag must not hide
// corpus.watch in the file (viper looks "corpus.watch" up through the
// flag bound to "corpus").
func TestCorpusWatchWithCorpusFlag(t *testing.T) {
	setup(t, "corpus: ./books\ncorpus.watch: true\n", nil)
	fs, keys := flags(t, "--corpus", "./other")
	c, err := config.Load(config.Options{Flags: fs, FlagKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Watch || c.Corpus != "./other" {
		t.Errorf("Watch, Corpus = %v, %q; want true, ./other", c.Watch, c.Corpus)
	}
}

// TestRetrievalDefaults: config's defaults of the retrieval settings are
// the retrieval package's.
func TestRetrievalDefaults(t *testing.T) {
	for _, tt := range []struct {
		name         string
		config, want float64
	}{
		{"k1", config.DefaultK1, index.DefaultK1},
		{"b", config.DefaultB, index.DefaultB},
		{"min_coverage", config.DefaultMinCoverage, retrieval.DefaultMinCoverage},
		{"excerpt_max", config.DefaultExcerptMax, retrieval.DefaultExcerptMax},
		{"top (most)", config.MaxTop, retrieval.MaxTop},
	} {
		if tt.config != tt.want {
			t.Errorf("config's default %s is %v; retrieval's is %v", tt.name, tt.config, tt.want)
		}
	}
}

// TestChanged: Changed sees a change of any setting, secrets included
// (which Dump masks), and reports a key it does not know.
func TestChanged(t *testing.T) {
	a := &config.Config{Corpus: "books", Discord: config.Discord{Token: "abc.def.ghi1234", APIURL: "https://u:p1@example.test/api"}}
	for _, tt := range []struct {
		name string
		edit func(c *config.Config)
		key  string
	}{
		{"token, same masked tail", func(c *config.Config) { c.Discord.Token = "xyz.uvw.ghi1234" }, "discord.token"},
		{"password in the API URL", func(c *config.Config) { c.Discord.APIURL = "https://u:p2@example.test/api" }, "discord.api_url"},
		{"corpus", func(c *config.Config) { c.Corpus = "other" }, "corpus"},
		{"a book's channel", func(c *config.Config) { c.Corpora = []config.Book{{Name: "b", Channels: []string{"1"}}} }, "corpora"},
	} {
		b := *a
		tt.edit(&b)
		if got := a.Changed(&b, config.Keys()...); len(got) != 1 || got[0] != tt.key {
			t.Errorf("%s: Changed = %v; want [%s]", tt.name, got, tt.key)
		}
	}
	if got := a.Changed(a, config.Keys()...); len(got) != 0 {
		t.Errorf("Changed against itself = %v; want none", got)
	}
	if got := a.Changed(a, "no.such.key"); len(got) != 1 {
		t.Errorf("Changed of an unknown key = %v; want it reported", got)
	}
}
