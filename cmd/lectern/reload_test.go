package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot"
	"lectern/bot/discordtest"
	"lectern/config"
	"lectern/internal/watch"
)

// reloadRig is serve's core and reloads, in the test, without Discord:
// questions go straight to the core, SIGHUP is a channel.
type reloadRig struct {
	t    *testing.T
	dir  string
	core *bot.Core
	r    *reloader
	rs   *reloads
	logs *lockedBuffer
	hup  chan os.Signal
	done chan error // each reload's outcome
	// gate, when set, holds each reading of the configuration until it
	// is closed.
	gate atomic.Pointer[chan struct{}]
	// loaded counts the books the hooks were told answer.
	loaded atomic.Int64
}

// newReloadRig starts serve's core and reloads in a clean folder, with the
// configuration of env and lectern.yaml (if yaml is not "").
func newReloadRig(t *testing.T, yaml string, env map[string]string) *reloadRig {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	for _, k := range config.Keys() {
		t.Setenv(config.EnvVar(k), "")
	}
	t.Setenv("LECTERN_DISCORD_COOLDOWN_WINDOW", "0s") // no cooldown: the test asks fast
	for k, v := range env {
		t.Setenv(k, v)
	}
	if yaml != "" {
		os.WriteFile(filepath.Join(dir, "lectern.yaml"), []byte(yaml), 0o644)
	}
	rig := &reloadRig{t: t, dir: dir, logs: &lockedBuffer{}, hup: make(chan os.Signal, 1), done: make(chan error, 100)}
	a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: rig.logs}
	cfg, err := config.Load(config.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.cfg = cfg
	log := newLogger(rig.logs, "info", "text")
	hooks := reloadHooks{
		onReloaded: func(err error) { rig.done <- err },
		onLoaded: func(book string, docs, sentences int, took time.Duration, fromIndex bool) {
			rig.loaded.Add(1)
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	core, books, err := a.core(ctx, log, hooks)
	if err != nil {
		t.Fatalf("core: %v\n%s", err, rig.logs)
	}
	reread := func() (*config.Config, error) {
		if g := rig.gate.Load(); g != nil {
			<-*g
		}
		return config.Load(config.Options{})
	}
	rig.core = core
	rig.rs = a.startReloads(ctx, core, books, log, hooks, reread, rig.hup)
	rig.r = rig.rs.r
	t.Cleanup(func() {
		cancel()
		rig.rs.stop()
		if t.Failed() {
			t.Logf("log:\n%s", rig.logs)
		}
	})
	return rig
}

// ask asks a question as a direct message and returns the answer's text.
func (rig *reloadRig) ask(user, q string) (string, error) {
	ctx := context.Background()
	resp := rig.core.Handle(ctx, bot.Request{Kind: bot.MessageRequest, Door: bot.DoorTerminal, User: user, Channel: "dm-" + user, DM: true, Text: q}).Finish(ctx)
	if resp.Action != bot.NewMessage || len(resp.Reply.Embeds) == 0 {
		return "", fmt.Errorf("no answer: %+v", resp.Reply)
	}
	return resp.Reply.Embeds[0].Description, nil
}

// answer asks and checks that the answer holds want.
func (rig *reloadRig) answer(q, want string) {
	rig.t.Helper()
	got, err := rig.ask("tester", q)
	if err != nil || !strings.Contains(got, want) {
		rig.t.Errorf("%q answered %q, %v; want it to hold %q", q, got, err, want)
	}
}

// reloaded waits for the next reload to end, and returns its error.
func (rig *reloadRig) reloaded() error {
	rig.t.Helper()
	select {
	case err := <-rig.done:
		return err
	case <-time.After(20 * time.Second):
		rig.t.Fatalf("no reload ended within 20 s")
	}
	return nil
}

// quiet checks that no reload happens for a while.
func (rig *reloadRig) quiet(d time.Duration) {
	rig.t.Helper()
	select {
	case err := <-rig.done:
		rig.t.Errorf("an unexpected reload ended (%v)", err)
	case <-time.After(d):
	}
}

// writeBook writes a corpus folder of files, with fill files of other
// text around them so that loading takes a moment.
func writeBook(t *testing.T, dir string, files map[string]string, fill int) {
	t.Helper()
	os.MkdirAll(dir, 0o755)
	for i := range fill {
		files[fmt.Sprintf("fill%02d.txt", i)] = strings.Repeat(fmt.Sprintf("Filler paragraph %d speaks of weather, harvests and markets in the valley. ", i), 20) + "\n"
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const treasureQ = "Where is the treasure buried?"

// TestReloadUnderLoad: questions asked all through reloads that swap
// between two corpora are each answered, fully, from one of them: never
// from a half-built index, never lost.
func TestReloadUnderLoad(t *testing.T) {
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	writeBook(t, a, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 30)
	writeBook(t, b, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 30)
	rig := newReloadRig(t, "", map[string]string{"LECTERN_CORPUS": a})
	rig.answer(treasureQ, "oak")

	var (
		stop                   atomic.Bool
		asked, oak, lighthouse atomic.Int64
		wg                     sync.WaitGroup
		badMu                  sync.Mutex
		bad                    []string
	)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				asked.Add(1)
				got, err := rig.ask(fmt.Sprintf("user%d", g), treasureQ)
				switch {
				case err == nil && strings.Contains(got, "oak"):
					oak.Add(1)
				case err == nil && strings.Contains(got, "lighthouse"):
					lighthouse.Add(1)
				default:
					badMu.Lock()
					bad = append(bad, fmt.Sprintf("%q, %v", got, err))
					badMu.Unlock()
				}
			}
		}()
	}
	const reloads = 8
	for i := range reloads {
		next := b
		if i%2 == 1 {
			next = a
		}
		t.Setenv("LECTERN_CORPUS", next)
		rig.hup <- syscall.SIGHUP
		if err := rig.reloaded(); err != nil {
			t.Fatalf("reload %d: %v", i+1, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if len(bad) > 0 {
		t.Errorf("%d of %d questions were not answered from a whole corpus; the first: %s", len(bad), asked.Load(), bad[0])
	}
	if n := oak.Load() + lighthouse.Load(); n != asked.Load() {
		t.Errorf("%d questions asked, %d answered", asked.Load(), n)
	}
	if oak.Load() == 0 || lighthouse.Load() == 0 {
		t.Errorf("answers: %d from a, %d from b; want both", oak.Load(), lighthouse.Load())
	}
	if got := rig.r.reloads.Load(); got != reloads {
		t.Errorf("%d reloads; want %d", got, reloads)
	}
	rig.answer(treasureQ, "oak") // the last reload went back to a
	t.Logf("%d questions answered during %d reloads", asked.Load(), reloads)
	if logs := rig.logs.String(); !strings.Contains(logs, "configuration read again; changed: corpus") || !strings.Contains(logs, "reloaded: 31 documents") {
		t.Errorf("the log does not say what changed and what was loaded:\n%s", logs)
	}
}

// TestReloadFails: a reload that fails leaves the previous text
// answering, and the log says why; the next good one applies.
func TestReloadFails(t *testing.T) {
	for _, tt := range []struct {
		name        string
		spoil, mend func(t *testing.T, rig *reloadRig, books string)
		want        string
	}{
		{"emptied", func(t *testing.T, rig *reloadRig, books string) {
			os.Remove(filepath.Join(books, "zz.txt"))
			os.Remove(filepath.Join(books, "fill00.txt"))
		}, func(t *testing.T, rig *reloadRig, books string) {
			writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
		}, "no text"},
		{"gone", func(t *testing.T, rig *reloadRig, books string) {
			os.Rename(books, books+".away")
		}, func(t *testing.T, rig *reloadRig, books string) {
			os.Rename(books+".away", books)
			writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
		}, "no such file"},
		{"a configuration that does not load", func(t *testing.T, rig *reloadRig, books string) {
			os.WriteFile(filepath.Join(rig.dir, "lectern.yaml"), []byte("retrieval: [unclosed\n"), 0o644)
			writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
		}, func(t *testing.T, rig *reloadRig, books string) {
			os.WriteFile(filepath.Join(rig.dir, "lectern.yaml"), []byte("retrieval:\n  k1: 1.2\n"), 0o644)
		}, "the configuration"},
		{"a configuration that does not validate", func(t *testing.T, rig *reloadRig, books string) {
			os.WriteFile(filepath.Join(rig.dir, "lectern.yaml"), []byte("retrieval:\n  k1: -5\n"), 0o644)
			writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
		}, func(t *testing.T, rig *reloadRig, books string) {
			os.WriteFile(filepath.Join(rig.dir, "lectern.yaml"), []byte("retrieval:\n  k1: 1.2\n"), 0o644)
		}, "retrieval.k1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			books := filepath.Join(t.TempDir(), "books")
			writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 1)
			rig := newReloadRig(t, "retrieval:\n  k1: 1.2\n", map[string]string{"LECTERN_CORPUS": books})
			tt.spoil(t, rig, books)
			rig.hup <- syscall.SIGHUP
			err := rig.reloaded()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("reload = %v; want an error saying %q", err, tt.want)
			}
			rig.answer(treasureQ, "oak")
			logs := rig.logs.String()
			if !strings.Contains(logs, "level=ERROR msg=\"reload failed; still answering from the previous text\"") || !strings.Contains(logs, tt.want) {
				t.Errorf("the log does not say that the reload failed and why:\n%s", logs)
			}
			if n := rig.r.failures.Load(); n != 1 {
				t.Errorf("%d failures counted; want 1", n)
			}
			if n := rig.loaded.Load(); n != 1 {
				t.Errorf("onLoaded told of %d books after a failed reload; want 1, the first", n)
			}
			tt.mend(t, rig, books)
			rig.hup <- syscall.SIGHUP
			if err := rig.reloaded(); err != nil {
				t.Fatalf("reload after mending: %v", err)
			}
			rig.answer(treasureQ, "lighthouse")
			if n := rig.loaded.Load(); n != 2 {
				t.Errorf("onLoaded told of %d books; want 2", n)
			}
		})
	}
}

// TestReloadOneAtATime: requests during a reload make exactly one more.
func TestReloadOneAtATime(t *testing.T) {
	books := filepath.Join(t.TempDir(), "books")
	writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 60)
	rig := newReloadRig(t, "", map[string]string{"LECTERN_CORPUS": books})
	gate := make(chan struct{})
	rig.gate.Store(&gate)
	rig.r.trigger("first", true)
	for rig.r.reloads.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	for i := range 10 { // while the first reload runs
		rig.r.trigger(fmt.Sprint("more ", i%3), i%2 == 0)
	}
	close(gate)
	for range 2 {
		if err := rig.reloaded(); err != nil {
			t.Fatal(err)
		}
	}
	rig.quiet(300 * time.Millisecond)
	if n := rig.r.reloads.Load(); n != 2 {
		t.Errorf("10 requests during a reload made %d reloads in all; want 2", n)
	}
	if logs := rig.logs.String(); !strings.Contains(logs, "reloading: more 0; more 1; more 2") {
		t.Errorf("the second reload does not give every reason once:\n%s", logs)
	}
}

