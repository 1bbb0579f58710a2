package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBooks runs the commands on a lectern.yaml with two books.
func TestBooks(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"history/press.txt": "The printing press spread books across Europe. Gutenberg built it in Mainz.\n",
		"manual/ships.txt":  "Ships sail across the ocean with their cargo. Sailors steer them by the stars.\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	cfg := filepath.Join(dir, "lectern.yaml")
	os.WriteFile(cfg, []byte(`corpora:
  - name: history
    corpus: `+filepath.Join(dir, "history")+`
    index: `+filepath.Join(dir, "history.idx")+`
    channels: ["111"]
  - name: manual
    corpus: `+filepath.Join(dir, "manual")+`
    index: `+filepath.Join(dir, "manual.idx")+`
`), 0o644)

	code, out, stderr := lectern(t, "", "index", "--config", cfg)
	if code != 0 || !strings.Contains(out, "history: indexed") || !strings.Contains(out, "manual: indexed") {
		t.Fatalf("index every book: exit %d, %q, %q", code, out, stderr)
	}
	for _, f := range []string{"history.idx", "manual.idx"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("index did not write %s: %v", f, err)
		}
	}
	// The default book is the first without routes: manual.
	code, out, stderr = lectern(t, "", "ask", "--config", cfg, "How do sailors steer?")
	if code != 0 || !strings.Contains(out, "stars") || strings.Contains(stderr, "rebuilding") {
		t.Errorf("ask the default book: exit %d, %q, %q", code, out, stderr)
	}
	code, out, stderr = lectern(t, "", "ask", "--config", cfg, "--book", "history", "Who built the printing press?")
	if code != 0 || !strings.Contains(out, "Gutenberg") {
		t.Errorf("ask --book history: exit %d, %q, %q", code, out, stderr)
	}
	code, _, stderr = lectern(t, "", "ask", "--config", cfg, "--book", "poems", "Who built the printing press?")
	if code != 2 || !strings.Contains(stderr, "history, manual") && !strings.Contains(stderr, "manual, history") {
		t.Errorf("ask --book poems: exit %d, %q; want 2 and the books' names", code, stderr)
	}
	// A one-off --corpus is one book, whatever corpora says.
	code, out, stderr = lectern(t, "", "ask", "--config", cfg, "--corpus", filepath.Join(dir, "history"), "Who built the printing press?")
	if code != 0 || !strings.Contains(out, "Gutenberg") {
		t.Errorf("ask --corpus with corpora: exit %d, %q, %q", code, out, stderr)
	}
}
