package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// lectern runs the command line in a clean directory with no configuration
// file, and returns its exit code and output.
func lectern(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestAskGolden(t *testing.T) {
	code, out, stderr := lectern(t, "", "ask", "Where was Stalin buried?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkGolden(t, "ask_buried.golden", out)
	if strings.Contains(out, "\x1b[") {
		t.Error("output to a pipe holds terminal escape codes")
	}
}

// checkGolden compares a command's output with testdata/name (go test
// -update rewrites it).
func checkGolden(t *testing.T, name, out string) {
	t.Helper()
	golden := filepath.Join(srcDir, "testdata", name)
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s:\n%s\nwant:\n%s", golden, out, want)
	}
}

// srcDir is the package folder, captured before tests change directory.
var srcDir = func() string {
	wd, _ := os.Getwd()
	return wd
}()

// TestAskJSONContract checks the names other tools rely on.
func TestAskJSONContract(t *testing.T) {
	code, out, stderr := lectern(t, "", "ask", "--json", "--top", "2", "Where was Stalin buried?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 {
		t.Fatalf("ask --json printed %d lines; want exactly one JSON object", n+1)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("ask --json output is not a JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"question", "answered", "results"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("ask --json lacks %q: %s", k, out)
		}
	}
	var ans struct {
		Question string `json:"question"`
		Answered bool   `json:"answered"`
		Results  []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Question != "Where was Stalin buried?" || !ans.Answered || len(ans.Results) == 0 {
		t.Fatalf("ask --json = %s", out)
	}
	r := ans.Results[0]
	for _, k := range []string{"rank", "score", "sentence", "excerpt", "citation"} {
		if _, ok := r[k]; !ok {
			t.Errorf("result lacks %q: %s", k, out)
		}
	}
	var cit map[string]string
	if err := json.Unmarshal(r["citation"], &cit); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range cit {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"document", "page", "section", "source", "title"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("citation keys = %v; want %v", keys, want)
	}
	if cit["title"] != "De-Stalinization" || cit["source"] != "Encyclopedia of Russian History" || cit["page"] != "388" {
		t.Errorf("citation = %v", cit)
	}
	var sentence string
	json.Unmarshal(r["sentence"], &sentence)
	if !strings.Contains(sentence, "buried in a simple plot") {
		t.Errorf("first sentence = %q", sentence)
	}
}

func TestAskJSONNotFound(t *testing.T) {
	_, out, _ := lectern(t, "", "ask", "--json", "What is the capital of France?")
	var ans struct {
		Answered bool              `json:"answered"`
		Results  []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Answered || ans.Results == nil || len(ans.Results) != 0 {
		t.Errorf("ask --json (unanswerable) = %s; want answered false, results []", out)
	}
}

func TestAskBatch(t *testing.T) {
	in := "Where was Stalin buried?\n\n???\nWho won the 2018 World Cup?\n" + strings.Repeat("x", 100<<10) + "\nSolzhenitsyn"
	code, out, stderr := lectern(t, in, "ask", "--json", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 6 {
		t.Fatalf("got %d JSON lines for 6 questions:\n%s", len(lines), out)
	}
	want := []struct {
		answered bool
		hasError bool
	}{{true, false}, {false, true}, {false, false}, {false, false}, {false, true}, {true, false}}
	for i, line := range lines {
		var ans struct {
			Answered bool   `json:"answered"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &ans); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if ans.Answered != want[i].answered || (ans.Error != "") != want[i].hasError {
			t.Errorf("line %d = %s; want answered %v, error %v", i+1, line, want[i].answered, want[i].hasError)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no question", []string{"ask"}, 2, "needs a question"},
		{"empty question", []string{"ask", ""}, 2, "empty"},
		{"huge question", []string{"ask", strings.Repeat("a", 100<<10)}, 2, "too long"},
		{"invalid UTF-8", []string{"ask", "\xff\xfe"}, 2, "UTF-8"},
		{"missing corpus", []string{"ask", "--corpus", "/no/such/dir", "x"}, 2, "no/such/dir"},
		{"unknown flag", []string{"ask", "--bogus", "x"}, 2, "bogus"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"bad top", []string{"ask", "--top", "0", "x"}, 2, "retrieval.top"},
		{"punctuation only", []string{"ask", "?!"}, 0, ""},
	}
	for _, tt := range tests {
		code, _, stderr := lectern(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d with %q", tt.name, code, stderr, tt.code, tt.msg)
		}
		if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
			t.Errorf("%s: stack trace on stderr: %s", tt.name, stderr)
		}
	}
}

func TestAskCorpusFolder(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "guide.md"), []byte("# Guide\n\n## Setup\n\nInstall the lectern binary and run it.\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "image.txt"), []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)
	code, out, stderr := lectern(t, "", "ask", "--corpus", dir, "how do I install lectern?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "image.txt") || !strings.Contains(stderr, "binary") {
		t.Errorf("stderr = %q; want the binary file reported", stderr)
	}
	if !strings.Contains(out, "Install the lectern binary") || !strings.Contains(out, "Guide") {
		t.Errorf("output = %q; want the guide's sentence", out)
	}
}

func TestConfigMasksToken(t *testing.T) {
	const token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
	t.Setenv("LECTERN_DISCORD_TOKEN", token)
	code, out, stderr := lectern(t, "", "config")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out+stderr, token) || strings.Contains(out+stderr, token[:10]) {
		t.Errorf("lectern config printed the token:\n%s", out)
	}
	if !strings.Contains(out, "discord.token") || !strings.Contains(out, "LECTERN_DISCORD_TOKEN") {
		t.Errorf("lectern config = %q; want the token's key and source", out)
	}
}

// TestChat: chat shows the bot's replies as text (bot.Reply.Text), and
// /more presses the button that continues the last one.
func TestChat(t *testing.T) {
	in := "Where was Stalin buried?\n/more\n/topics\n/more\n/topic camp literature\n/source\n/nope\n\n/quit\n"
	code, out, stderr := lectern(t, in, "chat")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Red Square and buried in a", "📖 De-Stalinization — Encyclopedia of Russian History, p. 388",
		"No more results", "Topics", "Page 1 of", "Page 2 of", "camp literature", "34 sentences", "Unknown command /nope"} {
		if !strings.Contains(out, want) {
			t.Errorf("chat output lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"**", "\\", "`", "\x1b["} {
		if strings.Contains(out, bad) {
			t.Errorf("chat output holds %q:\n%s", bad, out)
		}
	}
}

func TestTopicsJSON(t *testing.T) {
	code, out, stderr := lectern(t, "", "topics", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var topics []struct {
		Name      string `json:"name"`
		Sentences []struct {
			Sentence string `json:"sentence"`
		} `json:"sentences"`
	}
	if err := json.Unmarshal([]byte(out), &topics); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tp := range topics {
		if tp.Name == "camp literature" && len(tp.Sentences) > 0 && strings.Contains(tp.Sentences[0].Sentence, "camp literature") {
			found = true
		}
	}
	if !found {
		t.Errorf("topics --json lacks camp literature with its sentence: %s", out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := lectern(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "lectern ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// TestIndexFile builds an index, uses it, and rebuilds it when the corpus
// changes or the file is damaged, saying so each time.
func TestIndexFile(t *testing.T) {
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	os.Mkdir(books, 0o755)
	page := filepath.Join(books, "page.txt")
	os.WriteFile(page, []byte("The printing press spread books across Europe. Gutenberg built it in Mainz.\n"), 0o644)
	idx := filepath.Join(dir, "books.idx")

	code, out, stderr := lectern(t, "", "index", "--corpus", books, "--out", idx)
	if code != 0 || !strings.Contains(out, "wrote") {
		t.Fatalf("index: exit %d, %q, %q", code, out, stderr)
	}
	code, out, stderr = lectern(t, "", "ask", "--corpus", books, "--index", idx, "Who built the printing press?")
	if code != 0 || !strings.Contains(out, "Gutenberg") || strings.Contains(stderr, "rebuilding") {
		t.Fatalf("ask with a fresh index: exit %d, %q, %q", code, out, stderr)
	}

	later := time.Now().Add(time.Minute)
	os.WriteFile(page, []byte("The printing press spread books across Europe. Gutenberg built it in Mainz around 1450.\n"), 0o644)
	os.Chtimes(page, later, later)
	code, out, stderr = lectern(t, "", "ask", "--corpus", books, "--index", idx, "When was the press built?")
	if code != 0 || !strings.Contains(out, "1450") || !strings.Contains(stderr, "page.txt changed") || !strings.Contains(stderr, "saved the index") {
		t.Fatalf("ask after the corpus changed: exit %d, %q, %q", code, out, stderr)
	}

	data, _ := os.ReadFile(idx)
	os.WriteFile(idx, data[:len(data)/2], 0o644)
	code, out, stderr = lectern(t, "", "ask", "--corpus", books, "--index", idx, "Who built the printing press?")
	if code != 0 || !strings.Contains(out, "Gutenberg") || !strings.Contains(stderr, "truncated") {
		t.Fatalf("ask with a truncated index: exit %d, %q, %q", code, out, stderr)
	}
	if strings.Contains(stderr, "panic") {
		t.Fatal(stderr)
	}
}
