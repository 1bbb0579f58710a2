//go:build unix

package feedback_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lectern/bot"
	"lectern/corpus"
	"lectern/feedback"
	"lectern/internal/regular"
)

const (
	userID  = "1100000000000000555"
	guildID = "1100000000000000001"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func vote(up bool, q string) bot.Vote {
	return bot.Vote{Time: t0, Door: bot.DoorGateway, Book: "history", Up: up, Question: q, Sentence: 7,
		Citation: corpus.Citation{Document: "page.txt", Title: "De-Stalinization", Page: "388"},
		Text:     "He was buried by the Kremlin wall.", Guild: guildID, Channel: "1100000000000000002", User: userID}
}

// entries reads the file's lines as entries.
func entries(t *testing.T, path string) []feedback.Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []feedback.Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		e, err := feedback.ParseLine(sc.Bytes())
		if err != nil {
			t.Fatalf("ParseLine(%q) = %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

func TestStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.jsonl")
	s, err := feedback.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Voted(vote(false, "Where was he buried?"))
	s.Voted(bot.Vote{Time: t0, Door: bot.DoorHTTP, Up: true, Question: "Who spoke?", User: userID}) // the book no longer holds it; a DM
	s.Asked(bot.Asked{Time: t0, Door: bot.DoorGateway, Via: "mention", Question: "What is the capital of France?", Outcome: bot.OutcomeNotFound, Guild: guildID, User: userID})
	s.Asked(bot.Asked{Time: t0, Question: "answered", Outcome: bot.OutcomeAnswered, User: userID})
	s.Asked(bot.Asked{Time: t0, Via: "more", Question: "no more", Outcome: bot.OutcomeNotFound, User: userID})
	s.Asked(bot.Asked{Time: t0, Question: "failed", Outcome: bot.OutcomeFailed, User: userID})
	s.CooledDown(bot.DoorGateway, "question")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.Voted(vote(true, "after Close")) // dropped

	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(userID)) || bytes.Contains(raw, []byte(guildID)) {
		t.Errorf("the feedback file holds a raw Discord ID:\n%s", raw)
	}
	got := entries(t, path)
	if len(got) != 3 {
		t.Fatalf("%d entries; want 3 (two votes, one question not found):\n%s", len(got), raw)
	}
	hashRE := regexp.MustCompile(`^[0-9a-f]{16}$`)
	v := got[0]
	if v.Type != feedback.TypeVote || v.Vote != feedback.VoteDown || v.Question != "Where was he buried?" || v.Book != "history" ||
		v.Citation == nil || v.Citation.Page != "388" || v.Text != "He was buried by the Kremlin wall." || v.Sentence == nil || *v.Sentence != 7 ||
		v.Door != "gateway" || !v.Time.Equal(t0) || !hashRE.MatchString(v.User) || !hashRE.MatchString(v.Server) || v.User == v.Server {
		t.Errorf("vote entry = %+v", v)
	}
	if dm := got[1]; dm.Vote != feedback.VoteUp || dm.Server != "" || dm.Citation != nil || dm.Sentence != nil || dm.User != v.User {
		t.Errorf("vote in a DM for a sentence no longer there = %+v; want no server, no citation, the same user hash", dm)
	}
	if nf := got[2]; nf.Type != feedback.TypeNotFound || nf.Vote != "" || nf.Via != "mention" || nf.Question != "What is the capital of France?" || nf.User != v.User || nf.Server != v.Server {
		t.Errorf("not-found entry = %+v", nf)
	}
	if want := s.Hash(userID); v.User != want {
		t.Errorf("user = %q; want Hash(user ID) = %q", v.User, want)
	}

	// The file has the usual mode under the umask; the key is private and
	// kept: a new Store hashes alike.
	umask := syscall.Umask(0)
	syscall.Umask(umask)
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o666&^os.FileMode(umask) {
		t.Errorf("feedback file mode %v; want %v", fi.Mode().Perm(), 0o666&^os.FileMode(umask))
	}
	if fi, err := os.Stat(path + feedback.KeySuffix); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v, %v; want mode 0600", fi, err)
	}
	again, err := feedback.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Hash(userID) != v.User {
		t.Error("a second Store hashes the same ID differently: the key was not kept")
	}
	if again.Hash("") != "" {
		t.Error(`Hash("") is not ""`)
	}
}

