package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lectern/config"
	"lectern/corpus"
)

// The settings test proves that every setting reaches every command that
// lectern.example.yaml says uses it: each key's comment there ends with a
// "Used by:" line, and for each command it names, a check below runs the
// command with the setting changed and sees the difference.

// usedBy reads, from lectern.example.yaml, the commands each key's comment
// names on its "Used by:" line.
func usedBy(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(srcDir, "..", "..", "lectern.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keyLine := regexp.MustCompile(`^(\s*)([a-z_0-9.]+):`)
	out := map[string][]string{}
	var path []string    // the sections the current line is in
	var indents []int    // their indentation
	var pending []string // the commands of the comment above
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			if _, list, ok := strings.Cut(trimmed, "Used by:"); ok {
				for _, c := range strings.Split(strings.TrimSuffix(strings.TrimSpace(list), "."), ",") {
					pending = append(pending, strings.TrimSpace(c))
				}
			}
			continue
		}
		m := keyLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		indent := len(m[1])
		for len(indents) > 0 && indents[len(indents)-1] >= indent {
			path, indents = path[:len(path)-1], indents[:len(indents)-1]
		}
		key := strings.Join(append(append([]string{}, path...), m[2]), ".")
		if strings.TrimSpace(line[len(m[0]):]) == "" { // a section
			path, indents = append(path, m[2]), append(indents, indent)
			continue
		}
		out[key] = pending
		pending = nil
	}
	return out
}

// settingsFixture is a folder with a corpus built for the checks.
type settingsFixture struct {
	dir, books, questions string
}

func newSettingsFixture(t *testing.T) *settingsFixture {
	t.Helper()
	dir := t.TempDir()
	f := &settingsFixture{dir: dir, books: filepath.Join(dir, "books")}
	files := map[string]string{
		// k1: with k1 at its largest, the sentence that repeats one word
		// outranks the one that holds every word of the question.
		"animals.txt": "Zebra lion tiger.\n\nZebra" + strings.Repeat(" zebra", 29) + " lion.\n\n" +
			"The lion sleeps.\n\nA tiger hunts.\n\nThe old lion rests.\n\nA tiger roars.\n\n" +
			// b: at 0 these two tie and the first comes first; at 1 the
			// shorter wins.
			"Quagga hides can be seen from very far away across the wide open grassland plains.\n\nQuagga hides.\n\n" +
			// excerpt_max: a sentence whose neighbours join it by default.
			"Okapis live in the rainforests of the Congo, far from any open savanna. They are shy. Their stripes help them hide in the shade of the forest.\n",
		"guide.md": "# Grassland guide\n\n## Watering holes\n\nHerds gather at watering holes at dusk.\n",
		// limits: a file of 3,000 bytes.
		"long.txt": strings.Repeat("The long file says the same thing again. ", 73) + "\n",
	}
	for name, text := range files {
		p := filepath.Join(f.books, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "votes.jsonl"), []byte(`{"time":"2026-11-30T12:00:00Z","type":"vote","vote":"down","question":"zebra lion tiger","text":"Zebra lion tiger.","sentence":0,"user":"0123456789abcdef","server":"fedcba9876543210","door":"gateway"}`+"\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "seed"), 0o755)
	os.WriteFile(filepath.Join(dir, "seed", "page.txt"), corpus.DefaultText(), 0o644)
	f.questions = filepath.Join(dir, "q.tsv")
	os.WriteFile(f.questions, []byte("k\tzebra lion tiger\tZebra lion tiger.\nb\tquagga hides\tQuagga hides.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "typo.tsv"), []byte("typo\tzebbra lionn tigger\tZebra lion tiger.\n"), 0o644)
	// language: a Spanish text, detected as Spanish, where "canción" finds
	// "canciones" by the Spanish stemmer, and does not when the text is
	// taken for another language.
	os.MkdirAll(filepath.Join(dir, "es"), 0o755)
	os.WriteFile(filepath.Join(dir, "es", "canciones.txt"), []byte("Las canciones populares de la región se cantaban en las fiestas del pueblo. "+
		"Los músicos tocaban la guitarra y el acordeón hasta el amanecer. "+
		"Cada familia guardaba sus propias canciones y las enseñaba a los niños.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "es.tsv"), []byte("k\tcanción\tcanciones\n"), 0o644)
	return f
}

// run runs lectern in the fixture's folder with env set, and no other
// configuration.
func (f *settingsFixture) run(t *testing.T, env map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(f.dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(f.dir, "xdg"))
	for _, k := range config.Keys() {
		t.Setenv(config.EnvVar(k), "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestSettingsReachTheirCommands(t *testing.T) {
	uses := usedBy(t)
	var serves []func(*testing.T) // run in parallel, after the others
	for _, key := range config.Keys() {
		cmds, ok := uses[key]
		if !ok {
			t.Errorf("lectern.example.yaml does not set %s", key)
			continue
		}
		if len(cmds) == 0 {
			t.Errorf("lectern.example.yaml: %s has no \"Used by:\" line", key)
			continue
		}
		for _, c := range cmds {
			if c == "serve" {
				sc := serveCheckFor(key)
				if sc == nil {
					t.Errorf("lectern.example.yaml says %s is used by serve, and no check here proves it", key)
					continue
				}
				serves = append(serves, func(t *testing.T) {
					t.Run(key+"/serve", func(t *testing.T) {
						t.Parallel()
						f := newSettingsFixture(t)
						sc.check(t, f.serve(t, *sc))
					})
				})
				continue
			}
			check := settingChecks[key][c]
			if check == nil {
				t.Errorf("lectern.example.yaml says %s is used by %s, and no check here proves it", key, c)
				continue
			}
			t.Run(key+"/"+c, func(t *testing.T) { check(t, newSettingsFixture(t)) })
		}
	}
	t.Run("serve", func(t *testing.T) {
		for _, run := range serves {
			run(t)
		}
	})
}
