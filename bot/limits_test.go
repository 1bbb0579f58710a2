package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"lectern/corpus"
	"lectern/retrieval"
)

// unfitted shapes r as a message without reply.fit, so that tests see what
// the builders made.
func unfitted(r Reply) *discordgo.MessageSend {
	return &discordgo.MessageSend{Content: r.Content, Embeds: r.Embeds, Components: r.Components}
}

// checkBuilt asserts that a builder's Reply keeps Discord's limits by
// itself, and that fit leaves it so.
func checkBuilt(t *testing.T, name string, r Reply) {
	t.Helper()
	for _, err := range limitErrors(unfitted(r)) {
		t.Errorf("%s: %s", name, err)
	}
	for _, err := range limitErrors(r.message(nil)) {
		t.Errorf("%s (fitted): %s", name, err)
	}
}

// hostileDocs returns n documents whose every field is long and hostile:
// Markdown, mentions, astral characters, new lines, long page labels.
func hostileDocs(n int, unit string, size int) []corpus.Document {
	var docs []corpus.Document
	long := func(i int) string { return fmt.Sprintf("%d ", i) + strings.Repeat(unit, size/max(1, width(unit))) }
	for i := 0; i < n; i++ {
		docs = append(docs, corpus.Document{
			ID:    i,
			Name:  fmt.Sprintf("dir/`doc-%d`-", i) + long(i) + ".txt",
			Meta:  corpus.Meta{Title: long(i) + "\n@everyone **bold**", Source: long(i)},
			Pages: []string{long(i), "ii", long(i + 1)},
			First: i * 10, End: i*10 + 10,
		})
	}
	return docs
}

// TestSourceManyLongTitles is /source for 30 documents with long titles:
// every page keeps Discord's limits (the embed total of 6,000 first), and
// every document is on exactly one page.
func TestSourceManyLongTitles(t *testing.T) {
	for _, unit := range []string{"Title ", "*_`|", "😀", "é"} {
		docs := hostileDocs(30, unit, 1000)
		first := sourceReply(docs, 300, 0, testFP, "")
		pages := 1
		fmt.Sscanf(footerText(first.Embeds[0]), "Page 1 of %d", &pages)
		if pages < 2 {
			t.Fatalf("%q: /source of 30 long documents has one page: %+v", unit, first.Embeds[0])
		}
		seen := map[int]int{}
		for p := 0; p < pages; p++ {
			r := sourceReply(docs, 300, p, testFP, "")
			checkBuilt(t, fmt.Sprintf("%q page %d", unit, p+1), r)
			for _, f := range r.Embeds[0].Fields {
				var id int
				if _, err := fmt.Sscanf(f.Name, "%d", &id); err != nil {
					t.Fatalf("field name %q does not start with the document number", f.Name)
				}
				seen[id]++
			}
			if want := fmt.Sprintf("Page %d of %d", p+1, pages); footerText(r.Embeds[0]) != want {
				t.Errorf("footer %q; want %q", footerText(r.Embeds[0]), want)
			}
		}
		for i := range docs {
			if seen[i] != 1 {
				t.Errorf("%q: document %d is on %d pages; want 1", unit, i, seen[i])
			}
		}
		// Pages out of range show the nearest one.
		if got := footerText(sourceReply(docs, 300, 999, testFP, "").Embeds[0]); got != fmt.Sprintf("Page %d of %d", pages, pages) {
			t.Errorf("page 999 shows %q", got)
		}
	}
	// A document without title is listed by its name.
	r := sourceReply([]corpus.Document{{Name: "a.txt", End: 1}}, 1, 0, testFP, "")
	checkBuilt(t, "untitled", r)
	if r.Embeds[0].Fields[0].Name != "a.txt" {
		t.Errorf("untitled document listed as %q", r.Embeds[0].Fields[0].Name)
	}
}

func footerText(e *discordgo.MessageEmbed) string {
	if e.Footer == nil {
		return ""
	}
	return e.Footer.Text
}

// hostileAnswer builds an answer of n results around excerpt, with the
// question's words highlighted and a long citation.
func hostileAnswer(question, excerpt, cite string, n int) retrieval.Answer {
	ans := retrieval.Answer{Question: question, Answered: true, More: true, Reason: excerpt}
	spans := corpus.SplitSentences(excerpt)
	var hit corpus.Span
	if len(spans) > 0 {
		hit = spans[len(spans)/2]
	}
	var hl []corpus.Span
	for _, w := range strings.Fields(question) {
		if i := strings.Index(excerpt, w); i >= 0 {
			hl = append(hl, corpus.Span{Start: i, End: i + len(w)})
		}
	}
	sortSpans(hl)
	for i := 0; i < n; i++ {
		ans.Results = append(ans.Results, retrieval.Result{
			Rank: i + 1, Excerpt: excerpt, SentenceSpan: hit, Highlights: hl, ID: i,
			Citation: corpus.Citation{Title: cite, Source: cite, Section: cite + "x", Page: cite},
		})
	}
	return ans
}

