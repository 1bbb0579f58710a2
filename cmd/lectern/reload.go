package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lectern/bot"
	"lectern/config"
)

// Reloading, as lectern serve does it on SIGHUP and, with corpus.watch,
// when the corpus's files change:
//
//   - Every book is opened again (retrieval.Open: from its saved index
//     when that is up to date, else built from its files and the index
//     saved again) in the background, while the bot answers from the
//     books it has.
//   - Only when all of them are ready does the core swap them in, whole
//     (bot.Core.SetBooks): no question is answered from a half-built
//     index, and questions being answered finish with the books they
//     started with.
//   - When any book fails, nothing changes: the bot keeps answering from
//     the previous text, and the log says why at error level.
//   - One reload runs at a time; a request during a reload makes exactly
//     one more after it, however many come.
//
// SIGHUP also reads lectern.yaml (and the environment, and serve's flags)
// again, as operators expect of "systemctl reload". What the text is made
// of takes effect: the settings in reloadKeys, and each book's corpus,
// index and language. The rest (the doors, the token, listeners, routes,
// cooldowns, logging, corpus.watch, feedback.path) needs a restart: a
// change to them is logged and left for then. A configuration that does
// not load or validate fails the reload like a book that does not.
//
// Only serve listens for SIGHUP, and only while it runs; the other
// commands end on SIGHUP as programs do, so that closing the terminal of
// "lectern chat" still ends it.

// reloadKeys are the settings a reload on SIGHUP applies.
var reloadKeys = []string{
	"corpus", "index", "language", "corpora",
	"limits.max_file_size", "limits.max_corpus_size",
	"retrieval.k1", "retrieval.b", "retrieval.top", "retrieval.min_coverage", "retrieval.excerpt_max", "retrieval.fuzzy",
}

// restartKeys are the settings a reload leaves as serve started with:
// changing them needs a restart.
var restartKeys = []string{
	"corpus.watch",
	"discord.token", "discord.guild_id", "discord.api_url", "discord.channels", "discord.forums", "discord.results",
	"discord.application_id", "discord.public_key", "discord.shards", "discord.shard_ids",
	"discord.cooldown.questions", "discord.cooldown.window",
	"http.listen", "metrics.listen", "feedback.path", "log.level", "log.format",
}

// reloadHooks are told of loads and reloads, for metrics. Every field may
// be nil. They are called from the goroutine that loads.
type reloadHooks struct {
	// onLoaded is called for each book the bot answers from, once it
	// does: when serve starts and after each reload that succeeds. It
	// gets the book's name ("" for the one book of a bot), its size, how
	// long opening it took, and whether it came from its saved index file.
	// (metrics.Metrics.Loaded fits.)
	onLoaded func(book string, docs, sentences int, took time.Duration, fromIndex bool)
	// onReloaded is called after each reload: err is nil when the new
	// books are answering, and otherwise says why the previous ones still
	// are. A reload that serve's stopping interrupts is not reported.
	// (metrics.Metrics.Reloaded fits.)
	onReloaded func(err error)
}

// answering tells onLoaded of each book of sh.
func (h reloadHooks) answering(sh shelf) {
	if h.onLoaded == nil {
		return
	}
	for _, l := range sh.loads {
		h.onLoaded(l.book, l.docs, l.sentences, l.took, l.fromIndex)
	}
}

func (h reloadHooks) reloaded(err error) {
	if h.onReloaded != nil {
		h.onReloaded(err)
	}
}

// shelf is a set of opened books, ready for the core.
type shelf struct {
	books []bot.Book
	// corpora are the files and folders the books were read from
	// (absolute; none for the embedded page), and indexes their index
	// files: what corpus.watch watches and ignores.
	corpora, indexes []string
	docs, sentences  int
	loads            []bookLoad
}

// bookLoad is how opening one book went.
type bookLoad struct {
	book            string
	docs, sentences int
	took            time.Duration
	fromIndex       bool
}