// TestReloadConfiguration: SIGHUP applies the text's settings and logs
// those that need a restart, which keep their values.
func TestReloadConfiguration(t *testing.T) {
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	writeBook(t, a, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 0)
	writeBook(t, b, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
	rig := newReloadRig(t, "corpus: "+a+"\n", nil)
	os.WriteFile(filepath.Join(rig.dir, "lectern.yaml"), []byte("corpus: "+b+"\ndiscord:\n  results: 3\nlog:\n  level: debug\n"), 0o644)
	rig.hup <- syscall.SIGHUP
	if err := rig.reloaded(); err != nil {
		t.Fatal(err)
	}
	rig.answer(treasureQ, "lighthouse")
	logs := rig.logs.String()
	for _, want := range []string{"changed: corpus", "take effect only when lectern serve restarts: discord.results, log.level"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %q:\n%s", want, logs)
		}
	}
}

// TestReloadKeys: every setting is either applied by a reload or needs a
// restart, and the comparison knows each.
func TestReloadKeys(t *testing.T) {
	cfg := &config.Config{}
	seen := map[string]bool{}
	if unknown := cfg.Changed(cfg, append(append([]string{}, reloadKeys...), restartKeys...)...); len(unknown) > 0 {
		t.Errorf("config does not know %v", unknown)
	}
	for _, k := range append(append([]string{}, reloadKeys...), restartKeys...) {
		if seen[k] {
			t.Errorf("%s is listed twice", k)
		}
		seen[k] = true
	}
	for _, k := range config.Keys() {
		if !seen[k] {
			t.Errorf("%s is neither in reloadKeys nor in restartKeys: say whether a reload applies it", k)
		}
	}
}