// sortSpans sorts spans by start and drops overlaps, as retrieval's are.
func sortSpans(s []corpus.Span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Start < s[j-1].Start; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	out := s[:0]
	for _, x := range s {
		if len(out) == 0 || x.Start >= out[len(out)-1].End {
			out = append(out, x)
		}
	}
	clear(s[len(out):])
}

// allReplies builds every kind of Reply from the same hostile strings.
func allReplies(question, text, name string, n int) map[string]Reply {
	var topics []retrieval.Topic
	for i := 0; i < 40; i++ {
		topics = append(topics, retrieval.Topic{Name: fmt.Sprint(i) + name, Count: i})
	}
	ans := hostileAnswer(question, text, name, n)
	notFound := ans
	notFound.Answered = false
	docs := hostileDocs(n, name+" ", min(width(text), 5000))
	book := truncate(oneLine(name), maxBookName)
	out := map[string]Reply{
		"answer":         answerReply(question, ans, testFP, ""),
		"answer in book": answerReply(question, ans, testFP, book),
		"not found":      answerReply(question, notFound, testFP, book),
		"topics":         topicsReply(topics, 1, testFP, ""),
		"topics in book": topicsReply(topics, 1, testFP, book),
		"context":        contextReply(text, ans.Results[0].Citation, book),
		"source":         sourceReply(docs, 10*n, 0, testFP, ""),
		"source of book": sourceReply(docs, 10*n, 0, testFP, book),
		"error":          errorReply(capitalise(text) + "."),
		"slow down":      slowDownReply(1e18, newCooldown(1<<30, 1e18), name),
		"help":           helpReply(DoorGateway, nil),
		"help in books":  helpReply(DoorGateway, []string{book, name, text}),
		"terminal help":  helpReply(DoorTerminal, nil),
	}
	return out
}

func checkChoices(t *testing.T, name string) {
	t.Helper()
	var topics []retrieval.Topic
	for i := 0; i < 40; i++ {
		topics = append(topics, retrieval.Topic{Name: name + fmt.Sprint(i%30)})
	}
	got := choices(topics)
	if len(got) > maxChoices {
		t.Errorf("%d choices; Discord allows %d", len(got), maxChoices)
	}
	for _, c := range got {
		if n := width(c.Name); n < 1 || n > maxChoiceName || width(fmt.Sprint(c.Value)) > maxChoiceName {
			t.Errorf("choice %q: Discord allows 1 to %d characters", c.Name, maxChoiceName)
		}
	}
}

// TestReplyLimitsHostile builds every Reply from huge and hostile text.
func TestReplyLimitsHostile(t *testing.T) {
	huge := func(unit string, n int) string { return strings.Repeat(unit, n) }
	tests := []struct {
		name                 string
		question, text, cite string
		results              int
	}{
		{"plain", "where was he buried", "He was buried by the wall. It was cold.", "De-Stalinization", 3},
		{"long words", huge("why ", 3000), huge("Sentence about why things happen. ", 3000), huge("Cite ", 2000), 10},
		{"no spaces", huge("x", 10000), huge("y", 100000), huge("z", 5000), 10},
		{"markdown", huge("*_", 3000), huge("**~~`|| ", 5000) + ".", huge("[]()", 1000), 10},
		{"mentions", huge("@everyone <@1> ", 500), huge("@here <@&2> said so. ", 2000), huge("@everyone", 600), 10},
		{"astral", huge("😀", 3000), huge("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀. ", 3000), huge("📖", 3000), 10},
		{"new lines", huge("a\n", 3000), huge("# head\n- item\n> quote\n", 3000), huge("\n", 3000) + "x", 10},
		{"empty", "", "", "", 1},
	}
	for _, tt := range tests {
		for kind, r := range allReplies(tt.question, tt.text, tt.cite, tt.results) {
			checkBuilt(t, tt.name+" "+kind, r)
		}
		checkChoices(t, tt.cite)
	}
}

// FuzzReplyLimits builds every Reply from fuzzed strings, repeated to any
// size: all keep Discord's limits.
func FuzzReplyLimits(f *testing.F) {
	f.Add("Where was Stalin buried?", "He was buried by the Kremlin wall. Later he was moved.", "Encyclopedia", uint16(1), uint8(3))
	f.Add("*_`|", "@everyone **x** <@1>\n# y", "😀", uint16(900), uint8(10))
	f.Fuzz(func(t *testing.T, question, text, name string, repeat uint16, results uint8) {
		k := int(repeat%2000) + 1
		if len(text)*k > 1<<17 {
			k = max(1, (1<<17)/max(1, len(text)))
		}
		text = strings.Repeat(text, k)
		question = strings.Repeat(question, min(k, 1+4000/max(1, len(question))))
		name = strings.Repeat(name, min(k, 1+3000/max(1, len(name))))
		for kind, r := range allReplies(question, text, name, int(results%12)+1) {
			checkBuilt(t, kind, r)
		}
		checkChoices(t, name)
	})
}

