package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"lectern/corpus"
	"lectern/retrieval"
)

// Discord's limits, in characters.
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxFooter      = 2048
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxEmbedsTotal = 6000
	maxEmbeds      = 10
	maxFields      = 25
	maxButtons     = 5 // per row
	maxChoices     = 25
	maxChoiceName  = 100
)

// excerptBudget is the longest excerpt put in one embed: well inside the
// description's limit, and short enough to read in a chat.
const excerptBudget = 1800

// Colours of the embeds.
const (
	colorAnswer   = 0x3B82F6
	colorNotFound = 0x9CA3AF
	colorInfo     = 0x10B981
)

// reply is a message lectern sends, before it is shaped into one of
// discordgo's request types. Every one of those is built by a method below
// that sets allowed_mentions to parse nothing.
type reply struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
}

// noMentions allows no mention of any kind: discordgo sends "parse": null
// for a nil slice, which would let "@everyone" in the text ping a server.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (r reply) flags() discordgo.MessageFlags {
	if r.Ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// message shapes r as a channel message replying to ref (nil: no reply).
func (r reply) message(ref *discordgo.MessageReference) *discordgo.MessageSend {
	return &discordgo.MessageSend{
		Content:         r.Content,
		Embeds:          nonNilEmbeds(r.Embeds),
		Components:      nonNilComponents(r.Components),
		Reference:       ref,
		AllowedMentions: noMentions(),
	}
}

// response shapes r as an interaction response of type typ.
func (r reply) response(typ discordgo.InteractionResponseType) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: typ, Data: r.data()}
}

func (r reply) data() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{
		Content:         r.Content,
		Embeds:          nonNilEmbeds(r.Embeds),
		Components:      nonNilComponents(r.Components),
		Flags:           r.flags(),
		AllowedMentions: noMentions(),
	}
}

// edit shapes r as an edit of a deferred interaction response.
func (r reply) edit() *discordgo.WebhookEdit {
	content := r.Content
	embeds := nonNilEmbeds(r.Embeds)
	components := nonNilComponents(r.Components)
	return &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}
}

// followup shapes r as a follow-up message to an interaction.
func (r reply) followup() *discordgo.WebhookParams {
	return &discordgo.WebhookParams{
		Content:         r.Content,
		Embeds:          r.Embeds,
		Components:      nonNilComponents(r.Components),
		Flags:           r.flags(),
		AllowedMentions: noMentions(),
	}
}

func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// answerReply renders an answer: an embed per result (the question as the
// first one's title, the excerpt with the question's words in bold, the
// citation below) and buttons for more results, the surrounding context and
// feedback. An answer the text does not give says so and points to /topics.
func answerReply(question string, ans retrieval.Answer, fp string) reply {
	if !ans.Answered || len(ans.Results) == 0 {
		return notFoundReply(question, ans)
	}
	var r reply
	budget := maxEmbedsTotal
	for i, res := range ans.Results {
		if i == maxEmbeds {
			break
		}
		e := &discordgo.MessageEmbed{Color: colorAnswer}
		if i == 0 {
			e.Title = title(question)
		}
		cite := truncate(citationText(res.Citation), maxFooter)
		e.Footer = &discordgo.MessageEmbedFooter{Text: "📖 " + cite}
		room := min(excerptBudget, budget-runes(e.Title)-runes(e.Footer.Text)-50)
		if room < 200 && i > 0 {
			break // no room for another result
		}
		e.Description = renderExcerpt(res, room)
		budget -= runes(e.Title) + runes(e.Description) + runes(e.Footer.Text)
		r.Embeds = append(r.Embeds, e)
	}
	last := ans.Results[len(r.Embeds)-1]
	first := ans.Results[0]
	var buttons []discordgo.MessageComponent
	if ans.More || len(r.Embeds) < len(ans.Results) {
		buttons = append(buttons, discordgo.Button{
			Label:    "More results",
			Style:    discordgo.PrimaryButton,
			CustomID: moreID{Offset: last.Rank, FP: fp, Question: question}.String(),
		})
	}
	buttons = append(buttons,
		discordgo.Button{Label: "Show context", Style: discordgo.SecondaryButton,
			CustomID: contextID{Sentence: first.ID, FP: fp}.String()},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton,
			CustomID: feedbackID{Up: true, Sentence: first.ID, FP: fp}.String()},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton,
			CustomID: feedbackID{Up: false, Sentence: first.ID, FP: fp}.String()},
	)
	r.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: buttons}}
	return r
}

