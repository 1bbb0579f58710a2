package bot

import (
	"strings"
	"sync"
	"testing"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu        sync.Mutex
	asked     []Asked
	cooldowns []string
	votes     []Vote
}

func (r *recorder) Asked(a Asked) { r.mu.Lock(); r.asked = append(r.asked, a); r.mu.Unlock() }
func (r *recorder) CooledDown(door, what string) {
	r.mu.Lock()
	r.cooldowns = append(r.cooldowns, door+" "+what)
	r.mu.Unlock()
}
func (r *recorder) Voted(v Vote) { r.mu.Lock(); r.votes = append(r.votes, v); r.mu.Unlock() }

func TestObservers(t *testing.T) {
	hist := historyBook(t)
	rec := &recorder{}
	tc := newTestCore(t, []Book{{Answerer: hist}}, CoreOptions{CooldownQuestions: 2, CooldownWindow: 60e9, ButtonWindow: -1, Observers: []Observer{rec}})
	tc.handle(mention("where was he buried"))
	tc.handle(mention("what is the capital of France"))
	tc.handle(command("ask", "question", strings.Repeat("x", 5000)))
	tc.handle(mention("who gave a speech")) // the third counted: cooled down
	var outcomes []string
	for _, a := range rec.asked {
		outcomes = append(outcomes, a.Outcome)
		if a.Door != DoorGateway || a.User != tUser || a.Guild != tGuild {
			t.Errorf("Asked = %+v; want the request's door, user and guild", a)
		}
	}
	if want := []string{OutcomeAnswered, OutcomeNotFound, OutcomeRefused}; strings.Join(outcomes, " ") != strings.Join(want, " ") {
		t.Errorf("outcomes %q; want %q", outcomes, want)
	}
	if len(rec.cooldowns) != 1 || rec.cooldowns[0] != "gateway question" {
		t.Errorf("cooldowns %q; want one question cooldown", rec.cooldowns)
	}
	r := click(feedbackID{Up: false, Sentence: 0, FP: fingerprint(hist.corp)}.String())
	r.MessageTitle = "where was he buried"
	tc.handle(r)
	tc.handle(r) // the same vote again: reported once
	if len(rec.votes) != 1 {
		t.Fatalf("%d votes reported; want 1", len(rec.votes))
	}
	v := rec.votes[0]
	if v.Up || v.Question != "where was he buried" || !strings.Contains(v.Text, "Kremlin wall") || v.Citation.Title != "De-Stalinization" {
		t.Errorf("Vote = %+v", v)
	}
}

func TestSetBooks(t *testing.T) {
	hist, poets := historyBook(t), poetryBook(t)
	tc := newTestCore(t, []Book{{Answerer: hist}}, CoreOptions{})
	before := tc.handle(mention("who was buried in Peredelkino"))
	if !strings.Contains(before.Reply.Embeds[0].Description, "Kremlin") {
		t.Fatalf("before: %q", before.Reply.Embeds[0].Description)
	}
	ctxID := buttonID(before.Reply, "Show context")
	if err := tc.SetBooks([]Book{{Answerer: poets}}); err != nil {
		t.Fatal(err)
	}
	after := tc.handle(mention("who was buried in Peredelkino"))
	if !strings.Contains(after.Reply.Embeds[0].Description, "Pasternak") {
		t.Errorf("after SetBooks: %q; want the new book's answer", after.Reply.Embeds[0].Description)
	}
	if got := tc.handle(click(ctxID)); got.Reply.Content != msgStale {
		t.Errorf("a button of the old text after SetBooks: %+v; want it called stale", got.Reply)
	}
	// Refused: the books stay as they were.
	for _, bad := range [][]Book{nil, {{Answerer: nil}}, {{Name: "a", Answerer: hist}, {Name: "A", Answerer: poets}}} {
		if err := tc.SetBooks(bad); err == nil {
			t.Errorf("SetBooks(%v) = nil; want an error", bad)
		}
	}
	if again := tc.handle(mention("who was buried in Peredelkino")); !strings.Contains(again.Reply.Embeds[0].Description, "Pasternak") {
		t.Errorf("after a refused SetBooks: %q; want the books unchanged", again.Reply.Embeds[0].Description)
	}
}
