package corpus_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"lectern/corpus"
)

// build parses text as the file name with a Builder and returns the corpus,
// checking the invariants every corpus keeps.
func build(t *testing.T, name, text string) *corpus.Corpus {
	t.Helper()
	var b corpus.Builder
	if err := b.Add(name, name, []byte(text)); err != nil {
		t.Fatalf("Add(%q, %q) = %v", name, text, err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatalf("Add(%q, %q); Corpus() = %v", name, text, err)
	}
	if err := checkCorpus(c, []byte(text)); err != "" {
		t.Fatalf("Add(%q, %q): %s", name, text, err)
	}
	return c
}

// sentences returns the text of every sentence of c.
func sentences(c *corpus.Corpus) []string {
	var out []string
	for id := range c.Len() {
		out = append(out, c.Text(id))
	}
	return out
}

// paragraphs returns the text of every paragraph of c.
func paragraphs(c *corpus.Corpus) []string {
	var out []string
	for i := range c.NumParagraphs() {
		out = append(out, c.Paragraph(i).Text)
	}
	return out
}

// pages returns the pages of every sentence of c.
func pages(c *corpus.Corpus) []string {
	var out []string
	for id := range c.Len() {
		out = append(out, c.Sentence(id).Pages.String())
	}
	return out
}

func TestReflow(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{
			"line-break hyphens",
			"The speech was not published in the USSR until 1990, al-\n" +
				"though it was read to closed party meetings across the coun-\n" +
				"try and abroad, to the prisoners and internees in So-\n" +
				"viet camps and beyond them in many places of the world.\n",
			[]string{"The speech was not published in the USSR until 1990, although it was read to closed party meetings across the country and abroad, to the prisoners and internees in Soviet camps and beyond them in many places of the world."},
		},
		{
			"hyphen kept where the document hyphenates the word",
			"Censorship, especially post-war censorship, remained firmly\n" +
				"in place in the years of the thaw, and the post-\n" +
				"war boundaries of acceptable expression expanded.\n",
			[]string{"Censorship, especially post-war censorship, remained firmly in place in the years of the thaw, and the post-war boundaries of acceptable expression expanded."},
		},
		{
			"hyphen dropped where the document joins the word",
			"The cooperation of the allies was strained in those years\n" +
				"and the co-\n" +
				"operation of the parties ended when the war was over.\n",
			[]string{"The cooperation of the allies was strained in those years and the cooperation of the parties ended when the war was over."},
		},
		{
			"self-censorship",
			"Although censorship, especially self-censorship, remained\n" +
				"in place, writers practised self-\n" +
				"censorship less and less as the years went by after 1956.\n",
			[]string{"Although censorship, especially self-censorship, remained in place, writers practised self-censorship less and less as the years went by after 1956."},
		},
		{
			"de-Stalinization at a line start and at a line end",
			"Many intellectuals played an important part in fueling\n" +
				"de-Stalinization. Others resisted the process of de-\n" +
				"Stalinization at every turn and in every institution.\n",
			[]string{"Many intellectuals played an important part in fueling de-Stalinization.", "Others resisted the process of de-Stalinization at every turn and in every institution."},
		},
		{
			"a word that already has a hyphen",
			"The delegates to the Twenty-Sec-\n" +
				"ond Congress met in the Kremlin in October of 1961, and\n" +
				"the so-\n" +
				"called secret speech was read again in many meetings.\n",
			[]string{"The delegates to the Twenty-Second Congress met in the Kremlin in October of 1961, and the so-called secret speech was read again in many meetings."},
		},
		{
			"white space collapsed",
			"  The   first\tspeech  \n   sought to deflate the image.  \n",
			[]string{"The first speech sought to deflate the image."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, "f.txt", tt.in)
			if got := sentences(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Add(%q) sentences = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParagraphs(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{
			"blank lines",
			"First paragraph.\nStill the first.\n\nSecond paragraph.\n\n\n\nThird.\n",
			[]string{"First paragraph. Still the first.", "Second paragraph.", "Third."},
		},
		{
			"short last line in hard-wrapped text",
			"Second are his policies. The policies embarked\n" +
				"on by the Khrushchev leadership in many respects\n" +
				"reversed or modified those pursued by Stalin.\n" + // nearly full: not an end
				"Removing terror was important here.\n" +
				"Third is the freeing up of intellectual life, while\n" +
				"this was, strictly speaking, a change in policy.\n",
			[]string{
				"Second are his policies. The policies embarked on by the Khrushchev leadership in many respects reversed or modified those pursued by Stalin. Removing terror was important here.",
				"Third is the freeing up of intellectual life, while this was, strictly speaking, a change in policy.",
			},
		},
		{
			"short line without a full stop",
			"The first speech sought to deflate the exaggerated\n" +
				"image of Stalin and to place the responsibility\n" +
				"for the terror on\n" +
				"him alone, and the second went further than that.\n",
			[]string{"The first speech sought to deflate the exaggerated image of Stalin and to place the responsibility for the terror on him alone, and the second went further than that."},
		},
		{
			"long lines are paragraphs",
			strings.Repeat("This line is a whole paragraph written without hard wrapping, as editors save it when lines are not wrapped. ", 2) + "\n" +
				strings.Repeat("So is this one, long enough to be a paragraph of its own rather than a line that was wrapped by hand. ", 2) + "\n",
			[]string{
				strings.TrimSpace(strings.Repeat("This line is a whole paragraph written without hard wrapping, as editors save it when lines are not wrapped. ", 2)),
				strings.TrimSpace(strings.Repeat("So is this one, long enough to be a paragraph of its own rather than a line that was wrapped by hand. ", 2)),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, "f.txt", tt.in)
			if got := paragraphs(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Add(%q) paragraphs = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// twoPages is a sentence broken across a page break, with the page
// furniture between its halves.
func twoPages(furniture1, furniture2 string) string {
	return "The first speech sought to deflate the exaggerated\n" +
		"image of Stalin and to place the responsibility\n" +
		furniture1 +
		"for the terror and repressions upon him alone, al-\n" +
		"though the second went further. It attacked him.\n" +
		furniture2
}

var twoPageSentences = []string{
	"The first speech sought to deflate the exaggerated image of Stalin and to place the responsibility for the terror and repressions upon him alone, although the second went further.",
	"It attacked him.",
}

func TestPageFurniture(t *testing.T) {
	tests := []struct {
		name, in string
		pages    []string // of the sentences
		title    string
		source   string
	}{
		{
			"footer number",
			twoPages("388\n", "389\n"),
			[]string{"388–389", "389"}, "f", "",
		},
		{
			"header number",
			"388\n" + twoPages("389\n", ""),
			[]string{"388–389", "389"}, "f", "",
		},
		{
			"dashes",
			twoPages("\n- 12 -\n\n", "\n- 13 -\n"),
			[]string{"12–13", "13"}, "f", "",
		},
		{
			"Page 12",
			twoPages("Page 12\n", "Page 13\n"),
			[]string{"12–13", "13"}, "f", "",
		},
		{
			"Page 12 of 90",
			twoPages("Page 12 of 90\n", "Page 13 of 90\n"),
			[]string{"12–13", "13"}, "f", "",
		},
		{
			"roman numerals",
			twoPages("xii\n", "xiii\n"),
			[]string{"xii–xiii", "xiii"}, "f", "",
		},
		{
			"running head with the number on one line",
			"CHAPTER TITLE 45\n" + twoPages("CHAPTER TITLE 46\n", ""),
			[]string{"45–46", "46"}, "Chapter Title", "",
		},
		{
			"number then book title",
			twoPages("388 | ENCYCLOPEDIA OF RUSSIAN HISTORY\n", "389 | ENCYCLOPEDIA OF RUSSIAN HISTORY\n"),
			[]string{"388–389", "389"}, "f", "Encyclopedia of Russian History",
		},
		{
			"the seed's footer",
			twoPages("DE-STALINIZATION\n388\nENCYCLOPEDIA OF RUSSIAN HISTORY\n",
				"DE-STALINIZATION\n389\nENCYCLOPEDIA OF RUSSIAN HISTORY\n"),
			[]string{"388–389", "389"}, "De-Stalinization", "Encyclopedia of Russian History",
		},
		{
			"form feed",
			twoPages("\f", ""),
			[]string{"1–2", "2"}, "f", "",
		},
		{
			"form feed after a newline, as pdftotext writes",
			twoPages("\n\f", "\n\f"),
			[]string{"1–2", "2"}, "f", "",
		},
		{
			"form feed and footer",
			twoPages("\n\n- 12 -\n\n\f", "\n\n- 13 -\n\n\f"),
			[]string{"12–13", "13"}, "f", "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, "f.txt", tt.in)
			if got := sentences(c); !reflect.DeepEqual(got, twoPageSentences) {
				t.Errorf("Add(%q) sentences = %q; want %q", tt.in, got, twoPageSentences)
			}
			if got := pages(c); !reflect.DeepEqual(got, tt.pages) {
				t.Errorf("Add(%q) sentence pages = %q; want %q", tt.in, got, tt.pages)
			}
			meta := c.Documents()[0].Meta
			if meta.Title != tt.title || meta.Source != tt.source {
				t.Errorf("Add(%q) title, source = %q, %q; want %q, %q", tt.in, meta.Title, meta.Source, tt.title, tt.source)
			}
		})
	}
}

func TestPageNumbers(t *testing.T) {
	page := func(s string) string {
		return s + " starts here and runs on and on over the line\nand ends the page here with a full stop at last.\n"
	}
	tests := []struct {
		name, in string
		want     []string // each sentence's pages
		docPages []string
	}{
		{
			"inferred between two numbers",
			page("One") + "388\n\f" + page("Two") + "\f" + page("Three") + "390\n",
			[]string{"388", "389", "390"}, []string{"388", "389", "390"},
		},
		{
			"inferred after the last number",
			page("One") + "388\n\f" + page("Two") + "\f" + page("Three"),
			[]string{"388", "389", "390"}, []string{"388", "389", "390"},
		},
		{
			"inferred before the first number",
			page("One") + "\f" + page("Two") + "389\n",
			[]string{"388", "389"}, []string{"388", "389"},
		},
		{
			"counted from the front matter",
			"---\npage: 41\n---\n" + page("One") + "\f" + page("Two"),
			[]string{"41", "42"}, []string{"41", "42"},
		},
		{
			"counted from 1 at form feeds",
			page("One") + "\f" + page("Two"),
			[]string{"1", "2"}, []string{"1", "2"},
		},
		{
			"no pages",
			page("One") + "\n" + page("Two"),
			[]string{"", ""}, nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, "f.txt", tt.in)
			var got []string
			for id := range c.Len() {
				got = append(got, c.Citation(id).Page)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Add(%q) citation pages = %q; want %q", tt.in, got, tt.want)
			}
			if got := c.Documents()[0].Pages; !reflect.DeepEqual(got, tt.docPages) {
				t.Errorf("Add(%q) Document.Pages = %q; want %q", tt.in, got, tt.docPages)
			}
		})
	}
}

func TestLoneNumber(t *testing.T) {
	const in = "The congress met in the spring of the year\n1956\nand the speech was delivered in closed session.\n"
	c := build(t, "f.txt", in)
	want := []string{"The congress met in the spring of the year 1956 and the speech was delivered in closed session."}
	if got := sentences(c); !reflect.DeepEqual(got, want) {
		t.Errorf("Add(%q) sentences = %q; want %q", in, got, want)
	}
	if got := c.Documents()[0].Pages; got != nil {
		t.Errorf("Add(%q) Document.Pages = %q; want none", in, got)
	}
}

func TestPagesString(t *testing.T) {
	tests := []struct {
		in   corpus.Pages
		want string
	}{
		{corpus.Pages{}, ""},
		{corpus.Pages{"388", "388"}, "388"},
		{corpus.Pages{"388", ""}, "388"},
		{corpus.Pages{"", "389"}, "389"},
		{corpus.Pages{"388", "389"}, "388–389"},
		{corpus.Pages{"xii", "xiii"}, "xii–xiii"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCitationString(t *testing.T) {
	tests := []struct {
		in   corpus.Citation
		want string
	}{
		{corpus.Citation{Title: "De-Stalinization", Source: "Encyclopedia of Russian History", Page: "388"},
			"De-Stalinization — Encyclopedia of Russian History, p. 388"},
		{corpus.Citation{Title: "De-Stalinization", Page: "388–389"}, "De-Stalinization, pp. 388–389"},
		{corpus.Citation{Title: "Guide", Section: "Setup"}, "Guide › Setup"},
		{corpus.Citation{Title: "Guide", Section: "Guide"}, "Guide"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCitationSpan(t *testing.T) {
	c := build(t, "f.txt", twoPages("388\n", "389\n"))
	if got, want := c.CitationSpan(0, 1).Page, "388–389"; got != want {
		t.Errorf("CitationSpan(0, 1).Page = %q; want %q", got, want)
	}
	if got, want := c.CitationSpan(1, 1).Page, "389"; got != want {
		t.Errorf("CitationSpan(1, 1).Page = %q; want %q", got, want)
	}
}

const guide = `# The Guide

Intro with **bold**, *emphasis*, ` + "`code`" + `, a [link](https://example.org) and
![a picture](img.png) on a second line. Ends <b>here</b>.

## Setup

- First item
- Second item, with _emphasis_.

1. Numbered one
2) Numbered two

Other Heading
-------------

| Name | Value |
|------|-------|
| a    | 1     |

` + "```go" + `
func main() {
	fmt.Println("hi")
}
` + "```" + `

> A quoted line that
> goes on.

Last Words
==========

snake_case stays, 2 * 3 stays. Escaped \*stars\*.
<!-- a comment -->
`

func TestMarkdown(t *testing.T) {
	c := build(t, "guide.md", guide)
	d := c.Documents()[0]
	if d.Meta.Title != "The Guide" {
		t.Errorf("Title = %q; want %q", d.Meta.Title, "The Guide")
	}
	if want := []string{"The Guide", "Setup", "Other Heading", "Last Words"}; !reflect.DeepEqual(d.Sections, want) {
		t.Errorf("Sections = %q; want %q", d.Sections, want)
	}
	want := []struct{ section, text string }{
		{"The Guide", "Intro with bold, emphasis, code, a link and a picture on a second line."},
		{"The Guide", "Ends here."},
		{"Setup", "First item"},
		{"Setup", "Second item, with emphasis."},
		{"Setup", "Numbered one"},
		{"Setup", "Numbered two"},
		{"Other Heading", "Name; Value"},
		{"Other Heading", "a; 1"},
		{"Other Heading", "func main() {"},
		{"Other Heading", `fmt.Println("hi")`},
		{"Other Heading", "}"},
		{"Other Heading", "A quoted line that goes on."},
		{"Last Words", "snake_case stays, 2 * 3 stays."},
		{"Last Words", "Escaped *stars*."},
	}
	var got []struct{ section, text string }
	for id := range c.Len() {
		s := c.Sentence(id)
		got = append(got, struct{ section, text string }{s.Section, s.Text})
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Add(guide.md) sentences =\n%q\nwant\n%q", got, want)
	}
	// Each list item and table row is a paragraph; code keeps its lines.
	paras := paragraphs(c)
	if wantCode := "func main() {\n\tfmt.Println(\"hi\")\n}"; !slices.Contains(paras, wantCode) {
		t.Errorf("Add(guide.md) paragraphs = %q; want one to be %q", paras, wantCode)
	}
	if !slices.Contains(paras, "First item") || !slices.Contains(paras, "a; 1") {
		t.Errorf("Add(guide.md) paragraphs = %q; want list items and table rows on their own", paras)
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name, file, in string
		want           string
	}{
		{"file name", "notes/the-thaw.txt", "Some text.\n", "the-thaw"},
		{"file name of Markdown", "notes/guide.md", "Some text.\n", "guide"},
		{"ATX H1 on the first line", "g.md", "# Real Title #\n\nText.\n", "Real Title"},
		{"setext H1 on the first line", "g.md", "Real Title\n==========\n\nText.\n", "Real Title"},
		{"H1 with markup", "g.md", "# The *Real* `Title`\n\nText.\n", "The Real Title"},
		{"H1 after text is a section", "g.md", "Text.\n\n# Not Title\n\nMore.\n", "g"},
		{"setext H1 after text is a section", "g.md", "Text.\n\nNot Title\n=========\n\nMore.\n", "g"},
		{"H2 is no title", "g.md", "## Not Title\n\nText.\n", "g"},
		{"# in plain text", "g.txt", "# Not Title\n\nText.\n", "g"},
		{"front matter over H1", "g.md", "---\ntitle: Front\n---\n# Heading\n\nText.\n", "Front"},
		{"H1 over running head", "g.md", "# Heading\n\nText.\n\f\nTHE RUNNING HEAD 12\n\nMore text.\n", "Heading"},
		{"running head", "g.txt", "THE RUNNING HEAD 12\nText on the page.\n", "The Running Head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, tt.file, tt.in)
			if got := c.Documents()[0].Meta.Title; got != tt.want {
				t.Errorf("Add(%q, %q) title = %q; want %q", tt.file, tt.in, got, tt.want)
			}
		})
	}
}

func TestFrontMatter(t *testing.T) {
	const in = "---\n" +
		"title: The Thaw\n" +
		"source: A History of the Soviet Union\n" +
		"author: \"Someone, A.\"\n" +
		"url: https://example.org/thaw\n" +
		"page: 17\n" +
		"colour: blue\n" +
		"Tags: [a, b]\n" +
		"---\n" +
		"# Heading\n\nThe text. More text.\n"
	var b corpus.Builder
	if err := b.Add("thaw.md", "dir/thaw.md", []byte(in)); err != nil {
		t.Fatalf("Add(%q) = %v", in, err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatalf("Corpus() = %v", err)
	}
	want := corpus.Meta{
		Title:  "The Thaw",
		Source: "A History of the Soviet Union",
		Author: "Someone, A.",
		URL:    "https://example.org/thaw",
		Page:   "17",
	}
	d := c.Documents()[0]
	if d.Meta != want {
		t.Errorf("Add(%q) Meta = %+v; want %+v", in, d.Meta, want)
	}
	if got := sentences(c); !reflect.DeepEqual(got, []string{"The text.", "More text."}) {
		t.Errorf("Add(%q) sentences = %q; want the body's only", in, got)
	}
	if got := c.Citation(0).String(); got != "The Thaw › Heading — A History of the Soviet Union, p. 17" {
		t.Errorf("Citation(0).String() = %q", got)
	}
	if s := c.Sentence(0); in[s.Source.Start:s.Source.End] != "The text." {
		t.Errorf("Sentence(0).Source = %v, %q in the file; want the span of %q", s.Source, in[s.Source.Start:s.Source.End], "The text.")
	}
	warnings := c.Warnings()
	if len(warnings) != 2 ||
		!strings.Contains(warnings[0], "dir/thaw.md") || !strings.Contains(warnings[0], `"Tags"`) ||
		!strings.Contains(warnings[1], "dir/thaw.md") || !strings.Contains(warnings[1], `"colour"`) {
		t.Errorf("Warnings() = %q; want one per unknown key, in order, naming the file and the key", warnings)
	}
}

func TestFrontMatterErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // in the error
	}{
		{"bad YAML", "---\ntitle: [unclosed\n---\nText.\n", "front matter"},
		{"not a mapping", "---\n- a\n- b\n---\nText.\n", "front matter"},
		{"not closed", "---\ntitle: x\nText.\n", `no closing "---"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b corpus.Builder
			err := b.Add("f.md", "dir/f.md", []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), "dir/f.md") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Add(%q) = %v; want an error naming dir/f.md and saying %q", tt.in, err, tt.want)
			}
			if _, err := b.Corpus(); err == nil {
				t.Errorf("Add(%q); Corpus() succeeded; want the bad file left out", tt.in)
			}
		})
	}
}

func TestFrontMatterEndsWithDots(t *testing.T) {
	c := build(t, "f.txt", "---\r\ntitle: Dots\r\n...\r\nText.\r\n")
	if got := c.Documents()[0].Meta.Title; got != "Dots" {
		t.Errorf("title = %q; want %q", got, "Dots")
	}
	if got := sentences(c); !reflect.DeepEqual(got, []string{"Text."}) {
		t.Errorf("sentences = %q; want %q", got, []string{"Text."})
	}
}

// TestLineEndings checks that CRLF, CR and a byte order mark change nothing
// but the source offsets.
func TestLineEndings(t *testing.T) {
	const (
		lf   = "# Heading\n\nThe former speech was not published, al-\nthough it was read.\n\nA second paragraph.\n"
		meta = "---\ntitle: Endings\n---\n"
	)
	tests := []struct {
		name, in, lf string
	}{
		{"CRLF", strings.ReplaceAll(meta+lf, "\n", "\r\n"), meta + lf},
		{"CR", strings.ReplaceAll(lf, "\n", "\r"), lf},
		{"BOM", "\uFEFF" + meta + lf, meta + lf},
		{"BOM and CRLF", "\uFEFF" + strings.ReplaceAll(meta+lf, "\n", "\r\n"), meta + lf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, want := build(t, "f.md", tt.in), build(t, "f.md", tt.lf)
			if got, want := sentences(c), sentences(want); !reflect.DeepEqual(got, want) {
				t.Errorf("Add(%q) sentences = %q; want %q", tt.in, got, want)
			}
			if got, want := paragraphs(c), paragraphs(want); !reflect.DeepEqual(got, want) {
				t.Errorf("Add(%q) paragraphs = %q; want %q", tt.in, got, want)
			}
			if got, want := c.Documents()[0].Meta, want.Documents()[0].Meta; got != want {
				t.Errorf("Add(%q) Meta = %+v; want %+v", tt.in, got, want)
			}
			for id := range c.Len() {
				s := c.Sentence(id)
				if src := tt.in[s.Source.Start:s.Source.End]; squeeze(src) != squeeze(s.Text) {
					t.Errorf("Add(%q): Sentence(%d).Source = %v, %q in the file; want the source of %q", tt.in, id, s.Source, src, s.Text)
				}
			}
		})
	}
}

// TestSource checks sentences' byte ranges in the file they come from.
func TestSource(t *testing.T) {
	tests := []struct {
		name, file, in string
		want           []string // in[Source.Start:Source.End] for each sentence
	}{
		{"hyphen and line break", "f.txt", "The former speech, al-\nthough secret, was read.\n",
			[]string{"The former speech, al-\nthough secret, was read."}},
		{"list items", "f.txt", "Two changes:\n- The end of terror.\n  * The camps opened.\n12. Stalin was moved.\n",
			[]string{"Two changes:", "The end of terror.", "The camps opened.", "Stalin was moved."}},
		{"Markdown list items", "f.md", "- The end of **terror**.\n1) The camps opened.\n",
			[]string{"The end of **terror**.", "The camps opened."}},
		{"inline markup", "f.md", "*Stalin* died. [Khrushchev](https://x.org) spoke.",
			[]string{"Stalin* died.", "Khrushchev](https://x.org) spoke."}},
		{"quote", "f.md", "> The first speech\n> was secret.\n",
			[]string{"The first speech\n> was secret."}},
		{"code", "f.md", "```\n  x := 1\n\n  y := 2\n```\n",
			[]string{"x := 1", "y := 2"}},
		{"across furniture", "f.txt", twoPages("388\n", "389\n"), []string{
			twoPages("388\n", "")[:strings.Index(twoPages("388\n", ""), "further.")+len("further.")],
			"It attacked him.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := build(t, tt.file, tt.in)
			var got []string
			for id := range c.Len() {
				s := c.Sentence(id).Source
				got = append(got, tt.in[s.Start:s.End])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Add(%q) sources = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNumberRangeAcrossLines(t *testing.T) {
	var b corpus.Builder
	text := "Khrushchev led the party in the years 1953-\n1964 and then retired quietly to his dacha.\n"
	if err := b.Add("range.txt", "range.txt", []byte(text)); err != nil {
		t.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Text(0); !strings.Contains(got, "1953-1964 and") {
		t.Errorf("sentence = %q; want the range rejoined as 1953-1964", got)
	}
}