func notFoundReply(question string, ans retrieval.Answer) reply {
	desc := "The text doesn't seem to answer this, so I won't guess."
	if ans.Reason != "" {
		desc += "\n" + escapeMarkdown(capitalise(ans.Reason)) + "."
	}
	desc += "\nTry other words, or `/topics` to see what the text covers."
	return reply{Embeds: []*discordgo.MessageEmbed{{
		Title:       title(question),
		Description: desc,
		Color:       colorNotFound,
	}}}
}

// renderExcerpt renders a result's excerpt in at most max characters:
// Markdown in the text escaped, the matched words in bold, and, when it is
// too long, whole sentences dropped around the matched one (or, for a single
// long sentence, words dropped at its end) with "…" where text was left out.
func renderExcerpt(res retrieval.Result, max int) string {
	text := res.Excerpt
	spans := corpus.SplitSentences(text)
	// The sentences of the excerpt, and which one is the matched sentence.
	hit := 0
	for i, s := range spans {
		if s.Start <= res.SentenceSpan.Start && res.SentenceSpan.Start < s.End {
			hit = i
		}
	}
	if len(spans) == 0 {
		spans = []corpus.Span{{Start: 0, End: len(text)}}
	}
	lo, hi := 0, len(spans)-1
	for {
		out := renderRange(text, spans[lo].Start, spans[hi].End, res.Highlights, lo > 0, hi < len(spans)-1)
		if runes(out) <= max {
			return out
		}
		switch {
		case hi > hit:
			hi--
		case lo < hit:
			lo++
		default:
			return renderLong(text, spans[hit], res.Highlights, max, lo > 0)
		}
	}
}

// renderLong renders one sentence cut at a word boundary to fit in max.
func renderLong(text string, s corpus.Span, hl []corpus.Span, max int, before bool) string {
	end := s.End
	for end > s.Start {
		out := renderRange(text, s.Start, end, hl, before, true)
		if runes(out) <= max {
			return out
		}
		// Drop the last word.
		cut := strings.LastIndexFunc(text[s.Start:end], unicode.IsSpace)
		if cut <= 0 {
			break
		}
		end = s.Start + cut
		for end > s.Start {
			r, size := utf8.DecodeLastRuneInString(text[s.Start:end])
			if !unicode.IsSpace(r) && !strings.ContainsRune(",;:", r) {
				break
			}
			end -= size
		}
	}
	return "…"
}

// renderRange renders text[start:end] with highlights in bold and "…"
// marking text left out before or after.
func renderRange(text string, start, end int, hl []corpus.Span, before, after bool) string {
	var b strings.Builder
	if before {
		b.WriteString("… ")
	}
	pos := start
	for _, h := range hl {
		if h.End <= pos || h.Start >= end {
			continue
		}
		hs, he := max(h.Start, pos), min(h.End, end)
		b.WriteString(escapeMarkdown(text[pos:hs]))
		b.WriteString("**" + escapeMarkdown(text[hs:he]) + "**")
		pos = he
	}
	b.WriteString(escapeMarkdown(text[pos:end]))
	if after {
		b.WriteString(" …")
	}
	return b.String()
}

// title renders a question as an embed title: one line, escaped, within
// the limit.
func title(question string) string {
	t := oneLine(question)
	for runes(escapeMarkdown(t)) > maxTitle {
		t = truncate(t, runes(t)-(runes(escapeMarkdown(t))-maxTitle)-1)
	}
	return escapeMarkdown(t)
}

