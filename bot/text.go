package bot

import (
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Text renders r as plain text, for a terminal: the content, then each
// embed's title, text, fields and footer (the citation), embeds apart by a
// blank line. Markdown escapes, bold and code marks are removed, so that
// the terminal shows what Discord shows; buttons are left out.
func (r Reply) Text() string {
	var parts []string
	if r.Content != "" {
		parts = append(parts, plainText(r.Content))
	}
	for _, e := range r.Embeds {
		if e == nil {
			continue
		}
		var lines []string
		if e.Author != nil && e.Author.Name != "" {
			lines = append(lines, e.Author.Name)
		}
		if e.Title != "" {
			lines = append(lines, plainText(e.Title))
		}
		if e.Description != "" {
			lines = append(lines, plainText(e.Description))
		}
		for _, f := range e.Fields {
			if f == nil {
				continue
			}
			lines = append(lines, "• "+plainText(f.Name), "  "+plainText(f.Value))
		}
		if e.Footer != nil && e.Footer.Text != "" {
			lines = append(lines, e.Footer.Text) // footers show no Markdown
		}
		if len(lines) > 0 {
			parts = append(parts, strings.Join(lines, "\n"))
		}
	}
	return strings.Join(parts, "\n\n")
}

// plainText returns Markdown as the text it shows: escapes undone, bold
// and code marks dropped, and the zero-width spaces that break @everyone
// removed.
func plainText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case strings.HasPrefix(s[i:], "**"):
			i++
		case s[i] == '`':
		case strings.HasPrefix(s[i:], "\u200b"):
			i += len("\u200b") - 1
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// Next returns the custom_id of the button that continues r (More
// results on an answer, Next ▶ on a page of a list), for a door without
// buttons to press it; "" if r has none or it is disabled (the last page).
func (r Reply) Next() string {
	for _, row := range r.Components {
		ar, ok := row.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range ar.Components {
			if b, ok := c.(discordgo.Button); ok && !b.Disabled && (b.Label == labelMore || b.Label == labelNext) {
				return b.CustomID
			}
		}
	}
	return ""
}
