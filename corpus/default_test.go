package corpus_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"lectern/corpus"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// dump writes every document and sentence of c in a stable text form: one
// header line per document, then one line per sentence with its ID,
// paragraph, position, pages, section, source span and quoted text.
func dump(c *corpus.Corpus) []byte {
	var b bytes.Buffer
	for _, d := range c.Documents() {
		fmt.Fprintf(&b, "document %d %q path=%q title=%q source=%q author=%q url=%q page=%q pages=%q sections=%q size=%d sentences=[%d,%d)\n",
			d.ID, d.Name, d.Path, d.Meta.Title, d.Meta.Source, d.Meta.Author, d.Meta.URL, d.Meta.Page,
			d.Pages, d.Sections, d.Size, d.First, d.End)
	}
	for id := range c.Len() {
		s := c.Sentence(id)
		fmt.Fprintf(&b, "%d\tpara=%d pos=%d pages=%q section=%q src=[%d,%d) text[%d:%d]\n\t%q\n",
			s.ID, s.Para, s.Position, s.Pages.String(), s.Section, s.Source.Start, s.Source.End, s.Start, s.End, s.Text)
	}
	return b.Bytes()
}

// TestSeedGolden compares every sentence of the embedded page with
// testdata/seed.golden. Run "go test ./corpus -run SeedGolden -update" to
// rewrite the file after a deliberate change, and read the diff.
func TestSeedGolden(t *testing.T) {
	got := dump(corpus.Default())
	compareGolden(t, "testdata/seed.golden", got)
}

// compareGolden compares got with the golden file, or writes it with
// -update; a difference names its first line.
func compareGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	t.Fatalf("differs from %s at %s\n(run with -update if the change is intended)", file, firstDifference(got, want))
}

// TestDefault checks by rule what testdata/seed.golden shows by example:
// the embedded page reads as the printed article, without the page's
// furniture and the typesetter's line-break hyphens.
func TestDefault(t *testing.T) {
	c := corpus.Default()
	docs := c.Documents()
	if len(docs) != 1 {
		t.Fatalf("Default().Documents() = %d documents; want 1", len(docs))
	}
	d := docs[0]
	want := corpus.Meta{Title: "De-Stalinization", Source: "Encyclopedia of Russian History"}
	if d.Name != corpus.DefaultName || d.Path != "embedded:"+corpus.DefaultName || d.Meta != want ||
		!reflect.DeepEqual(d.Pages, []string{"388"}) || len(d.Sections) != 0 {
		t.Errorf("Default() document = %+v; want %s with %+v on page 388", d, corpus.DefaultName, want)
	}
	if c.Len() != 34 || c.NumParagraphs() != 4 || len(c.Skipped()) != 0 || len(c.Warnings()) != 0 {
		t.Errorf("Default() = %d sentences, %d paragraphs, skipped %v, warnings %q; want 34, 4, none, none",
			c.Len(), c.NumParagraphs(), c.Skipped(), c.Warnings())
	}
	const cite = "De-Stalinization — Encyclopedia of Russian History, p. 388"
	if got := c.Citation(0).String(); got != cite {
		t.Errorf("Default().Citation(0).String() = %q; want %q", got, cite)
	}

	data := corpus.DefaultText()
	if msg := checkCorpus(c, data); msg != "" {
		t.Fatalf("Default(): %s", msg)
	}
	var all []string
	for id := range c.Len() {
		s := c.Sentence(id)
		all = append(all, s.Text)
		if s.Pages.String() != "388" {
			t.Errorf("Sentence(%d).Pages = %q; want 388", id, s.Pages)
		}
		// The source holds the same words, broken across lines.
		if src := string(data[s.Source.Start:s.Source.End]); squeeze(src) != squeeze(s.Text) {
			t.Errorf("Sentence(%d).Source = %v, %q; want the source of %q", id, s.Source, src, s.Text)
		}
		for _, bad := range []string{"DE-STALINIZATION", "ENCYCLOPEDIA", "RUSSIAN HISTORY", "- ", " -", "\n"} {
			if strings.Contains(s.Text, bad) {
				t.Errorf("Sentence(%d) = %q; want no %q in it", id, s.Text, bad)
			}
		}
		for _, w := range strings.Fields(s.Text) {
			if strings.Trim(w, ".,;:()") == "388" {
				t.Errorf("Sentence(%d) = %q; want no page number in it", id, s.Text)
			}
		}
	}
	text := strings.Join(all, " ")
	for _, w := range []string{
		// Real hyphens stay.
		"Twenty-Second", "so-called", "self-censorship", "de-Stalinization. Many scholars",
		// Broken words are rejoined.
		"although it was published", "across the country.", "Soviet society", "responsibility",
		"remained firmly", "tangled up", "intellectuals", "to ensure that",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("Default() text does not contain %q", w)
		}
	}
	if got, want := strings.Count(text, "de-Stalinization"), strings.Count(string(data), "de-Stalinization"); got != want {
		t.Errorf("Default() has %d × de-Stalinization; want %d as in the source", got, want)
	}
}

func TestDefaultText(t *testing.T) {
	a := corpus.DefaultText()
	if !bytes.HasSuffix(a, []byte("and extent.\nDE-STALINIZATION\n388\nENCYCLOPEDIA OF RUSSIAN HISTORY")) {
		t.Errorf("DefaultText() ends %q; want the page furniture", a[len(a)-80:])
	}
	a[0] = 'X'
	if b := corpus.DefaultText(); b[0] != 'T' {
		t.Errorf("DefaultText() after changing an earlier result starts %q; want a fresh copy", b[:3])
	}
	if c := corpus.Default(); c.Text(0) != "The first element is official pronouncements." {
		t.Errorf("Default().Text(0) = %q after changing DefaultText()", c.Text(0))
	}
}

func BenchmarkDefault(b *testing.B) {
	b.SetBytes(int64(len(corpus.DefaultText())))
	for b.Loop() {
		corpus.Default()
	}
}
