package corpus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	gobuild "go/build"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"lectern/corpus"
)

// bookView writes what a reader of c sees of each document: its metadata,
// then its sentences under their citations (a line in brackets each time
// the citation changes); then the corpus's warnings.
func bookView(c *corpus.Corpus) []byte {
	var b bytes.Buffer
	for _, d := range c.Documents() {
		fmt.Fprintf(&b, "document %q\ntitle %q\nsource %q\nauthor %q\nlanguage %q\npages %q\nsections %q\n",
			d.Name, d.Meta.Title, d.Meta.Source, d.Meta.Author, d.Meta.Language, d.Pages, d.Sections)
		last := ""
		for id := d.First; id < d.End; id++ {
			if cit := c.Citation(id).String(); cit != last {
				fmt.Fprintf(&b, "\n[%s]\n", cit)
				last = cit
			}
			fmt.Fprintf(&b, "\t%s\n", c.Text(id))
		}
	}
	for _, w := range c.Warnings() {
		fmt.Fprintf(&b, "\nwarning: %s\n", w)
	}
	return b.Bytes()
}

// TestBookGolden loads each test book and page and compares its sentences and
// citations with testdata/*/NAME.golden.
func TestBookGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/epub/*.epub")
	html, _ := filepath.Glob("testdata/html/*.html")
	files = append(files, html...)
	if len(files) < 4 {
		t.Fatalf("found %q; want the test books and pages (go test -run GeneratedTestdata -update)", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := corpus.LoadContext(ctx, f, corpus.LoadOptions{})
			if err != nil {
				t.Fatalf("LoadContext(%q) = %v", f, err)
			}
			compareGolden(t, strings.TrimSuffix(f, filepath.Ext(f))+".golden", bookView(c))
		})
	}
}

// readHTMLPage reads an HTML page given as a string and returns its Markdown.
func readHTMLPage(t *testing.T, name, page string) (*corpus.Paged, string) {
	t.Helper()
	d, err := corpus.ReadHTML(context.Background(), name, name, []byte(page))
	if err != nil {
		return nil, "error: " + err.Error()
	}
	var b strings.Builder
	for _, p := range d.Pages {
		b.WriteString(p.Text)
	}
	return d, b.String()
}

func TestReadHTML(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"headings and paragraphs",
			"<h1>Title</h1><p>One.</p><h2>Part</h2><p>Two<br>lines.</p><h3>  Deep   <em>er</em> </h3>",
			"# Title\n\nOne.\n\n## Part\n\nTwo\nlines.\n\n### Deep er\n"},
		{"Markdown in the text stays text",
			"<p>*not emphasis* and _this_ [not a link](x) `tick` <b>2 < 3</b> ~x~ \\d</p><p># not a heading</p><p>- not a list</p><p>1. not numbered</p><p>&gt; not a quote</p><p>| not a row |</p><h2>C#</h2>",
			"\\*not emphasis\\* and \\_this\\_ \\[not a link](x) \\`tick\\` 2 \\< 3 \\~x\\~ \\\\d\n\n\\# not a heading\n\n\\- not a list\n\n1\\. not numbered\n\n\\> not a quote\n\n\\| not a row |\n\n## C# #\n"},
		{"a number alone is not a page number",
			"<p>Text before.</p><p>1984</p><p>Stalin 1953</p>",
			"Text before.\n\n*1984*\n\n*Stalin 1953*\n"},
		{"scripts, styles and hidden things",
			"<script>var a = '<p>x</p>';</script><style>p{}</style><noscript>Enable it.</noscript><template><p>T</p></template><p hidden>Hidden.</p><p aria-hidden=true>Also.</p><p style='display: none'>None.</p><p>Shown.</p><svg><text>Drawn</text></svg>",
			"Shown.\n"},
		{"site navigation",
			"<header><h1>Site</h1></header><nav><p>Menu words here.</p></nav><div role=navigation>More menu.</div><main><article><header><h1>Article</h1></header><p>Body text.</p><footer>Tags: a, b.</footer></article></main><footer>Copyright.</footer>",
			"# Article\n\nBody text.\n"},
		{"Sphinx",
			"<div class=related><a href=a>next</a> | <a href=b>previous</a></div><h1>API<a class=headerlink href=#api>¶</a></h1><dl><dt>f(x)<a class=headerlink href=#f>¶</a></dt><dd>Returns x.</dd></dl><div class=sphinxsidebar><p>Quick search here.</p></div>",
			"# API\n\nf(x)\n\nReturns x.\n"},
		{"link-heavy blocks",
			"<ul><li><a href=#a>1.1 Start</a></li><li><a href=#b>1.2 Next steps</a></li></ul><p><a href=p>Prev</a> | <a href=n>Next</a> | <a href=h>Home</a></p><p>« Previous: <a href=i>Installing</a> | Next: <a href=u>Usage</a> »</p><p>See <a href=i>Installing</a> first, then read on.</p>",
			"See Installing first, then read on.\n"},
		{"lists partly of links",
			"<ul><li><a href=#c>called</a> with ordinary arguments,</li><li><a href=#r>returned as a result</a>.</li></ul><p>Reference: <a href=m>the ARM64 manual</a></p>",
			"called with ordinary arguments,\n\nreturned as a result.\n\nReference: the ARM64 manual\n"},
		{"footnote references",
			"<p>They talked.<a href=#n1>1</a> Then<sup><a href=#n2>2</a></sup> more<a href=#n3><sup>[3]</sup></a>, see <a href=#s4>4</a> and <a epub:type=noteref href=#n5>note</a> too<sup>*</sup>; x<sup>2</sup>.</p>",
			"They talked. Then more, see 4 and too; x2.\n"},
		{"tables",
			"<table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td><p>long</p><p>cell</p></td></tr></table>",
			"Key; Value\n\na\n\nlong\n\ncell\n"},
		{"code",
			"<pre>\n  indented\n\n# hash\n```\n</pre><pre><code>x := 1</code></pre>",
			"~~~\n  indented\n\n# hash\n```\n~~~\n\n```\nx := 1\n```\n"},
		{"unclosed elements",
			"<p>One<p>Two<li>Three<div>Four</span></div>Five</p></p></p>",
			"One\n\nTwo\n\nThree\n\nFour\n\nFive\n"},
		{"self-closing script in XHTML",
			"<html><head><script src='x.js'/></head><body><p>Text after.</p></body></html>",
			"Text after.\n"},
		{"white space and entities",
			"<p>  a&nbsp;b &amp;&#32;c\u00ad\ufeff d\t\n e &lt;tag&gt; </p>",
			"a b & c d e \\<tag>\n"},
		{"nothing to read", "<html><head><title>T</title><script>x</script></head><body><nav>N</nav></body></html>",
			"error: f.html: no usable text: every line is page furniture, markup or blank: the page holds nothing but navigation, scripts and markup"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
			"error: f.html: this looks like a binary file, not text; lectern reads UTF-8 text and Markdown, and PDF, EPUB and HTML files by their extension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := readHTMLPage(t, "f.html", tt.page); got != tt.want {
				t.Errorf("ReadHTML(%q) =\n%s\nwant\n%s", tt.page, got, tt.want)
			}
		})
	}
}

func TestReadHTMLMeta(t *testing.T) {
	tests := []struct {
		page        string
		title, lang string
	}{
		{"<html lang=fr><title> Le  titre </title><h1>Autre</h1><p>x</p>", "Le titre", "fr"},
		{"<html xml:lang=de><h1>Erste <a class=headerlink href=#x>¶</a></h1><h1>Zweite</h1><p>x</p>", "Erste", "de"},
		{"<p>x</p><h2>Not a title</h2>", "", ""},
		{"<svg><title>Drawing</title></svg><p>x</p>", "", ""},
	}
	for _, tt := range tests {
		d, got := readHTMLPage(t, "f.html", tt.page)
		if d == nil {
			t.Errorf("ReadHTML(%q): %s", tt.page, got)
			continue
		}
		if d.Meta.Title != tt.title || d.Meta.Language != tt.lang || !d.Markdown || len(d.Pages) != 1 || d.Pages[0].Label != "" {
			t.Errorf("ReadHTML(%q) = title %q, language %q, %d pages, Markdown %v; want title %q, language %q, one page without a label, Markdown",
				tt.page, d.Meta.Title, d.Meta.Language, len(d.Pages), d.Markdown, tt.title, tt.lang)
		}
	}
}

func TestReadHTMLCharset(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"meta charset", "<meta charset=iso-8859-1><p>caf\xe9</p>", "café\n"},
		{"meta http-equiv", "<meta http-equiv=Content-Type content='text/html; charset=windows-1251'><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>", "Привет\n"},
		{"XML declaration", "<?xml version='1.0' encoding='ISO-8859-15'?><p>\xa4uro</p>", "€uro\n"},
		{"UTF-8 whatever the page says", "<meta charset=iso-8859-1><p>café</p>", "café\n"},
		{"UTF-8 byte-order mark", "\xef\xbb\xbf<p>café</p>", "café\n"},
		{"UTF-16 byte-order mark", "\xff\xfe<\x00p\x00>\x00c\x00a\x00f\x00\xe9\x00", "café\n"},
		{"undeclared Latin-1", "<p>caf\xe9 cr\xe8me</p>", "café crème\n"},
		{"declared UTF-8, not quite", "<meta charset=utf-8><p>caf\xe9 ok</p>", "caf\ufffd ok\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := readHTMLPage(t, "f.html", tt.page); got != tt.want {
				t.Errorf("ReadHTML(%q) = %q; want %q", tt.page, got, tt.want)
			}
		})
	}
}

// TestReadGoSpec reads the Go specification that comes with Go, a long
// page of prose, code and links: every heading is a section, and no
// paragraph is taken for navigation.
func TestReadGoSpec(t *testing.T) {
	file := filepath.Join(gobuild.Default.GOROOT, "doc", "go_spec.html")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("no Go specification to read: %v", err)
	}
	d, err := corpus.ReadHTML(context.Background(), "go_spec.html", file, data)
	if err != nil {
		t.Fatal(err)
	}
	headings := regexp.MustCompile(`<h[1-6][ >]`).FindAll(data, -1)
	var b strings.Builder
	for _, line := range strings.Split(d.Pages[0].Text, "\n") {
		if strings.HasPrefix(line, "#") {
			b.WriteString(line + "\n")
		}
	}
	if n := strings.Count(b.String(), "\n"); n != len(headings) {
		t.Errorf("ReadHTML(%s) made %d headings; want the %d of the page", file, n, len(headings))
	}
	paragraphs := regexp.MustCompile(`<(p|li)>`).FindAll(data, -1)
	if blocks := strings.Count(d.Pages[0].Text, "\n\n"); blocks < len(paragraphs) {
		t.Errorf("ReadHTML(%s) made %d blocks; want at least the %d paragraphs and list items of the page", file, blocks, len(paragraphs))
	}
}

// bookWithin runs f and fails the test if it takes longer than d: a reader
// must never hang.
func bookWithin(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s: still running after %v", what, d)
	}
}

// checkBookError fails unless err is nil or a *FileError naming path.
func checkBookError(t *testing.T, what, path string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var fe *corpus.FileError
	if !errors.As(err, &fe) || fe.Path != path || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("%s: error %v (%T); want a *FileError naming %s", what, err, err, path)
	}
}

func TestReadHTMLDamaged(t *testing.T) {
	tests := []struct {
		name  string
		page  string
		works bool // loads, with this text in it
		text  string
	}{
		{"deep nesting", strings.Repeat("<div>", 100_000) + "Deep text." + strings.Repeat("</div>", 100_000), true, "Deep text."},
		{"deep unclosed", strings.Repeat("<span><p>", 100_000) + "Deep text.", true, "Deep text."},
		{"huge attribute", "<p title=\"" + strings.Repeat("a", 8<<20) + "\">Text after.</p>", true, "Text after."},
		{"unclosed attribute", "<p title=\"" + strings.Repeat("a", 1<<20), false, ""},
		{"many attributes", "<p " + strings.Repeat("a=1 ", 200_000) + ">Text after.</p>", true, "Text after."},
		{"stray end tags", strings.Repeat("</div></span></p>", 100_000) + "<p>Text.</p>", true, "Text."},
		{"invalid UTF-8", "<p>ok \xff\xfe\xfd text.</p>", true, "ok ÿþý text."},
		{"binary", "\x00\x01\x02\x03" + strings.Repeat("\x00", 1000), false, ""},
		{"empty", "", false, ""},
		{"unclosed comment", "<p>Gone.</p><!-- " + strings.Repeat("x ", 1000), true, "Gone."},
		{"unclosed script", "<p>Before.</p><script>" + strings.Repeat("x ", 1000), true, "Before."},
		{"plaintext", "<p>Before.</p><plaintext><p>Raw text.", true, "<p>Raw text."},
		{"many links", strings.Repeat("<a href=x>link</a> ", 100_000), false, ""},
		{"nested links", strings.Repeat("<a href=x>a", 100_000) + " sentence.", false, ""},
		{"nested links in prose", strings.Repeat("<a href=x>a", 1000) + "</a>" + strings.Repeat(" word", 1000), true, "aaa"},
		{"long line", "<p>" + strings.Repeat("word ", 512<<10) + "</p>", true, "word word"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bookWithin(t, 20*time.Second, tt.name, func() {
				var d *corpus.Paged
				var err error
				n := bookPeakHeap(func() {
					d, err = corpus.ReadHTML(context.Background(), "bad.html", "dir/bad.html", []byte(tt.page))
				})
				if limit := uint64(10*len(tt.page) + 64<<20); n > limit {
					t.Errorf("ReadHTML took %d MiB of heap for a page of %d bytes; want at most %d MiB", n>>20, len(tt.page), limit>>20)
				}
				checkBookError(t, tt.name, "dir/bad.html", err)
				if tt.works != (err == nil) {
					t.Fatalf("ReadHTML = %v; want it to load: %v", err, tt.works)
				}
				if err != nil {
					return
				}
				if !strings.Contains(d.Pages[0].Text, tt.text) {
					t.Errorf("ReadHTML text = %.200q...; want it to hold %q", d.Pages[0].Text, tt.text)
				}
				var b corpus.Builder
				if err := b.AddPages(*d); err != nil {
					checkBookError(t, "AddPages", "dir/bad.html", err)
				}
			})
		})
	}
}

// bigHTMLPage returns an HTML page of about n bytes: sections of paragraphs
// with links, code and tables, as a long manual has.
func bigHTMLPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html><html lang=en><head><title>Big</title></head><body><nav><a href=/>Home</a></nav>\n")
	for i := 0; b.Len() < n; i++ {
		if i%20 == 0 {
			fmt.Fprintf(&b, "<h2 id=s%d>Section %d<a class=headerlink href=#s%d>¶</a></h2>\n", i, i, i)
		}
		fmt.Fprintf(&b, "<p>Paragraph %d says what a <a href=#t%d>type</a> is and how <code>x%d</code> is used, "+
			"with <em>emphasis</em> and a footnote.<sup><a href=#f%d>%d</a></sup> It goes on for a second sentence.</p>\n", i, i, i, i, i%9+1)
		if i%10 == 0 {
			fmt.Fprintf(&b, "<pre>func f%d() {\n\treturn\n}</pre>\n<table><tr><td>a</td><td>%d</td></tr></table>\n", i, i)
		}
	}
	b.WriteString("</body></html>\n")
	return b.Bytes()
}

// TestReadHTMLCancel cancels the reading of a big page well into it: the
// reader must stop at its next look at the context, with ctx's error.
func TestReadHTMLCancel(t *testing.T) {
	page := bigHTMLPage(20 << 20)
	ctx, check := cancelAtLook(t, 16)
	_, err := corpus.ReadHTML(ctx, "big.html", "big.html", page)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ReadHTML(cancelled) = %v; want context.Canceled", err)
	}
	check(1)
}

func BenchmarkReadHTML(b *testing.B) {
	page := bigHTMLPage(5 << 20)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := corpus.ReadHTML(context.Background(), "big.html", "big.html", page); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzReadHTML(f *testing.F) {
	for _, name := range []string{"testdata/html/manual.html", "testdata/html/latin1.html"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"<h1>T</h1><p>a<br>b</p><pre>c\n d</pre><table><tr><td>e<td>f</table>",
		"<p>x<a href=#n>1</a> y<sup><a href=#m>*</a></sup></p><ul><li><a href=a>b</a></ul>",
		"<nav><p>n</nav><header><h1>h</h1></header><article><header><h2>i</h2></header><p>j</p></article>",
		"<span epub:type=pagebreak title=3 id=p3/>4<h2 id=x>5 <a class=headerlink href=#x>¶</a></h2>",
		"<?xml version='1.0' encoding='iso-8859-1'?><p>\xe9</p>",
		"<script/><p>a</p><title/><p>b</p>",
		"<p>*_`[<~\\#>|-+ 1. 1984</p>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := corpus.ReadHTML(context.Background(), "f.html", "f.html", data)
		if err != nil {
			checkBookError(t, "ReadHTML", "f.html", err)
			return
		}
		if len(d.Pages) != 1 || !d.Markdown || d.Name != "f.html" || d.Size != len(data) {
			t.Fatalf("ReadHTML(%q) = %d pages, Markdown %v, name %q, size %d", data, len(d.Pages), d.Markdown, d.Name, d.Size)
		}
		checkBookPaged(t, d)
	})
}

// checkBookPaged checks what a reader made: valid UTF-8 without form feeds,
// and a document AddPages takes or refuses with a *FileError, whose
// sentences are trimmed and non-empty.
func checkBookPaged(t *testing.T, d *corpus.Paged) {
	t.Helper()
	for _, p := range d.Pages {
		if !utf8.ValidString(p.Text) || strings.Contains(p.Text, "\f") || !utf8.ValidString(p.Label) {
			t.Fatalf("page %q: %q: want valid UTF-8 without form feeds", p.Label, p.Text)
		}
	}
	var b corpus.Builder
	if err := b.AddPages(*d); err != nil {
		checkBookError(t, "AddPages", d.Path, err)
		return
	}
	c, err := b.Corpus()
	if err != nil {
		t.Fatalf("AddPages = nil; Corpus() = %v", err)
	}
	for id := range c.Len() {
		if s := c.Text(id); s == "" || strings.TrimSpace(s) != s {
			t.Fatalf("sentence %d = %q; want it trimmed and non-empty", id, s)
		}
	}
}
