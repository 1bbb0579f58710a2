package bot

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"lectern/corpus"
	"lectern/retrieval"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

const testFP = "0123abcd"

func seedEngine(t testing.TB) *retrieval.Engine {
	t.Helper()
	return retrieval.NewEngine(corpus.Default(), retrieval.Options{})
}

// limitErrors lists how a message breaks Discord's limits.
func limitErrors(m *discordgo.MessageSend) []string {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if n := width(m.Content); n > maxContent {
		bad("content has %d characters; Discord allows %d", n, maxContent)
	}
	if len(m.Embeds) > maxEmbeds {
		bad("%d embeds; Discord allows %d", len(m.Embeds), maxEmbeds)
	}
	total := 0
	for i, e := range m.Embeds {
		total += width(e.Title) + width(e.Description)
		if width(e.Title) > maxTitle || width(e.Description) > maxDescription || len(e.Fields) > maxFields {
			bad("embed %d over the limits: title %d, description %d, fields %d", i, width(e.Title), width(e.Description), len(e.Fields))
		}
		if e.Footer != nil {
			total += width(e.Footer.Text)
			if width(e.Footer.Text) > maxFooter || strings.TrimSpace(e.Footer.Text) == "" {
				bad("embed %d footer has %d characters; Discord allows 1 to %d", i, width(e.Footer.Text), maxFooter)
			}
		}
		if e.Author != nil {
			total += width(e.Author.Name)
		}
		for j, f := range e.Fields {
			total += width(f.Name) + width(f.Value)
			if width(f.Name) > maxFieldName || width(f.Value) > maxFieldValue || strings.TrimSpace(f.Name) == "" || strings.TrimSpace(f.Value) == "" {
				bad("embed %d field %d over the limits: name %d, value %d", i, j, width(f.Name), width(f.Value))
			}
		}
	}
	if total > maxEmbedsTotal {
		bad("embeds hold %d characters; Discord allows %d", total, maxEmbedsTotal)
	}
	if len(m.Components) > maxRows {
		bad("%d component rows; Discord allows %d", len(m.Components), maxRows)
	}
	seen := map[string]bool{}
	for _, row := range m.Components {
		ar, ok := row.(discordgo.ActionsRow)
		if !ok {
			bad("component %T is not an action row", row)
			continue
		}
		if len(ar.Components) > maxButtons || len(ar.Components) == 0 {
			bad("%d buttons in a row; Discord allows 1 to %d", len(ar.Components), maxButtons)
		}
		for _, c := range ar.Components {
			b := c.(discordgo.Button)
			if width(b.CustomID) > maxCustomID || b.CustomID == "" {
				bad("custom_id %q has %d characters", b.CustomID, width(b.CustomID))
			}
			if seen[b.CustomID] {
				bad("custom_id %q used twice", b.CustomID)
			}
			seen[b.CustomID] = true
			if width(b.Label) > 80 {
				bad("button label %q too long", b.Label)
			}
		}
	}
	return errs
}