// openBooks opens books with cfg's settings (see app.open), logging each
// as it is loaded. On failure it returns the name of the book that failed.
func (a *app) openBooks(ctx context.Context, cfg *config.Config, books []config.Book, log *slog.Logger) (shelf, string, error) {
	ac := *a // the same app, with cfg's settings
	ac.cfg = cfg
	var sh shelf
	for _, b := range books {
		start := time.Now()
		o, err := ac.open(ctx, b, engineOptions(cfg), false)
		if err != nil {
			return shelf{}, b.Name, err
		}
		took := time.Since(start)
		c := o.Engine.Corpus()
		docs := len(c.Documents())
		log.Info("text loaded", "book", b.Name, "documents", docs, "sentences", c.Len(), "bytes", c.Size(), "from_index", o.FromIndex,
			"seconds", roundSeconds(took))
		sh.loads = append(sh.loads, bookLoad{book: b.Name, docs: docs, sentences: c.Len(), took: took, fromIndex: o.FromIndex})
		sh.books = append(sh.books, bot.Book{Name: b.Name, Answerer: o.Engine})
		sh.docs += docs
		sh.sentences += c.Len()
		if o.Corpus != "" {
			sh.corpora = append(sh.corpora, o.Corpus)
		}
		if b.Index != "" {
			if abs, err := filepath.Abs(b.Index); err == nil {
				sh.indexes = append(sh.indexes, abs)
			}
		}
	}
	return sh, "", nil
}

// seconds formats a time taken for people: "0.004 s", "2.5 s".
func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// roundSeconds is a time taken in seconds, to the millisecond, for logs.
func roundSeconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

// reloader reloads serve's books in the background; see the comment at
// the top of this file.
type reloader struct {
	app   *app
	core  *bot.Core
	log   *slog.Logger
	hooks reloadHooks
	// started is the configuration serve started with: what needs a
	// restart is compared with it.
	started *config.Config
	// reread reads the configuration again, for a reload on SIGHUP.
	reread func() (*config.Config, error)
	// watched, if not nil, is told the corpora to watch after each reload.
	watched func(corpora, ignore []string)

	kick chan struct{} // a request is pending

	mu      sync.Mutex
	pending *reloadRequest
	// cfg and books are what the books answering now were opened with;
	// books has the names and routes serve started with.
	cfg   *config.Config
	books []config.Book

	reloads, failures atomic.Int64
}

// reloadRequest is why to reload, and whether to read the configuration
// again.
type reloadRequest struct {
	whys   []string // the first maxReasons reasons
	more   int      // how many other reasons
	reread bool
}

// maxReasons is how many reasons for one reload are logged.
const maxReasons = 5

// why says why to reload, for the log.
func (req reloadRequest) why() string {
	why := strings.Join(req.whys, "; ")
	if req.more > 0 {
		why += fmt.Sprintf("; and %d more", req.more)
	}
	return why
}

// newReloader returns a reloader of the books core answers from, opened
// with cfg; call run to start it.
func newReloader(a *app, core *bot.Core, cfg *config.Config, log *slog.Logger, hooks reloadHooks) *reloader {
	return &reloader{app: a, core: core, log: log, hooks: hooks, started: cfg, cfg: cfg,
		books: orderBooks(cfg.Books()), kick: make(chan struct{}, 1)}
}

// trigger asks for a reload, for why; reread also reads the configuration
// again. It never waits: during a reload, the requests that come make one
// more reload after it.
func (r *reloader) trigger(why string, reread bool) {
	r.mu.Lock()
	if r.pending == nil {
		r.pending = &reloadRequest{}
	}
	p := r.pending
	switch {
	case slices.Contains(p.whys, why):
	case len(p.whys) < maxReasons:
		p.whys = append(p.whys, why)
	default:
		p.more++
	}
	p.reread = p.reread || reread
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// run reloads on request until ctx is done; a reload in progress then
// stops, leaving the books as they were.
func (r *reloader) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		}
		r.mu.Lock()
		req := r.pending
		r.pending = nil
		r.mu.Unlock()
		if req != nil {
			r.reload(ctx, *req)
		}
	}
}