// escapeMarkdown makes s show as plain text in Discord: Markdown syntax is
// escaped with backslashes, "@everyone" and "@here" are broken with a zero
// width space, and mention syntax such as <@123> is escaped, so that corpus
// text can neither format itself nor look like a mention.
func escapeMarkdown(s string) string {
	var b strings.Builder
	lineStart := true
	for _, r := range s {
		if strings.ContainsRune("\\*_~`|[]()<>", r) || lineStart && strings.ContainsRune("#-+", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		lineStart = r == '\n'
	}
	out := b.String()
	out = strings.ReplaceAll(out, "@everyone", "@\u200beveryone")
	out = strings.ReplaceAll(out, "@here", "@\u200bhere")
	return out
}

// citationText formats a citation: "De-Stalinization — Encyclopedia of
// Russian History, p. 388".
func citationText(c corpus.Citation) string {
	return oneLine(c.String())
}

// truncate cuts s to at most n characters at a word boundary, with "…".
func truncate(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	rs := []rune(s)
	cut := n - 1
	for i := cut; i > n/2; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(rs[:cut]), unicode.IsSpace) + "…"
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// topicsPerPage is how many topics one page of /topics lists.
const topicsPerPage = 15

// topicsReply renders page p (from 0) of the topic list, with buttons to
// turn pages when they do not fit on one.
func topicsReply(topics []retrieval.Topic, p int) reply {
	if len(topics) == 0 {
		return reply{Embeds: []*discordgo.MessageEmbed{{Title: "Topics", Description: "No topics found in the text.", Color: colorInfo}}}
	}
	pages := (len(topics) + topicsPerPage - 1) / topicsPerPage
	p = max(0, min(p, pages-1))
	var b strings.Builder
	for _, t := range topics[p*topicsPerPage : min(len(topics), (p+1)*topicsPerPage)] {
		fmt.Fprintf(&b, "• **%s** — %s\n", escapeMarkdown(truncate(oneLine(t.Name), 80)), plural(t.Count, "sentence"))
	}
	b.WriteString("\nAsk `/topic name:` for what the text says about one.")
	e := &discordgo.MessageEmbed{Title: "Topics", Description: b.String(), Color: colorInfo}
	if pages > 1 {
		e.Footer = &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Page %d of %d", p+1, pages)}
	}
	r := reply{Embeds: []*discordgo.MessageEmbed{e}}
	if pages > 1 {
		r.Components = []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, Disabled: p == 0, CustomID: topicsID{Page: max(0, p-1)}.String()},
			discordgo.Button{Label: "Next ▶", Style: discordgo.SecondaryButton, Disabled: p == pages-1, CustomID: topicsID{Page: min(pages-1, p+1)}.String()},
		}}}
	}
	return r
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// contextReply shows the paragraph around a sentence.
func contextReply(text string, cit corpus.Citation) reply {
	return reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title:       "Context",
		Description: escapeMarkdown(truncate(text, excerptBudget*2)),
		Footer:      &discordgo.MessageEmbedFooter{Text: "📖 " + truncate(citationText(cit), maxFooter-4)},
		Color:       colorAnswer,
	}}}
}

// sourceReply describes what the bot knows.
func sourceReply(c *corpus.Corpus) reply {
	docs := c.Documents()
	e := &discordgo.MessageEmbed{
		Title:       "What I know",
		Description: fmt.Sprintf("%s, %s.", plural(len(docs), "document"), plural(c.Len(), "sentence")),
		Color:       colorInfo,
	}
	for i, d := range docs {
		if i == maxFields-1 && len(docs) > maxFields {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "…", Value: fmt.Sprintf("and %d more documents", len(docs)-i)})
			break
		}
		var v []string
		if d.Meta.Source != "" {
			v = append(v, escapeMarkdown(d.Meta.Source))
		}
		switch n := len(d.Pages); {
		case n == 1:
			v = append(v, "p. "+d.Pages[0])
		case n > 1:
			v = append(v, "pp. "+corpus.Pages{First: d.Pages[0], Last: d.Pages[n-1]}.String())
		}
		v = append(v, plural(d.End-d.First, "sentence"), "`"+strings.ReplaceAll(d.Name, "`", "'")+"`")
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{
			Name:  truncate(oneLine(d.Meta.Title), maxFieldName),
			Value: truncate(strings.Join(v, " · "), maxFieldValue),
		})
	}
	return reply{Embeds: []*discordgo.MessageEmbed{e}}
}

// helpReply explains how to use the bot.
func helpReply() reply {
	return reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title: "How to ask",
		Description: "I answer questions about my text with its own words: every answer is a passage, with its title, source and page. " +
			"When the text doesn't answer, I say so.\n\n" +
			"• Mention me with a question, or send me a direct message.\n" +
			"• `/ask question:` — the best passage (add `public:True` to show it to the channel).\n" +
			"• `/topics` — what the text is about.\n" +
			"• `/topic name:` — what it says about one topic.\n" +
			"• `/source` — which documents I know.\n\n" +
			"Under an answer: **More results**, **Show context**, and 👍/👎 to tell my operator how I did.",
		Color: colorInfo,
	}}}
}

// errorReply is what a person sees when something fails: short and
// private; the details go to the log.
func errorReply(msg string) reply {
	return reply{Ephemeral: true, Content: truncate(msg, maxContent)}
}

// choices turns topics into autocomplete choices.
func choices(topics []retrieval.Topic) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	seen := map[string]bool{}
	for _, t := range topics {
		name := truncate(oneLine(t.Name), maxChoiceName)
		if seen[name] || len(out) == maxChoices {
			continue
		}
		seen[name] = true
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
	}
	return out
}
