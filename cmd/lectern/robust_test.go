//go:build unix

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIndexBelongsToItsCorpus replays the accidents of issue 8 from the
// command line: an index file used without --corpus answers from its own
// corpus, and a one-off --corpus never overwrites a configured index file
// built from another.
func TestIndexBelongsToItsCorpus(t *testing.T) {
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	other := filepath.Join(dir, "other")
	os.MkdirAll(books, 0o755)
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(books, "press.txt"), []byte("The printing press spread books across Europe. Gutenberg built it in Mainz.\n"), 0o644)
	os.WriteFile(filepath.Join(other, "ships.txt"), []byte("Ships sail across the ocean with their cargo. Sailors steer them by the stars.\n"), 0o644)
	idx := filepath.Join(dir, "books.idx")
	if code, _, stderr := lectern(t, "", "index", "--corpus", books, "--out", idx); code != 0 {
		t.Fatalf("index: exit %d: %s", code, stderr)
	}
	before, _ := os.ReadFile(idx)

	code, out, stderr := lectern(t, "", "ask", "--index", idx, "Who built the printing press?")
	if code != 0 || !strings.Contains(out, "Gutenberg") {
		t.Errorf("ask --index alone: exit %d, %q, %q; want the answer from books", code, out, stderr)
	}
	if after, _ := os.ReadFile(idx); !bytes.Equal(after, before) {
		t.Error("ask --index alone rewrote the index file")
	}

	cfg := filepath.Join(dir, "lectern.yaml")
	os.WriteFile(cfg, []byte("index: "+idx+"\n"), 0o644)
	code, out, stderr = lectern(t, "", "ask", "--config", cfg, "--corpus", other, "How do sailors steer?")
	if code != 0 || !strings.Contains(out, "stars") || !strings.Contains(stderr, "was built from") {
		t.Errorf("ask --corpus other with index: in lectern.yaml: exit %d, %q, %q", code, out, stderr)
	}
	if after, _ := os.ReadFile(idx); !bytes.Equal(after, before) {
		t.Error("a one-off --corpus overwrote the configured index file")
	}

	code, _, stderr = lectern(t, "", "ask", "--index", filepath.Join(dir, "missing.idx"), "Who built the printing press?")
	if code != 2 || !strings.Contains(stderr, "no corpus is named") {
		t.Errorf("ask --index missing.idx: exit %d, %q; want 2 and what to do", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.idx")); err == nil {
		t.Error("ask --index missing.idx wrote an index of the embedded page")
	}
}

func TestIndexOutRefused(t *testing.T) {
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	os.MkdirAll(books, 0o755)
	page := filepath.Join(books, "press.txt")
	text := []byte("The printing press spread books across Europe. Gutenberg built it in Mainz.\n")
	os.WriteFile(page, text, 0o644)
	fifo := filepath.Join(dir, "fifo.idx")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	notes := filepath.Join(dir, "notes.txt")
	os.WriteFile(notes, []byte("my notes"), 0o644)
	for _, tt := range []struct{ out, want string }{
		{books, "a folder"},
		{fifo, "a FIFO"},
		{"/dev/null", "a device"},
		{page, "must not be overwritten"},
		{notes, "not a lectern index file"},
	} {
		done := make(chan struct{})
		var code int
		var stderr string
		go func() {
			code, _, stderr = lectern(t, "", "index", "--corpus", books, "--out", tt.out)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("index --out %s hangs", tt.out)
		}
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("index --out %s: exit %d, %q; want 2 and %q", tt.out, code, stderr, tt.want)
		}
	}
	if b, _ := os.ReadFile(page); !bytes.Equal(b, text) {
		t.Error("the corpus's own file was overwritten")
	}
	if b, _ := os.ReadFile(notes); string(b) != "my notes" {
		t.Error("a file that is not an index was overwritten")
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Error("/dev/null is no longer a device")
	}
}

// TestInterrupted cancels commands at their stages, as SIGINT does, and
// checks that each stops with exit code 130 and leaves no file behind. A
// command that reads a corpus is cancelled when it reaches the stage (a
// step of loading or of indexing, as its progress bar is told); one
// waiting on standard input, after a while.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	os.MkdirAll(books, 0o755)
	// Enough text that loading and indexing take several steps.
	var b strings.Builder
	for i := 0; b.Len() < 8<<20; i++ {
		b.WriteString("The printing press spread books across Europe in the year ")
		b.WriteString(strings.Repeat("x", i%7))
		b.WriteString(". Gutenberg built it in Mainz, and printers copied it.\n\n")
	}
	for i := range 4 {
		os.WriteFile(filepath.Join(books, "part"+string(rune('a'+i))+".txt"), []byte(b.String()), 0o644)
	}
	idx := filepath.Join(dir, "books.idx")
	tests := []struct {
		name  string
		args  []string
		stdin io.Reader
		stage string // "": after a while
	}{
		{"index while loading", []string{"index", "--corpus", books, "--out", idx}, nil, "loading"},
		{"index while indexing", []string{"index", "--corpus", books, "--out", idx}, nil, "indexing"},
		{"ask while loading", []string{"ask", "--corpus", books, "--index", idx, "Who built it?"}, nil, "loading"},
		{"ask while indexing", []string{"ask", "--corpus", books, "--index", idx, "Who built it?"}, nil, "indexing"},
		{"chat at its prompt", []string{"chat"}, blockingReader{}, ""},
		{"ask - waiting for a question", []string{"ask", "--json", "-"}, blockingReader{}, ""},
		{"topics while loading", []string{"topics", "--corpus", books}, nil, "loading"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reached := false
			if tt.stage != "" {
				stageHook = func(stage string) {
					if stage == tt.stage {
						reached = true
						cancel()
					}
				}
				defer func() { stageHook = nil }()
			}
			stdin := tt.stdin
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			var out, errb bytes.Buffer
			done := make(chan int)
			go func() { done <- run(ctx, tt.args, stdin, &out, &errb) }()
			if tt.stage == "" {
				time.Sleep(300 * time.Millisecond)
				cancel()
			}
			select {
			case code := <-done:
				if code != 130 {
					t.Errorf("exit %d; want 130 (stderr %q)", code, errb.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("did not stop")
			}
			if tt.stage != "" && !reached {
				t.Errorf("never reached %s", tt.stage)
			}
			ents, _ := os.ReadDir(dir)
			for _, e := range ents {
				if e.Name() != "books" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

// blockingReader never returns: standard input with nothing typed.
type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { select {} }

func TestStopOnSignal(t *testing.T) {
	exited := make(chan int, 1)
	var errb bytes.Buffer
	ctx, stopped := stopOnSignal(context.Background(), &errb, func(code int) { exited <- code })
	if stopped() != nil {
		t.Fatal("stopped before any signal")
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	if sig := stopped(); sig != syscall.SIGTERM || signalCode(sig) != 143 {
		t.Errorf("stopped() = %v (code %d); want SIGTERM, 143", sig, signalCode(sig))
	}
	// A second signal makes lectern exit at once.
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case code := <-exited:
		if code != 143 {
			t.Errorf("exit code %d after a second signal; want 143", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second signal did not exit")
	}
	if signalCode(syscall.SIGINT) != 130 {
		t.Errorf("signalCode(SIGINT) = %d; want 130", signalCode(syscall.SIGINT))
	}
}