// reload opens every book again and swaps them in, or leaves the books as
// they are and says why.
func (r *reloader) reload(ctx context.Context, req reloadRequest) {
	start := time.Now()
	r.reloads.Add(1)
	r.log.Info("reloading: " + req.why())
	r.mu.Lock()
	cfg, books := r.cfg, r.books
	r.mu.Unlock()
	if req.reread {
		next, err := r.reread()
		if err != nil {
			r.fail(ctx, "", fmt.Errorf("the configuration: %w", err))
			return
		}
		r.logChanges(cfg, next)
		cfg, books = next, r.matchBooks(books, orderBooks(next.Books()))
	}
	// Notes from opening (an index rebuilt, files skipped) go to the log;
	// without a terminal, there is no progress bar.
	quiet := *r.app
	quiet.stderr = &logLines{log: r.log}
	sh, book, err := quiet.openBooks(ctx, cfg, books, r.log)
	if err == nil {
		err = r.core.SetBooks(sh.books)
	}
	if err != nil {
		r.fail(ctx, book, err)
		return
	}
	r.mu.Lock()
	r.cfg, r.books = cfg, books
	r.mu.Unlock()
	took := time.Since(start)
	r.log.Info(fmt.Sprintf("reloaded: %d documents, %d sentences in %s", sh.docs, sh.sentences, seconds(took)))
	if r.watched != nil {
		r.watched(sh.corpora, sh.indexes)
	}
	r.hooks.answering(sh)
	r.hooks.reloaded(nil)
}

// fail logs a failed reload: the previous books still answer.
func (r *reloader) fail(ctx context.Context, book string, err error) {
	if ctx.Err() != nil {
		r.log.Info("reload stopped: serve is stopping")
		return
	}
	r.failures.Add(1)
	attrs := []any{"error", err.Error()}
	if book != "" {
		attrs = append([]any{"book", book}, attrs...)
	}
	r.log.Error("reload failed; still answering from the previous text", attrs...)
	r.hooks.reloaded(err)
}

// logChanges logs which settings changed in the configuration read
// again: those a reload applies, and those that need a restart.
func (r *reloader) logChanges(cur, next *config.Config) {
	if keys := cur.Changed(next, reloadKeys...); len(keys) > 0 {
		r.log.Info("configuration read again; changed: " + strings.Join(keys, ", "))
	}
	if keys := r.started.Changed(next, restartKeys...); len(keys) > 0 {
		r.log.Warn("configuration read again; these settings changed and take effect only when lectern serve restarts: " + strings.Join(keys, ", "))
	}
}

// matchBooks returns the running books (names, order and routes as serve
// started with) with the corpus, index and language next gives each
// (matched by name). Adding, removing, renaming or re-routing books needs
// a restart: it is logged, and such books are left as they were.
func (r *reloader) matchBooks(running, next []config.Book) []config.Book {
	out := make([]config.Book, len(running))
	restart := len(next) != len(running)
	for i, b := range running {
		out[i] = b
		found := false
		for _, n := range next {
			if !strings.EqualFold(n.Name, b.Name) {
				continue
			}
			found = true
			out[i].Corpus, out[i].Index, out[i].Language = n.Corpus, n.Index, n.Language
			if !sameIDs(n.Channels, b.Channels) || !sameIDs(n.Guilds, b.Guilds) || n.Name != b.Name {
				restart = true
			}
		}
		if !found {
			restart = true
		}
	}
	if restart {
		r.log.Warn("configuration read again; the books were added, removed, renamed or routed anew, which takes effect only when lectern serve restarts: reloading the books serve started with")
	}
	return out
}

func sameIDs(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, id := range a {
		seen[id]++
	}
	for _, id := range b {
		if seen[id]--; seen[id] < 0 {
			return false
		}
	}
	return true
}

// logLines logs what is written to it, a line at a time, at info level:
// the notes app.open writes on standard error, without their "lectern: "
// prefix. It is used from one goroutine at a time.
type logLines struct {
	log *slog.Logger
	buf []byte
}

func (w *logLines) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if line := strings.TrimPrefix(string(w.buf[:i]), "lectern: "); strings.TrimSpace(line) != "" {
			w.log.Info(line)
		}
		w.buf = w.buf[i+1:]
	}
}
