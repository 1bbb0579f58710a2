package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completions runs the hidden command the completion scripts call and
// returns the completions, without their descriptions.
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	code, out, stderr := lectern(t, "", append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("lectern __complete %q: exit %d: %s", args, code, stderr)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, ":") { // the directive
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		got = append(got, name)
	}
	return got
}

func TestCompleteTopics(t *testing.T) {
	books := t.TempDir()
	os.WriteFile(filepath.Join(books, "guide.md"), []byte("# Grassland guide\n\n## Watering holes\n\nHerds gather at watering holes at dusk.\n\n## Night\n\nLions hunt at night.\n"), 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"topics", "cam"}, "camp literature"},
		{[]string{"topics", "CAMP LIT"}, "camp literature"},
		{[]string{"topics", "camp", ""}, "literature"},
		{[]string{"topics", "--corpus", books, "wat"}, "Watering holes"},
		{[]string{"--corpus", books, "topics", "Ni"}, "Night"},
	}
	for _, tt := range tests {
		if got := completions(t, tt.args...); !slices.Contains(got, tt.want) {
			t.Errorf("lectern __complete %q = %q; want %q among them", tt.args, got, tt.want)
		}
	}
	if got := completions(t, "topics", "--corpus", books, "cam"); len(got) != 0 {
		t.Errorf("completions from another corpus = %q; want none", got)
	}
	if got := completions(t, "topics", "--corpus", filepath.Join(books, "missing"), ""); len(got) != 0 {
		t.Errorf("completions for a corpus that does not exist = %q; want none", got)
	}
}

func TestCompleteBook(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "lectern.yaml")
	os.WriteFile(cfg, []byte("corpora:\n  - name: history\n    corpus: ./h\n  - name: manual\n    corpus: ./m\n"), 0o644)
	if got := completions(t, "ask", "--config", cfg, "--book", "m"); !slices.Equal(got, []string{"manual"}) {
		t.Errorf("--book completions = %q; want [manual]", got)
	}
}

// TestCompletionScripts checks that the completion command is there for
// each shell the README names.
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, stderr := lectern(t, "", "completion", shell)
		if code != 0 || !strings.Contains(out, "__complete") {
			t.Errorf("lectern completion %s: exit %d, %d bytes, stderr %q", shell, code, len(out), stderr)
		}
	}
}