// TestReloadBooks: with several books, a reload takes each book's new
// corpus, and leaves the set of books and their routes for a restart.
func TestReloadBooks(t *testing.T) {
	base := t.TempDir()
	a, b, c := filepath.Join(base, "a"), filepath.Join(base, "b"), filepath.Join(base, "c")
	writeBook(t, a, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 0)
	writeBook(t, b, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
	writeBook(t, c, map[string]string{"zz.txt": "The poet lived in Peredelkino.\n"}, 0)
	books := func(first string, more string) string {
		return "corpora:\n  - name: history\n    corpus: " + first + "\n  - name: poetry\n    corpus: " + c + "\n" + more
	}
	rig := newReloadRig(t, books(a, ""), nil)
	rig.answer(treasureQ, "oak")
	os.WriteFile(filepath.Join(rig.dir, "lectern.yaml"), []byte(books(b, "  - name: extra\n    corpus: "+c+"\n")), 0o644)
	rig.hup <- syscall.SIGHUP
	if err := rig.reloaded(); err != nil {
		t.Fatal(err)
	}
	rig.answer(treasureQ, "lighthouse")
	if logs := rig.logs.String(); !strings.Contains(logs, "the books were added, removed, renamed or routed anew") {
		t.Errorf("the log does not say that the new book needs a restart:\n%s", logs)
	}
}

// TestReloadWatch: with corpus.watch, a burst of changes reloads once,
// and a folder made in the corpus is watched too; the index file is saved
// again, and writing it does not reload.
func TestReloadWatch(t *testing.T) {
	watchTimings = watch.Options{Quiet: 150 * time.Millisecond, Max: 5 * time.Second}
	t.Cleanup(func() { watchTimings = watch.Options{} })
	base := t.TempDir()
	books := filepath.Join(base, "books")
	index := filepath.Join(base, "books.idx")
	writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 3)
	rig := newReloadRig(t, "", map[string]string{"LECTERN_CORPUS": books, "LECTERN_INDEX": index, "LECTERN_CORPUS_WATCH": "true"})
	if !strings.Contains(rig.logs.String(), "corpus.watch: watching the corpus") {
		t.Fatalf("not watching:\n%s", rig.logs)
	}
	saved, err := os.Stat(index)
	if err != nil {
		t.Fatal(err)
	}
	rig.answer(treasureQ, "oak")

	for i := range 6 {
		writeBook(t, books, map[string]string{fmt.Sprintf("new%d.txt", i): fmt.Sprintf("The %d new map shows a cave.\n", i)}, 0)
	}
	writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
	if err := rig.reloaded(); err != nil {
		t.Fatal(err)
	}
	rig.quiet(4 * watchTimings.Quiet)
	if n := rig.r.reloads.Load(); n != 1 {
		t.Errorf("a burst of 7 changes made %d reloads; want 1", n)
	}
	rig.answer(treasureQ, "lighthouse")
	rig.answer("What does the map show?", "cave")
	if now, err := os.Stat(index); err != nil || now.ModTime().Equal(saved.ModTime()) && now.Size() == saved.Size() {
		t.Errorf("the index file was not saved again: %v", err)
	}

	sub := filepath.Join(books, "later", "parts")
	os.MkdirAll(sub, 0o755)
	if err := rig.reloaded(); err != nil { // the new folder
		t.Fatal(err)
	}
	writeBook(t, sub, map[string]string{"part.md": "The compass points to the northern ridge.\n"}, 0)
	if err := rig.reloaded(); err != nil {
		t.Fatal(err)
	}
	rig.answer("Where does the compass point?", "northern ridge")
	rig.quiet(4 * watchTimings.Quiet)
	if n := rig.r.reloads.Load(); n != 3 {
		t.Errorf("%d reloads; want 3", n)
	}
}