// TestAllowedMentions checks that every request shape allows no mentions,
// with "parse": [] rather than null.
func TestAllowedMentions(t *testing.T) {
	r := Reply{Content: "@everyone hi"}
	shapes := map[string]any{
		"message":  r.message(nil),
		"response": r.response(discordgo.InteractionResponseChannelMessageWithSource),
		"deferred": Reply{Ephemeral: true}.response(discordgo.InteractionResponseDeferredChannelMessageWithSource),
		"edit":     r.edit(),
		"followup": r.followup(),
	}
	for name, v := range shapes {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			AllowedMentions *struct {
				Parse *[]string `json:"parse"`
			} `json:"allowed_mentions"`
			Data *struct {
				AllowedMentions *struct {
					Parse *[]string `json:"parse"`
				} `json:"allowed_mentions"`
			} `json:"data"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		am := m.AllowedMentions
		if m.Data != nil {
			am = m.Data.AllowedMentions
		}
		if am == nil || am.Parse == nil || len(*am.Parse) != 0 {
			t.Errorf("%s JSON %s: want allowed_mentions with \"parse\": []", name, b)
		}
	}
}

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"**bold** _it_ ~~s~~ `c` ||spoiler||", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`c\\`" + ` \|\|spoiler\|\|`},
		{"[click](https://evil.example)", `\[click\]\(https://evil.example\)`},
		{"# heading\n- item\n> quote", "\\# heading\n\\- item\n\\> quote"},
		{"a - b # c", "a - b # c"},
		{"hi @everyone and @here", "hi @\u200beveryone and @\u200bhere"},
		{"<@123> <#456> <@&789>", `\<@123\> \<#456\> \<@&789\>`},
		{`back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		if got := escapeMarkdown(tt.in); got != tt.want {
			t.Errorf("escapeMarkdown(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestHostileCorpus answers from a text full of mentions and Markdown: the
// Reply must show it as plain text.
func TestHostileCorpus(t *testing.T) {
	var b corpus.Builder
	text := "The @everyone ping was sent to **all** members of the [server](https://evil.example) by <@&123>. Nobody liked the ping.\n"
	if err := b.Add("hostile.txt", "hostile.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	e := retrieval.NewEngine(c, retrieval.Options{})
	ans, err := e.Answer("who got the everyone ping?", retrieval.Request{Top: 1})
	if err != nil || !ans.Answered {
		t.Fatalf("Answer = %+v, %v", ans, err)
	}
	r := answerReply("who got the @everyone ping? **now**", ans, testFP, "")
	d := r.Embeds[0].Description
	for _, bad := range []string{"@everyone", "[server](", "<@&123>", "**all**"} {
		if strings.Contains(d, bad) {
			t.Errorf("description %q holds %q unescaped", d, bad)
		}
	}
	if !strings.Contains(d, "**ping**") {
		t.Errorf("description %q does not bold the matched word", d)
	}
	if title := r.Embeds[0].Title; strings.Contains(title, "@everyone") {
		t.Errorf("title %q holds a live @everyone", title)
	}
}

// TestRenderExcerptLimits cuts long excerpts at sentence boundaries, never
// inside a word or inside bold markup.
func TestRenderExcerptLimits(t *testing.T) {
	e := seedEngine(t)
	ans, err := e.Answer("collective leadership foreign policy", retrieval.Request{Top: 1})
	if err != nil || len(ans.Results) == 0 {
		t.Fatal(err)
	}
	res := ans.Results[0]
	for _, max := range []int{60, 120, 200, 400, 1000, 5000} {
		out := renderExcerpt(res, max)
		if n := width(out); n > max {
			t.Errorf("renderExcerpt(max %d) has %d characters", max, n)
		}
		if strings.Count(out, "**")%2 != 0 {
			t.Errorf("renderExcerpt(max %d) = %q: unbalanced bold", max, out)
		}
		if out != "…" && !strings.HasSuffix(out, ".") && !strings.HasSuffix(out, "…") {
			t.Errorf("renderExcerpt(max %d) = %q: cut mid-sentence without an ellipsis", max, out)
		}
		// Every word of the output is a whole word of the excerpt.
		plain := strings.NewReplacer("**", "", "… ", "", " …", "", "\\", "").Replace(out)
		for _, w := range strings.Fields(plain) {
			if w != "…" && !strings.Contains(" "+res.Excerpt+" ", " "+w+" ") && !strings.Contains(res.Excerpt, w) {
				t.Errorf("renderExcerpt(max %d): word %q not in the excerpt", max, w)
			}
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 10, "one two…"},
		{"ééééééééééé", 5, "éééé…"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want || width(got) > tt.n {
			t.Errorf("truncate(%q, %d) = %q; want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestChoices(t *testing.T) {
	var topics []retrieval.Topic
	for i := 0; i < 40; i++ {
		topics = append(topics, retrieval.Topic{Name: string(rune('a'+i%26)) + string(rune('a'+i/26)) + strings.Repeat(" x", 75)})
	}
	got := choices(topics)
	if len(got) != maxChoices {
		t.Errorf("choices gave %d; want %d", len(got), maxChoices)
	}
	for _, c := range got {
		if width(c.Name) > maxChoiceName {
			t.Errorf("choice name has %d characters; Discord allows %d", width(c.Name), maxChoiceName)
		}
	}
}