// TestFitGuards: fit brings any Reply within the limits, even one no
// builder would make.
func TestFitGuards(t *testing.T) {
	big := strings.Repeat("ab 😀 ", 3000)
	e := &discordgo.MessageEmbed{Title: big, Description: big, Footer: &discordgo.MessageEmbedFooter{Text: big},
		Author: &discordgo.MessageEmbedAuthor{Name: big}}
	for i := 0; i < 30; i++ {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: big, Value: big})
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: " ", Value: ""})
	var embeds []*discordgo.MessageEmbed
	for i := 0; i < 12; i++ {
		c := *e
		embeds = append(embeds, &c)
	}
	var rows []discordgo.MessageComponent
	for i := 0; i < 7; i++ {
		var buttons []discordgo.MessageComponent
		for j := 0; j < 7; j++ {
			buttons = append(buttons, discordgo.Button{Label: "b", Style: discordgo.SecondaryButton, CustomID: fmt.Sprint(i, "-", j)})
		}
		rows = append(rows, discordgo.ActionsRow{Components: buttons})
	}
	r := Reply{Content: big, Embeds: embeds, Components: rows}
	for _, err := range limitErrors(r.message(nil)) {
		t.Error(err)
	}
	if width(e.Title) != width(big) {
		t.Error("fit modified the Reply it was given")
	}
}

func TestWidthAndTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 10, "one two…"},
		{"ééééééééééé", 5, "éééé…"},
		{"😀😀😀😀", 5, "😀😀…"},
		{"😀😀😀😀", 2, "…"},
		{"abc", 0, ""},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want || width(got) > tt.n {
			t.Errorf("truncate(%q, %d) = %q; want %q", tt.in, tt.n, got, tt.want)
		}
	}
	if w := width("a😀é"); w != 4 {
		t.Errorf("width(a😀é) = %d; want 4 (UTF-16 code units)", w)
	}
	for _, s := range []string{strings.Repeat("*", 500), strings.Repeat("a*", 300), strings.Repeat("@everyone ", 100)} {
		if got := fitEscaped(s, 256); width(got) > 256 || width(got) < 100 {
			t.Errorf("fitEscaped(%.20q…, 256) has width %d; want at most 256, and not much less", s, width(got))
		}
	}
}

func TestFeedbackLog(t *testing.T) {
	f := newFeedbackLog()
	now := time.Unix(1000, 0)
	steps := []struct {
		user, msg string
		up        bool
		after     time.Duration
		want      bool
	}{
		{"u1", "m1", true, 0, true},
		{"u1", "m1", true, time.Second, false},        // the same vote again
		{"u1", "m1", false, time.Second, true},        // a changed vote
		{"u2", "m1", false, time.Second, true},        // another user
		{"u1", "m2", false, time.Second, true},        // another answer
		{"u1", "m1", false, feedbackMemory + 1, true}, // remembered no longer
	}
	for i, s := range steps {
		now = now.Add(s.after)
		if got := f.record(s.user, s.msg, 7, s.up, now); got != s.want {
			t.Errorf("step %d: record(%s, %s, %v) = %v; want %v", i, s.user, s.msg, s.up, got, s.want)
		}
	}
}

// TestSourceLanguages: /source names each document's language when the
// documents are not all in English, and only then.
func TestSourceLanguages(t *testing.T) {
	tests := []struct {
		name string
		docs []corpus.Document
		want []string // in each field's value, in order; nil: no language
	}{
		{"English", []corpus.Document{{Name: "a.txt", End: 1, Language: "en"}, {Name: "b.txt", End: 1, Language: "en"}}, nil},
		{"Russian", []corpus.Document{{Name: "a.txt", End: 1, Language: "ru"}}, []string{"Russian"}},
		{"mixed", []corpus.Document{{Name: "a.txt", End: 1, Language: "en"}, {Name: "b.txt", End: 1, Language: "es"}}, []string{"English", "Spanish"}},
	}
	for _, tt := range tests {
		r := sourceReply(tt.docs, len(tt.docs), 0, testFP, "")
		checkBuilt(t, tt.name, r)
		for i, f := range r.Embeds[0].Fields {
			switch {
			case tt.want == nil && (strings.Contains(f.Value, "English") || strings.Contains(f.Value, "Russian")):
				t.Errorf("%s: field %d = %q; want no language", tt.name, i, f.Value)
			case tt.want != nil && !strings.HasPrefix(f.Value, tt.want[i]+" · "):
				t.Errorf("%s: field %d = %q; want the language %s", tt.name, i, f.Value, tt.want[i])
			}
		}
	}
}