// TestServeReloadsOnSIGHUP runs `lectern serve` against the Discord
// protocol's test server, changes the text and sends SIGHUP: the next
// mention is answered from the new text, and the index is saved again.
func TestServeReloadsOnSIGHUP(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token, HeartbeatInterval: time.Second})
	base := t.TempDir()
	books := filepath.Join(base, "books")
	index := filepath.Join(base, "books.idx")
	writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried under the old oak tree.\n"}, 2)
	s := startServe(t, map[string]string{
		"LECTERN_DISCORD_TOKEN":    token,
		"LECTERN_DISCORD_API_URL":  srv.APIURL(),
		"LECTERN_DISCORD_GUILD_ID": discordtest.DefaultGuildID,
		"LECTERN_CORPUS":           books,
		"LECTERN_INDEX":            index,
	})
	s.waitLog("slash commands registered")
	s.waitLog("SIGHUP reloads")
	mention := func(want string) {
		t.Helper()
		q, err := srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: treasureQ})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		reply, err := srv.WaitForMessage(ctx, func(m *discordgo.Message) bool {
			return m.MessageReference != nil && m.MessageReference.MessageID == q.ID
		})
		if err != nil {
			t.Fatalf("no reply to the mention: %v", err)
		}
		if d := reply.Embeds[0].Description; !strings.Contains(d, want) {
			t.Errorf("mention answered %q; want %q", d, want)
		}
	}
	mention("oak")
	saved, _ := os.Stat(index)
	writeBook(t, books, map[string]string{"zz.txt": "The treasure is buried beneath the white lighthouse.\n"}, 0)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	s.waitLog("reloaded: ")
	mention("lighthouse")
	if now, err := os.Stat(index); err != nil || saved == nil || now.ModTime().Equal(saved.ModTime()) && now.Size() == saved.Size() {
		t.Errorf("the index file was not saved again: %v", err)
	}
	if c := s.stop(); c != 0 {
		t.Errorf("lectern serve exited %d; want 0", c)
	}
	logs := s.stderr.String()
	for _, want := range []string{"reloading: SIGHUP", "rebuilding it"} {
		if !strings.Contains(logs, want) {
			t.Errorf("serve log lacks %q:\n%s", want, logs)
		}
	}
}
