package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"lectern/corpus"
	"lectern/corpus/lang"
	"lectern/retrieval"
)

// Discord's limits, in characters. Lengths are measured with width, in
// UTF-16 code units, which is never less than what Discord counts.
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
	maxRows        = 5
	maxChoices     = 25
	maxChoiceName  = 100
	maxAuthorName  = 256
)

// excerptBudget is the longest excerpt put in one embed: well inside the
// description's limit, and short enough to read in a chat.
const excerptBudget = 1800

// Labels of the buttons that continue a reply (see Reply.Next).
const (
	labelMore = "More results"
	labelNext = "Next ▶"
)

// Colours of the embeds.
const (
	colorAnswer   = 0x3B82F6
	colorNotFound = 0x9CA3AF
	colorInfo     = 0x10B981
)

// Reply is a message the core makes: text, embeds, buttons, and whether
// only its asker sees it. The embeds and buttons are discordgo's structs,
// used as plain data: a door shapes a Reply into its own requests, and
// Text renders it for a terminal.
type Reply struct {
	// Content is the message's text, in Discord's Markdown.
	Content string
	// Embeds are the message's embeds: an answer's excerpts, a list.
	Embeds []*discordgo.MessageEmbed
	// Components are rows of buttons, whose custom_ids carry their state
	// (see customid.go).
	Components []discordgo.MessageComponent
	// Ephemeral replies are shown only to whoever asked (interactions
	// only: a channel message is seen by all).
	Ephemeral bool
}

// fit returns r within every Discord limit on a message, whatever built
// it: content, embed count and sizes (title, description, footer, author,
// fields, their total) and components. The builders below already keep
// within the limits, cutting at sentence and word boundaries; fit only
// guards against one that does not, cutting bluntly. r is not modified.
func (r Reply) fit() Reply {
	r.Content = truncate(r.Content, maxContent)
	var embeds []*discordgo.MessageEmbed
	for _, e := range r.Embeds {
		if e == nil || len(embeds) == maxEmbeds {
			continue
		}
		c := *e
		c.Title = truncate(c.Title, maxTitle)
		c.Description = truncate(c.Description, maxDescription)
		if c.Footer != nil {
			f := *c.Footer
			f.Text = truncate(f.Text, maxFooter)
			c.Footer = &f
			if strings.TrimSpace(f.Text) == "" {
				c.Footer = nil
			}
		}
		if c.Author != nil {
			a := *c.Author
			a.Name = truncate(a.Name, maxAuthorName)
			c.Author = &a
			if strings.TrimSpace(a.Name) == "" {
				c.Author = nil
			}
		}
		c.Fields = nil
		for _, f := range e.Fields {
			if f == nil || len(c.Fields) == maxFields {
				continue
			}
			c.Fields = append(c.Fields, &discordgo.MessageEmbedField{
				Name: nonBlank(truncate(f.Name, maxFieldName)), Value: nonBlank(truncate(f.Value, maxFieldValue)), Inline: f.Inline,
			})
		}
		embeds = append(embeds, &c)
	}
	for embedsWidth(embeds) > maxEmbedsTotal {
		over := embedsWidth(embeds) - maxEmbedsTotal
		last := embeds[len(embeds)-1]
		switch {
		case len(last.Fields) > 0:
			last.Fields = last.Fields[:len(last.Fields)-1]
		case width(last.Description) > 1:
			last.Description = truncate(last.Description, max(1, width(last.Description)-over))
		case len(embeds) > 1:
			embeds = embeds[:len(embeds)-1]
		default:
			last.Title = truncate(last.Title, max(1, width(last.Title)-over))
			if last.Footer != nil && embedsWidth(embeds) > maxEmbedsTotal {
				last.Footer = nil
			}
		}
	}
	if r.Embeds != nil {
		r.Embeds = embeds
	}
	r.Components = append([]discordgo.MessageComponent(nil), r.Components[:min(len(r.Components), maxRows)]...)
	for i, c := range r.Components {
		if row, ok := c.(discordgo.ActionsRow); ok && len(row.Components) > maxButtons {
			row.Components = row.Components[:maxButtons]
			r.Components[i] = row
		}
	}
	return r
}