// TestStoreKeyDiffers: two installations hash the same ID differently.
func TestStoreKeyDiffers(t *testing.T) {
	a, err := feedback.Open(filepath.Join(t.TempDir(), "f.jsonl"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := feedback.Open(filepath.Join(t.TempDir(), "f.jsonl"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Hash(userID) == b.Hash(userID) {
		t.Error("two keys give the same hash")
	}
}

func TestStoreRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	badKey := filepath.Join(dir, "badkey.jsonl")
	os.WriteFile(badKey+feedback.KeySuffix, []byte("not hex\n"), 0o600)
	for _, tt := range []struct {
		name, path string
		want       error
	}{
		{"folder", dir, nil},
		{"FIFO", fifo, nil},
		{"device", "/dev/null", regular.ErrNotRegular},
		{"no such folder", filepath.Join(dir, "missing", "f.jsonl"), os.ErrNotExist},
		{"damaged key", badKey, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				s, err := feedback.Open(tt.path, nil)
				if err == nil {
					s.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Errorf("Open(%s) = %v; want an error (%v)", tt.path, err, tt.want)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("Open(%s) hangs", tt.path)
			}
		})
	}
}

// TestStoreRotation: logrotate's create mode (rename) and copytruncate
// both work, and a deleted file is created again.
func TestStoreRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feedback.jsonl")
	s, err := feedback.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Voted(vote(true, "one"))
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	s.Voted(vote(true, "two"))
	if got := entries(t, path); len(got) != 1 || got[0].Question != "two" {
		t.Errorf("after a rename, the file holds %+v; want the second vote only", got)
	}
	if err := os.Truncate(path, 0); err != nil { // copytruncate
		t.Fatal(err)
	}
	s.Voted(vote(true, "three"))
	if data, _ := os.ReadFile(path); !bytes.HasPrefix(data, []byte(`{"time"`)) {
		t.Errorf("after copytruncate, the file is %q; want the third vote from its start", data)
	}
	os.Remove(path)
	s.Voted(vote(true, "four"))
	if got := entries(t, path); len(got) != 1 || got[0].Question != "four" {
		t.Errorf("after deletion, the file holds %+v; want the fourth vote", got)
	}
}

// TestStoreWriteFailure: a write that fails is logged, never fatal.
func TestStoreWriteFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "feedback.jsonl")
	var logs bytes.Buffer
	s, err := feedback.Open(path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os.Remove(path)
	if err := os.Mkdir(path, 0o755); err != nil { // where the file was, a folder
		t.Fatal(err)
	}
	s.Voted(vote(false, "lost"))
	if !strings.Contains(logs.String(), "this entry is lost") {
		t.Errorf("log = %q; want the failure", logs.String())
	}
}

// TestStoreConcurrent: lines written at once never interleave.
func TestStoreConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.jsonl")
	s, err := feedback.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				v := vote(i%2 == 0, fmt.Sprintf("question %d from %d %s", i, g, strings.Repeat("x", 500)))
				s.Voted(v)
			}
		}()
	}
	wg.Wait()
	s.Close()
	if got := entries(t, path); len(got) != 500 {
		t.Errorf("%d entries; want 500", len(got))
	}
}

// TestStoreKeyMode: a key file others can read is used, with a warning.
func TestStoreKeyMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feedback.jsonl")
	os.WriteFile(path+feedback.KeySuffix, []byte(strings.Repeat("ab", 32)+"\n"), 0o644)
	os.Chmod(path+feedback.KeySuffix, 0o644)
	var logs bytes.Buffer
	s, err := feedback.Open(path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.Contains(logs.String(), "chmod 600") {
		t.Errorf("log = %q; want a warning about the key file's mode", logs.String())
	}
}
