package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/bot/discordtest"
	"lectern/feedback"
)

// TestFeedbackGolden summarises testdata/feedback.jsonl, as text and as
// JSON (go test -update rewrites the golden files).
func TestFeedbackGolden(t *testing.T) {
	in := filepath.Join(srcDir, "testdata", "feedback.jsonl")
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"feedback.golden", []string{"feedback", "--file", in}},
		{"feedback_json.golden", []string{"feedback", "--json", "--top", "2", "--file", in}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, stderr := lectern(t, "", tt.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			out = strings.ReplaceAll(out, in, "testdata/feedback.jsonl")
			checkGolden(t, tt.golden, out)
		})
	}
}

func TestFeedbackJSONContract(t *testing.T) {
	in := filepath.Join(srcDir, "testdata", "feedback.jsonl")
	code, out, stderr := lectern(t, "", "feedback", "--json", "--file", in)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("feedback --json output is not a JSON object: %v\n%s", err, out)
	}
	for _, k := range []string{"file", "entries", "malformed", "from", "to", "up", "down", "books", "voted_down", "not_found", "not_found_total"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("feedback --json lacks %q", k)
		}
	}
}

// TestFeedbackFile: the file comes from feedback.path, and each way it
// can be missing or wrong says what to do.
func TestFeedbackFile(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(empty, nil, 0o644)
	t.Run("from feedback.path", func(t *testing.T) {
		t.Setenv("LECTERN_FEEDBACK_PATH", filepath.Join(srcDir, "testdata", "feedback.jsonl"))
		code, out, stderr := lectern(t, "", "feedback", "--top", "1")
		if code != 0 || !strings.Contains(out, "Votes: 5 (2 up, 3 down)") {
			t.Errorf("exit %d, %q, %q", code, out, stderr)
		}
	})
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"empty", []string{"--file", empty}, 0, "nothing yet"},
		{"missing", []string{"--file", filepath.Join(dir, "none.jsonl")}, 1, "does not exist yet"},
		{"not set", nil, 2, "LECTERN_FEEDBACK_PATH"},
		{"a folder", []string{"--file", dir}, 1, "not a regular file"},
		{"bad top", []string{"--top", "0", "--file", empty}, 2, "--top 0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("LECTERN_FEEDBACK_PATH", "")
			code, out, stderr := lectern(t, "", append([]string{"feedback"}, tt.args...)...)
			if code != tt.code || !strings.Contains(out+stderr, tt.want) {
				t.Errorf("lectern feedback %s: exit %d, %q, %q; want exit %d saying %q", strings.Join(tt.args, " "), code, out, stderr, tt.code, tt.want)
			}
		})
	}
}

// TestServeFeedback runs `lectern serve` with feedback.path against the
// Discord protocol's test server: a 👎 on an answer and a question the
// text does not answer are appended to the file, with hashed IDs, and
// `lectern feedback` summarises them.
func TestServeFeedback(t *testing.T) {
	token := fakeToken()
	srv := discordtest.NewServer(t, discordtest.Options{Token: token, HeartbeatInterval: time.Second})
	path := filepath.Join(t.TempDir(), "feedback.jsonl")
	s := startServe(t, map[string]string{
		"LECTERN_DISCORD_TOKEN":    token,
		"LECTERN_DISCORD_API_URL":  srv.APIURL(),
		"LECTERN_DISCORD_GUILD_ID": discordtest.DefaultGuildID,
		"LECTERN_FEEDBACK_PATH":    path,
	})
	s.waitLog("slash commands registered")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	mention := func(q string) *discordgo.Message {
		t.Helper()
		m, err := srv.SendMessage(discordtest.UserMessage{MentionBot: true, Content: q})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := srv.WaitForMessage(ctx, func(r *discordgo.Message) bool {
			return r.MessageReference != nil && r.MessageReference.MessageID == m.ID
		})
		if err != nil {
			t.Fatalf("no reply to %q: %v", q, err)
		}
		return reply
	}
	reply := mention("Where was Stalin buried?")
	in, err := srv.ClickComponent(discordtest.ComponentClick{MessageID: reply.ID, CustomID: buttonID(t, reply, "👎")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForInteraction(ctx, in.ID, func(r discordtest.InteractionRecord) bool { return r.Response != nil }); err != nil {
		t.Fatalf("the vote was not answered: %v", err)
	}
	mention("What is the capital of France?")
	if c := s.stop(); c != 0 {
		t.Fatalf("lectern serve exited %d", c)
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{discordtest.DefaultUserID, discordtest.DefaultGuildID} {
		if strings.Contains(string(raw), id) {
			t.Errorf("the feedback file holds the raw ID %s:\n%s", id, raw)
		}
	}
	var got []feedback.Entry
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		e, err := feedback.ParseLine([]byte(line))
		if err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		got = append(got, e)
	}
	if len(got) != 2 {
		t.Fatalf("%d entries; want a vote and a question not found:\n%s", len(got), raw)
	}
	if v := got[0]; v.Type != feedback.TypeVote || v.Vote != feedback.VoteDown || v.Question != "Where was Stalin buried?" ||
		v.Citation == nil || v.Citation.Page != "388" || !strings.Contains(v.Text, "Kremlin") || len(v.User) != 16 || len(v.Server) != 16 {
		t.Errorf("vote = %+v", v)
	}
	if nf := got[1]; nf.Type != feedback.TypeNotFound || nf.Question != "What is the capital of France?" || nf.Via != "mention" || nf.User != got[0].User {
		t.Errorf("question not found = %+v", nf)
	}
	if fi, err := os.Stat(path + feedback.KeySuffix); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v; want mode 0600", err)
	}

	code, out, stderr := lectern(t, "", "feedback", "--file", path)
	if code != 0 || !strings.Contains(out, "Votes: 1 (0 up, 1 down)") || !strings.Contains(out, "What is the capital of France?") {
		t.Errorf("lectern feedback: exit %d\n%s%s", code, out, stderr)
	}
}

// TestServeFeedbackUnusable: serve refuses a feedback.path it cannot
// write, naming the setting.
func TestServeFeedbackUnusable(t *testing.T) {
	t.Setenv("LECTERN_DISCORD_TOKEN", fakeToken())
	t.Setenv("LECTERN_FEEDBACK_PATH", t.TempDir()) // a folder
	code, _, stderr := lectern(t, "", "serve")
	if code != 2 || !strings.Contains(stderr, "feedback.path") {
		t.Errorf("serve with a folder as feedback.path: exit %d, %q; want exit 2 naming feedback.path", code, stderr)
	}
}

// buttonID returns the custom ID of the button of m labelled (or with the
// emoji) label.
func buttonID(t *testing.T, m *discordgo.Message, label string) string {
	t.Helper()
	id, ok := discordtest.ButtonID(m, label)
	if !ok {
		t.Fatalf("no %q button on %+v", label, m.Components)
	}
	return id
}