// embedsWidth is what Discord counts towards a message's embed total.
func embedsWidth(embeds []*discordgo.MessageEmbed) int {
	n := 0
	for _, e := range embeds {
		n += width(e.Title) + width(e.Description)
		if e.Footer != nil {
			n += width(e.Footer.Text)
		}
		if e.Author != nil {
			n += width(e.Author.Name)
		}
		for _, f := range e.Fields {
			n += width(f.Name) + width(f.Value)
		}
	}
	return n
}

// nonBlank returns s, or a zero-width space if s is blank: Discord refuses
// blank field names and values.
func nonBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return "\u200b"
	}
	return s
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

// answerReply renders an answer from the book whose corpus fingerprint is
// fp: an embed per result (the question as the first one's title, the
// excerpt with the question's words in bold, the citation below, naming
// bookName if not "") and buttons for more results, the surrounding
// context and feedback. An answer the text does not give says so and
// points to /topics.
func answerReply(question string, ans retrieval.Answer, fp, bookName string) Reply {
	if !ans.Answered || len(ans.Results) == 0 {
		return notFoundReply(question, ans, bookName)
	}
	var r Reply
	budget := maxEmbedsTotal
	for i, res := range ans.Results {
		if i == maxEmbeds {
			break
		}
		e := &discordgo.MessageEmbed{Color: colorAnswer}
		if i == 0 {
			e.Title = title(question)
		}
		e.Footer = &discordgo.MessageEmbedFooter{Text: citeFooter(res.Citation, bookName)}
		room := min(excerptBudget, budget-width(e.Title)-width(e.Footer.Text)-50)
		if room < 200 && i > 0 {
			break // no room for another result
		}
		e.Description = renderExcerpt(res, room)
		budget -= width(e.Title) + width(e.Description) + width(e.Footer.Text)
		r.Embeds = append(r.Embeds, e)
	}
	last := ans.Results[len(r.Embeds)-1]
	first := ans.Results[0]
	var buttons []discordgo.MessageComponent
	if ans.More || len(r.Embeds) < len(ans.Results) {
		buttons = append(buttons, discordgo.Button{
			Label:    labelMore,
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

// maxReason bounds the reason a not-found answer gives.
const maxReason = 1000

func notFoundReply(question string, ans retrieval.Answer, bookName string) Reply {
	desc := "The text doesn't seem to answer this, so I won't guess."
	if ans.Reason != "" {
		desc += "\n" + fitEscaped(capitalise(ans.Reason), maxReason) + "."
	}
	desc += "\nTry other words, or `/topics` to see what the text covers."
	e := &discordgo.MessageEmbed{Title: title(question), Description: desc, Color: colorNotFound}
	if bookName != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: bookFooter + bookName}
	}
	return Reply{Embeds: []*discordgo.MessageEmbed{e}}
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
	// Rendering only adds characters, so first drop sentences while the
	// plain text is too wide: the loop below then renders short ranges,
	// however long the excerpt.
	wStart, wEnd := make([]int, len(spans)), make([]int, len(spans))
	w, prev := 0, 0
	for i, sp := range spans {
		w += width(text[prev:sp.Start])
		wStart[i] = w
		w += width(text[sp.Start:sp.End])
		wEnd[i], prev = w, sp.End
	}
	lo, hi := 0, len(spans)-1
	for wEnd[hi]-wStart[lo] > max && (hi > hit || lo < hit) {
		if hi > hit {
			hi--
		} else {
			lo++
		}
	}
	for {
		out := renderRange(text, spans[lo].Start, spans[hi].End, res.Highlights, lo > 0, hi < len(spans)-1)
		if width(out) <= max {
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
	// Start from the longest prefix whose plain text fits, less the word
	// it cuts: rendering only adds characters.
	w := 0
	for i, r := range text[s.Start:s.End] {
		if w += runeWidth(r); w > max {
			end = s.Start + i
			if r, _ := utf8.DecodeRuneInString(text[end:]); !unicode.IsSpace(r) {
				end = dropLastWord(text, s.Start, end)
			}
			break
		}
	}
	for end > s.Start {
		out := renderRange(text, s.Start, end, hl, before, true)
		if width(out) <= max {
			return out
		}
		end = dropLastWord(text, s.Start, end)
	}
	return "…"
}

// dropLastWord returns where text[start:end] ends without its last word
// and the spaces and commas before it; start if it has one word.
func dropLastWord(text string, start, end int) int {
	cut := strings.LastIndexFunc(text[start:end], unicode.IsSpace)
	if cut <= 0 {
		return start
	}
	end = start + cut
	for end > start {
		r, size := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) && !strings.ContainsRune(",;:", r) {
			break
		}
		end -= size
	}
	return end
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
	return fitEscaped(oneLine(question), maxTitle)
}

// fitEscaped returns s escaped with escapeMarkdown and, if that is wider
// than n, cut first at a word boundary with "…" so that it fits.
func fitEscaped(s string, n int) string {
	if w := width(s); w > n {
		// Escaping only adds characters: no more than n+1 of s can show,
		// and one more than fits makes truncate below add its "…".
		s = prefixWidth(s, n+1)
	}
	if e := escapeMarkdown(s); width(e) <= n {
		return e
	}
	for k := n; k > 0; {
		e := escapeMarkdown(truncate(s, k))
		over := width(e) - n
		if over <= 0 {
			return e
		}
		k -= max(1, (over+1)/2)
	}
	return "…"
}

// citeFooter renders a citation as an embed footer, naming the book if
// bookName is not "". Footers show no Markdown: nothing is escaped.
func citeFooter(c corpus.Citation, bookName string) string {
	text := citationText(c)
	if bookName != "" {
		text += " (" + bookName + ")"
	}
	return bookFooter + truncate(text, maxFooter-width(bookFooter))
}

// bookFooter starts a footer that cites the text.
const bookFooter = "📖 "

// bookTitle is an embed title for a book's name: title alone when there is
// no name, else title — name.
func bookTitle(title, bookName string) string {
	if bookName == "" {
		return title
	}
	return title + " — " + fitEscaped(bookName, maxTitle-width(title)-3)
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

// truncate cuts s to at most n wide, at a word boundary if there is one in
// its second half, with "…". n < 1 gives "".
func truncate(s string, n int) string {
	if width(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	// cut is the most runes that fit in n-1 (leaving room for "…").
	rs := []rune(s)
	cut, w := 0, 0
	for cut < len(rs) && w+runeWidth(rs[cut]) <= n-1 {
		w += runeWidth(rs[cut])
		cut++
	}
	for i := cut; i > cut/2 && i > 0; i-- {
		if unicode.IsSpace(rs[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(rs[:cut]), unicode.IsSpace) + "…"
}

// width is the length of s in UTF-16 code units: what JavaScript and
// Discord's clients count, and never less than the code points Discord's
// API counts, so text within a limit by width is within it for both.
func width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// prefixWidth returns the longest prefix of s at most n wide.
func prefixWidth(s string, n int) string {
	w := 0
	for i, r := range s {
		if w += runeWidth(r); w > n {
			return s[:i]
		}
	}
	return s
}

func runeWidth(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// topicsPerPage is how many topics one page of /topics lists.
const topicsPerPage = 15

// topicsReply renders page p (from 0) of the topic list of the book with
// fingerprint fp, named bookName if not "", with buttons to turn pages
// when they do not fit on one.
func topicsReply(topics []retrieval.Topic, p int, fp, bookName string) Reply {
	heading := bookTitle("Topics", bookName)
	if len(topics) == 0 {
		return Reply{Embeds: []*discordgo.MessageEmbed{{Title: heading, Description: "No topics found in the text.", Color: colorInfo}}}
	}
	pages := (len(topics) + topicsPerPage - 1) / topicsPerPage
	p = max(0, min(p, pages-1))
	var b strings.Builder
	for _, t := range topics[p*topicsPerPage : min(len(topics), (p+1)*topicsPerPage)] {
		fmt.Fprintf(&b, "• **%s** — %s\n", escapeMarkdown(truncate(oneLine(t.Name), 80)), plural(t.Count, "sentence"))
	}
	b.WriteString("\nUse `/topic` with a name for what the text says about one.")
	e := &discordgo.MessageEmbed{Title: heading, Description: b.String(), Color: colorInfo}
	if pages > 1 {
		e.Footer = &discordgo.MessageEmbedFooter{Text: pageFooter(p+1, pages)}
	}
	r := Reply{Embeds: []*discordgo.MessageEmbed{e}}
	r.Components = pager(p, pages, func(p int) string { return topicsID{Page: p, FP: fp}.String() })
	return r
}

// pager returns buttons to turn from page p of pages, whose custom IDs id
// makes; none for a single page.
func pager(p, pages int, id func(page int) string) []discordgo.MessageComponent {
	if pages <= 1 {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, Disabled: p == 0, CustomID: id(max(0, p-1))},
		discordgo.Button{Label: labelNext, Style: discordgo.SecondaryButton, Disabled: p == pages-1, CustomID: id(min(pages-1, p+1))},
	}}}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// contextReply shows the paragraph around a sentence.
func contextReply(text string, cit corpus.Citation, bookName string) Reply {
	return Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title:       "Context",
		Description: fitEscaped(text, excerptBudget*2),
		Footer:      &discordgo.MessageEmbedFooter{Text: citeFooter(cit, bookName)},
		Color:       colorAnswer,
	}}}
}

// Widths of a document's entry in /source.
const (
	maxDocTitle  = 200 // field name
	maxDocSource = 300
	maxDocPages  = 60
	maxDocFile   = 200
)

// sourceReply describes page p (from 0) of what the bot knows from the
// book with fingerprint fp, named bookName if not "": how many documents
// and sentences, then a field per document (title; source, pages,
// language when the documents are not all in English, sentences, file
// name), as many as fit on a page within Discord's limits,
// with buttons to turn pages when they do not all fit on one.
func sourceReply(docs []corpus.Document, sentences, p int, fp, bookName string) Reply {
	e := &discordgo.MessageEmbed{
		Title:       bookTitle("What I know", bookName),
		Description: fmt.Sprintf("%s, %s.", plural(len(docs), "document"), plural(sentences, "sentence")),
		Color:       colorInfo,
	}
	fields := make([]*discordgo.MessageEmbedField, len(docs))
	showLang := corpus.ShowLanguages(docs)
	for i, d := range docs {
		fields[i] = docField(d, showLang)
	}
	// Room for the fields: the embed total less the title, the
	// description and the longest footer "Page N of N".
	room := maxEmbedsTotal - width(e.Title) - width(e.Description) - width(pageFooter(len(docs), len(docs)))
	var pages [][]*discordgo.MessageEmbedField
	used := room
	for _, f := range fields {
		w := width(f.Name) + width(f.Value)
		if len(pages) == 0 || used+w > room || len(pages[len(pages)-1]) == maxFields {
			pages = append(pages, nil)
			used = 0
		}
		pages[len(pages)-1] = append(pages[len(pages)-1], f)
		used += w
	}
	if len(pages) == 0 {
		return Reply{Embeds: []*discordgo.MessageEmbed{e}}
	}
	p = max(0, min(p, len(pages)-1))
	e.Fields = pages[p]
	if len(pages) > 1 {
		e.Footer = &discordgo.MessageEmbedFooter{Text: pageFooter(p+1, len(pages))}
	}
	r := Reply{Embeds: []*discordgo.MessageEmbed{e}}
	r.Components = pager(p, len(pages), func(p int) string { return sourceID{Page: p, FP: fp}.String() })
	return r
}

func pageFooter(p, pages int) string { return fmt.Sprintf("Page %d of %d", p, pages) }

// docField describes one document in /source, with its language if
// showLang.
func docField(d corpus.Document, showLang bool) *discordgo.MessageEmbedField {
	name := oneLine(d.Meta.Title)
	if name == "" {
		name = oneLine(d.Name)
	}
	if name == "" {
		name = "Untitled"
	}
	var v []string
	if src := oneLine(d.Meta.Source); src != "" {
		v = append(v, fitEscaped(src, maxDocSource))
	}
	switch n := len(d.Pages); {
	case n == 1:
		v = append(v, fitEscaped("p. "+oneLine(d.Pages[0]), maxDocPages))
	case n > 1:
		v = append(v, fitEscaped("pp. "+oneLine(corpus.Pages{First: d.Pages[0], Last: d.Pages[n-1]}.String()), maxDocPages))
	}
	if showLang {
		v = append(v, lang.Name(d.Language))
	}
	file := truncate(oneLine(strings.ReplaceAll(d.Name, "`", "'")), maxDocFile)
	v = append(v, plural(d.End-d.First, "sentence"), "`"+file+"`")
	return &discordgo.MessageEmbedField{
		Name:  fitEscaped(name, maxDocTitle),
		Value: truncate(strings.Join(v, " · "), maxFieldValue),
	}
}

// helpReply explains how to use the bot at a door: the terminal has its
// own commands. books, when there are several, are the names /ask's book
// option takes.
func helpReply(door string, books []string) Reply {
	intro := "I answer questions about my text with its own words: every answer is a passage, with its title, source and page. " +
		"When the text doesn't answer, I say so.\n\n"
	var how string
	if door == DoorTerminal {
		how = "• Type a question and press Enter.\n" +
			"• `/more` — the next results, or the next page.\n" +
			"• `/topics` — what the text is about.\n" +
			"• `/topic name` — what it says about one topic.\n" +
			"• `/source` — which documents I know.\n" +
			"• `/quit` — leave."
	} else {
		how = "• Mention me with a question, or send me a direct message.\n" +
			"• `/ask question:` — the best passage (add `public:True` to show it to the channel).\n" +
			"• `/topics` — what the text is about.\n" +
			"• `/topic name:` — what it says about one topic.\n" +
			"• `/source` — which documents I know.\n\n" +
			"Under an answer: **More results**, **Show context**, and 👍/👎 to tell my operator how I did."
		if len(books) > 1 {
			how += "\n\nI know several books; each channel has its own. Add `book:` to `/ask` to ask another: " +
				fitEscaped(strings.Join(books, ", "), 1500) + "."
		}
	}
	return Reply{Ephemeral: true, Embeds: []*discordgo.MessageEmbed{{
		Title:       "How to ask",
		Description: intro + how,
		Color:       colorInfo,
	}}}
}

// errorReply is what a person sees when something fails: short and
// private; the details go to the log.
func errorReply(msg string) Reply {
	return Reply{Ephemeral: true, Content: truncate(msg, maxContent)}
}

// choices turns topics into autocomplete choices.
func choices(topics []retrieval.Topic) []Choice {
	out := []Choice{}
	seen := map[string]bool{}
	for _, t := range topics {
		name := truncate(oneLine(t.Name), maxChoiceName)
		if name == "" || seen[name] || len(out) == maxChoices {
			continue
		}
		seen[name] = true
		out = append(out, Choice{Name: name, Value: name})
	}
	return out
}

// bookName is how replies name b: by its name when there are several
// books, else not at all.
func (c *Core) bookName(b *book) string {
	if !c.s().multi {
		return ""
	}
	return b.name
}

func (c *Core) answerReply(b *book, question string, ans retrieval.Answer) Reply {
	return answerReply(question, ans, b.fp, c.bookName(b))
}

func (c *Core) topicsReply(b *book, page int) Reply {
	return topicsReply(b.a.Topics(), page, b.fp, c.bookName(b))
}

func (c *Core) sourceReply(b *book, page int) Reply {
	corp := b.a.Corpus()
	return sourceReply(corp.Documents(), corp.Len(), page, b.fp, c.bookName(b))
}

func (c *Core) contextReply(b *book, text string, cit corpus.Citation) Reply {
	return contextReply(text, cit, c.bookName(b))
}

func (c *Core) helpReply(door string) Reply {
	var names []string
	if c.s().multi {
		for _, b := range c.s().books {
			names = append(names, b.name)
		}
	}
	return helpReply(door, names)
}
