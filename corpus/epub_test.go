package corpus_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"lectern/corpus"
)

// epubWith returns entries with the entry called name replaced by data, or
// added at the end; an empty data removes it.
func epubWith(entries []epubFile, name, data string) []epubFile {
	out := slices.Clone(entries)
	for i, e := range out {
		if e.name == name {
			if data == "" {
				return slices.Delete(out, i, i+1)
			}
			out[i].data = data
			return out
		}
	}
	if data == "" {
		return out
	}
	return append(out, epubFile{name, data})
}

// epubEntry returns the data of the entry called name.
func epubEntry(entries []epubFile, name string) string {
	for _, e := range entries {
		if e.name == name {
			return e.data
		}
	}
	return ""
}

// repeatDeflate returns a raw deflate stream that inflates to mib MiB of
// the byte c, made quickly: one compressed MiB, repeated. Each copy starts
// with a literal and looks back only at bytes equal to it.
func repeatDeflate(t testing.TB, c byte, mib int) (data []byte, crc uint32) {
	t.Helper()
	chunk := bytes.Repeat([]byte{c}, 1<<20)
	var seg bytes.Buffer
	w, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(chunk)
	w.Flush() // ends on a byte boundary, with a non-final block
	var out bytes.Buffer
	for range mib {
		out.Write(seg.Bytes())
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	out.Write([]byte{0x03, 0x00}) // a final, empty block
	return out.Bytes(), crc
}

// rawEPUBEntry is an entry written as it is, with the sizes it declares.
type rawEPUBEntry struct {
	name               string
	data               []byte // deflated
	crc                uint32
	declared, inflated uint64
}

// makeRawEPUB makes an EPUB of entries and raw entries.
func makeRawEPUB(t testing.TB, entries []epubFile, raws ...rawEPUBEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.data))
	}
	for _, r := range raws {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: r.name, Method: zip.Deflate, CRC32: r.crc,
			CompressedSize64: uint64(len(r.data)), UncompressedSize64: r.declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(r.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bookSentences returns the sentences of a read document, or the error.
func bookSentences(d *corpus.Paged, err error) ([]string, *corpus.Corpus, error) {
	if err != nil {
		return nil, nil, err
	}
	var b corpus.Builder
	if err := b.AddPages(*d); err != nil {
		return nil, nil, err
	}
	c, err := b.Corpus()
	if err != nil {
		return nil, nil, err
	}
	var out []string
	for id := range c.Len() {
		out = append(out, c.Text(id))
	}
	return out, c, nil
}

func TestReadEPUB(t *testing.T) {
	data := makeEPUB(t, lighthouse)
	d, err := corpus.ReadEPUB(context.Background(), "lighthouse.epub", "books/lighthouse.epub", data)
	if err != nil {
		t.Fatal(err)
	}
	want := corpus.Meta{Title: "The Lighthouse Keeper", Author: "Ada Marlowe", Source: "Ada Marlowe, Harbour Press", Language: "en-GB"}
	if d.Meta != want || d.Name != "lighthouse.epub" || d.Path != "books/lighthouse.epub" || !d.Markdown || d.Size != len(data) {
		t.Errorf("ReadEPUB = %+v, %q, %q, Markdown %v, size %d; want %+v", d.Meta, d.Name, d.Path, d.Markdown, d.Size, want)
	}
	var labels []string
	for _, p := range d.Pages {
		labels = append(labels, p.Label)
	}
	if want := []string{"", "1", "2", "3", "4", "5"}; !slices.Equal(labels, want) {
		t.Errorf("ReadEPUB page labels = %q; want %q (the page list's, the title page before them)", labels, want)
	}
	sents, c, err := bookSentences(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := func(s string) int {
		n := 0
		for _, x := range sents {
			if x == s {
				n++
			}
		}
		return n
	}
	if n := count("The keeper climbed the hundred steps every evening at dusk."); n != 1 {
		t.Errorf("the first chapter's first sentence is read %d times; want once (the spine lists the chapter twice)", n)
	}
	if n := count("“Do ships still need us, after all these conversations?” his daughter asked him once."); n != 1 {
		t.Errorf("the sentence with a footnote reference is read %d times; want once, without the mark: %q", n, sents)
	}
	if last := sents[len(sents)-1]; last != "The keeper's own words, from his log." {
		t.Errorf("last sentence = %q; want the notes (linear=\"no\") last", last)
	}
	if got, want := c.Documents()[0].Sections, []string{"Title Page", "The Lighthouse Keeper", "Chapter 1: The Light", "Chapter 2: The Storm", "The Wreck", "Notes"}; !slices.Equal(got, want) {
		t.Errorf("sections = %q; want %q", got, want)
	}
	for id := range c.Len() {
		if c.Text(id) == "The keeper lit the lamp two hours early and sat by it until dawn, listening to the windows shake." {
			if cit := c.Citation(id); cit.Page != "3–4" || cit.Section != "Chapter 2: The Storm" {
				t.Errorf("citation of the sentence across a page break = %+v; want pages 3–4 of Chapter 2: The Storm", cit)
			}
		}
	}
}

func TestReadEPUBWithoutPageList(t *testing.T) {
	// Without a page list, the page-break markers give the pages; without
	// those, the book is one page, cited by chapter.
	nav := epubEntry(lighthouse, "OEBPS/nav.xhtml")
	i, j := strings.Index(nav, `<nav epub:type="page-list"`), strings.Index(nav, `<nav epub:type="landmarks"`)
	noList := epubWith(lighthouse, "OEBPS/nav.xhtml", nav[:i]+nav[j:])
	d, err := corpus.ReadEPUB(context.Background(), "b.epub", "b.epub", makeEPUB(t, noList))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, p := range d.Pages {
		labels = append(labels, p.Label)
	}
	// The notes' marker has no title: its text, "5", labels it.
	if want := []string{"", "1", "2", "3", "4", "5"}; !slices.Equal(labels, want) {
		t.Errorf("page labels from the markers = %q; want %q", labels, want)
	}

	ch1 := strings.NewReplacer(`<span epub:type="pagebreak" id="page1" title="1"/>`, "", `<span epub:type="pagebreak" id="page2" title="2"/>`, "").Replace(epubEntry(lighthouse, "OEBPS/text/ch1.xhtml"))
	ch2 := strings.NewReplacer(`<span epub:type="pagebreak" id="page3" title="3"/>`, "", `<span epub:type="pagebreak" id="page4" role="doc-pagebreak" aria-label="4"/>`, "").Replace(epubEntry(lighthouse, "OEBPS/text/chapter 2.xhtml"))
	notes := strings.Replace(epubEntry(lighthouse, "OEBPS/text/notes.xhtml"), `<span epub:type="pagebreak" id="page5">5</span>`, "", 1)
	plain := epubWith(epubWith(epubWith(noList, "OEBPS/text/ch1.xhtml", ch1), "OEBPS/text/chapter 2.xhtml", ch2), "OEBPS/text/notes.xhtml", notes)
	d, err = corpus.ReadEPUB(context.Background(), "b.epub", "b.epub", makeEPUB(t, plain))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Pages) != 1 || d.Pages[0].Label != "" {
		t.Errorf("ReadEPUB without pages made %d pages; want one, without a label (pages without labels would be cited by number)", len(d.Pages))
	}
	_, c, err := bookSentences(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id := range c.Len() {
		if c.Text(id) == "A schooner struck the outer reef before midnight." {
			if cit := c.Citation(id); cit.Page != "" || cit.Section != "The Wreck" {
				t.Errorf("citation = %+v; want section The Wreck and no page", cit)
			}
		}
	}
}

func TestApplyContents(t *testing.T) {
	// Where the contents and a chapter's headings name the same thing, the
	// fuller name is kept once; where they differ, both are kept.
	chapter := func(body string) []epubFile {
		return epubWith(lighthouse, "OEBPS/text/ch1.xhtml", `<html xmlns="http://www.w3.org/1999/xhtml"><body>`+body+`</body></html>`)
	}
	tests := []struct {
		name, body string
		want       []string
	}{
		{"heading held in the title", "<h1>The Light</h1><p>Text one.</p>", []string{"Chapter 1: The Light"}},
		{"title held in the heading", "<h1>Chapter 1: The Light of the North</h1><p>Text one.</p>", []string{"Chapter 1: The Light of the North"}},
		{"different names", "<h1>Dusk</h1><p>Text one.</p>", []string{"Chapter 1: The Light", "Dusk"}},
		{"no heading", "<p>Text one.</p>", []string{"Chapter 1: The Light"}},
		{"text before the heading", "<p>An epigraph.</p><h1>Chapter 1</h1><p>Text one.</p>", []string{"Chapter 1: The Light", "Chapter 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := corpus.ReadEPUB(context.Background(), "b.epub", "b.epub", makeEPUB(t, chapter(tt.body)))
			_, c, err := bookSentences(d, err)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Documents()[0].Sections
			i := slices.Index(got, "The Lighthouse Keeper")
			j := slices.Index(got, "Chapter 2: The Storm")
			if i < 0 || j < i {
				t.Fatalf("sections = %q", got)
			}
			if !slices.Equal(got[i+1:j], tt.want) {
				t.Errorf("sections of %q = %q; want %q", tt.body, got[i+1:j], tt.want)
			}
		})
	}
}

func TestContentsInsideParagraph(t *testing.T) {
	// An entry that points into a paragraph splits it; one that points at
	// a place the chapter lacks is left out.
	nav := strings.Replace(epubEntry(lighthouse, "OEBPS/nav.xhtml"),
		`<li><a href="text/ch1.xhtml">Chapter 1: The Light</a></li>`,
		`<li><a href="text/ch1.xhtml">Chapter 1: The Light</a><ol><li><a href="text/ch1.xhtml#mid">Midway</a></li><li><a href="text/ch1.xhtml#gone">Gone</a></li></ol></li>`, 1)
	ch1 := strings.Replace(epubEntry(lighthouse, "OEBPS/text/ch1.xhtml"), "He trimmed the wick", `<a id="mid"/>He trimmed the wick`, 1)
	d, err := corpus.ReadEPUB(context.Background(), "b.epub", "b.epub", makeEPUB(t, epubWith(epubWith(lighthouse, "OEBPS/nav.xhtml", nav), "OEBPS/text/ch1.xhtml", ch1)))
	_, c, err := bookSentences(d, err)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"The keeper climbed the hundred steps every evening at dusk.":       "Chapter 1: The Light",
		"He trimmed the wick and wound the clockwork that turned the lens.": "Midway",
		"On clear nights the beam reached twenty miles out to sea.":         "Midway",
	}
	for id := range c.Len() {
		if sec, ok := want[c.Text(id)]; ok && c.Citation(id).Section != sec {
			t.Errorf("section of %q = %q; want %q", c.Text(id), c.Citation(id).Section, sec)
		}
	}
	if secs := c.Documents()[0].Sections; slices.Contains(secs, "Gone") {
		t.Errorf("sections = %q; want no Gone (its link points at nothing)", secs)
	}
}

func TestReadEPUBDamaged(t *testing.T) {
	good := makeEPUB(t, lighthouse)
	bomb, bombCRC := repeatDeflate(t, 0, 200)
	spaces, spacesCRC := repeatDeflate(t, ' ', 60)
	noPackage := epubWith(epubWith(lighthouse, "OEBPS/content.opf", ""), "META-INF/container.xml", "<container><rootfiles><rootfile")
	opf := epubEntry(lighthouse, "OEBPS/content.opf")
	manyEntries := slices.Clone(lighthouse)
	for i := range 50_001 {
		manyEntries = append(manyEntries, epubFile{fmt.Sprintf("OEBPS/x/%d", i), "x"})
	}
	var fiveBombs []rawEPUBEntry
	for i := range 5 {
		fiveBombs = append(fiveBombs, rawEPUBEntry{fmt.Sprintf("OEBPS/text/big%d.xhtml", i), spaces, spacesCRC, 60 << 20, 60 << 20})
	}
	manyChapters := strings.Replace(opf, "<spine>", "<spine>"+
		`<itemref idref="b0"/><itemref idref="b1"/><itemref idref="b2"/><itemref idref="b3"/><itemref idref="b4"/>`, 1)
	manyChapters = strings.Replace(manyChapters, "<manifest>", "<manifest>"+
		`<item id="b0" href="text/big0.xhtml" media-type="application/xhtml+xml"/><item id="b1" href="text/big1.xhtml" media-type="application/xhtml+xml"/>`+
		`<item id="b2" href="text/big2.xhtml" media-type="application/xhtml+xml"/><item id="b3" href="text/big3.xhtml" media-type="application/xhtml+xml"/>`+
		`<item id="b4" href="text/big4.xhtml" media-type="application/xhtml+xml"/>`, 1)

	tests := []struct {
		name  string
		data  []byte
		works bool
		why   string // in the error
	}{
		{"not a zip", []byte("Just some text, not an archive.\n"), false, "not a readable EPUB: zip: not a valid zip file"},
		{"empty", nil, false, "not a valid zip file"},
		{"truncated", good[:len(good)/2], false, "not a valid zip file"},
		{"truncated end", good[:len(good)-10], false, "not a readable EPUB"},
		{"empty archive", makeEPUB(t, nil), false, "META-INF/container.xml is missing"},
		{"bad container, one package", makeEPUB(t, epubWith(lighthouse, "META-INF/container.xml", "<container><rootfiles><rootfile")), true, ""},
		{"bad container, no package", makeEPUB(t, noPackage), false, "META-INF/container.xml: XML syntax error"},
		{"container names a missing package, the archive another", makeEPUB(t, epubWith(epubWith(lighthouse, "OEBPS/content.opf", ""), "OEBPS/book.opf", opf)), true, ""},
		{"container names a missing package, the archive two others", makeEPUB(t, epubWith(epubWith(epubWith(lighthouse, "OEBPS/content.opf", ""), "OEBPS/book.opf", opf), "x.opf", opf)), false, "its package document OEBPS/content.opf is missing"},
		{"missing package", makeEPUB(t, epubWith(lighthouse, "OEBPS/content.opf", "")), false, "its package document OEBPS/content.opf is missing"},
		{"bad package", makeEPUB(t, epubWith(lighthouse, "OEBPS/content.opf", "<package><metadata><dc:title>T</dc:tit")), false, "package document OEBPS/content.opf: XML syntax error"},
		{"empty spine", makeEPUB(t, epubWith(lighthouse, "OEBPS/content.opf", "<package><manifest/><spine/></package>")), false, "the spine of OEBPS/content.opf lists no XHTML document"},
		{"chapters missing", makeEPUB(t, epubWith(epubWith(epubWith(epubWith(epubWith(lighthouse, "OEBPS/text/ch1.xhtml", ""), "OEBPS/text/chapter 2.xhtml", ""), "OEBPS/text/notes.xhtml", ""), "OEBPS/text/title.xhtml", ""), "OEBPS/nav.xhtml", "")), false, "none of the documents its spine lists is in the archive"},
		{"one chapter missing", makeEPUB(t, epubWith(lighthouse, "OEBPS/text/ch1.xhtml", "")), true, ""},
		{"bad navigation", makeEPUB(t, epubWith(lighthouse, "OEBPS/nav.xhtml", "<nav epub:type=toc><ol><li><a href='%zz#'>x</a><a href=http://x/>y<a href=text/ch1.xhtml#page1>")), true, ""},
		{"deep NCX", makeEPUB(t, epubWith(epubWith(moss, "OEBPS/toc.ncx", "<ncx><navMap>"+strings.Repeat("<navPoint><navLabel><text>x</text></navLabel><content src='chap1.html'/>", 20_000)), "OEBPS/content.opf", epubEntry(moss, "OEBPS/content.opf"))), true, ""},
		{"deep chapter", makeEPUB(t, epubWith(lighthouse, "OEBPS/text/ch1.xhtml", strings.Repeat("<div>", 100_000)+"<p>Deep.</p>")), true, ""},
		{"binary chapter", makeEPUB(t, epubWith(lighthouse, "OEBPS/text/ch1.xhtml", "\x00\x01\x02\x03\x04"+strings.Repeat("\x00\xff", 5000))), false, "OEBPS/text/ch1.xhtml is not text"},
		{"encrypted", makeEPUB(t, epubWith(lighthouse, "META-INF/encryption.xml", `<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/><enc:CipherData><enc:CipherReference URI="OEBPS/text/ch1.xhtml"/></enc:CipherData></enc:EncryptedData>
</encryption>`)), false, "its text is encrypted (DRM, OEBPS/text/ch1.xhtml)"},
		{"obfuscated fonts", makeEPUB(t, epubWith(lighthouse, "META-INF/encryption.xml", `<encryption><EncryptedData><EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/><CipherData><CipherReference URI="OEBPS/fonts/a.otf"/></CipherData></EncryptedData></encryption>`)), true, ""},
		{"too many entries", makeEPUB(t, manyEntries), false, "entries, more than the 50000 an EPUB may have"},
		{"200 MB entry", makeRawEPUB(t, epubWith(lighthouse, "OEBPS/text/ch1.xhtml", ""),
			rawEPUBEntry{"OEBPS/text/ch1.xhtml", bomb, bombCRC, 200 << 20, 200 << 20}), false, "the file is too big: OEBPS/text/ch1.xhtml in the EPUB holds 200 MiB uncompressed, over the 64 MiB an entry may have"},
		{"200 MB entry declared small", makeRawEPUB(t, epubWith(lighthouse, "OEBPS/text/ch1.xhtml", ""),
			rawEPUBEntry{"OEBPS/text/ch1.xhtml", bomb, bombCRC, 1000, 200 << 20}), false, "OEBPS/text/ch1.xhtml: zip: not a valid zip file"},
		{"over the total", makeRawEPUB(t, epubWith(lighthouse, "OEBPS/content.opf", manyChapters), fiveBombs...), false, "its documents hold more than 256 MiB uncompressed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && tt.name == "over the total" {
				t.Skip("reads 240 MiB")
			}
			bookWithin(t, 30*time.Second, tt.name, func() {
				var err error
				var d *corpus.Paged
				n := bookPeakHeap(func() {
					d, err = corpus.ReadEPUB(context.Background(), "bad.epub", "dir/bad.epub", tt.data)
				})
				if limit := uint64(10*len(tt.data) + 512<<20); n > limit {
					t.Errorf("ReadEPUB took %d MiB of heap for a file of %d bytes; want at most %d MiB", n>>20, len(tt.data), limit>>20)
				}
				checkBookError(t, tt.name, "dir/bad.epub", err)
				switch {
				case tt.works && err != nil:
					t.Fatalf("ReadEPUB = %v; want it to load", err)
				case !tt.works && err == nil:
					t.Fatalf("ReadEPUB = nil; want an error saying %q", tt.why)
				case err != nil && !strings.Contains(err.Error(), tt.why):
					t.Errorf("ReadEPUB = %v; want it to say %q", err, tt.why)
				}
				if err == nil {
					checkBookPaged(t, d)
					return
				}
				want := map[string]corpus.Reason{"encrypted": corpus.ReasonEncrypted,
					"200 MB entry": corpus.ReasonTooBig, "over the total": corpus.ReasonTooBig}[tt.name]
				if want == "" {
					want = corpus.ReasonDamaged
				}
				if fe := (*corpus.FileError)(nil); errors.As(err, &fe) && fe.Reason != want {
					t.Errorf("ReadEPUB = %v, reason %q; want reason %q", err, fe.Reason, want)
				}
			})
		})
	}
}

func TestReadEPUBWarnings(t *testing.T) {
	tests := []struct {
		name    string
		entries []epubFile
		want    []string
	}{
		{"whole", lighthouse, nil},
		{"a chapter missing", epubWith(lighthouse, "OEBPS/text/chapter 2.xhtml", ""),
			[]string{"1 document its spine lists is not in the archive: OEBPS/text/chapter 2.xhtml"}},
		{"contents pointing nowhere", moss,
			[]string{"its table of contents points at 2 files not in the archive (OEBPS/missing/chap1.html, OEBPS/missing/chap2.html); those chapters are named by their own headings"}},
	}
	for _, tt := range tests {
		d, err := corpus.ReadEPUB(context.Background(), "b.epub", "b.epub", makeEPUB(t, tt.entries))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.Equal(d.Warnings, tt.want) {
			t.Errorf("%s: warnings %q; want %q", tt.name, d.Warnings, tt.want)
		}
	}
}

// bookPeakHeap returns about the most heap f's allocations take at once,
// sampled every few milliseconds, with the collector set to run often so
// that the heap is near what is held rather than what waits to be swept.
func bookPeakHeap(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base, peak := m.HeapAlloc, m.HeapAlloc
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
			}
		}
	}()
	f()
	close(done)
	<-sampled
	return peak - min(base, peak)
}

// bigEPUB returns an EPUB of n chapters of about 100 KB each.
func bigEPUB(t testing.TB, n int) []byte {
	var manifest, spine, nav strings.Builder
	entries := []epubFile{{"mimetype", "application/epub+zip"}, {"META-INF/container.xml", epubContainerXML}}
	for i := range n {
		fmt.Fprintf(&manifest, `<item id="c%d" href="c%d.xhtml" media-type="application/xhtml+xml"/>`, i, i)
		fmt.Fprintf(&spine, `<itemref idref="c%d"/>`, i)
		fmt.Fprintf(&nav, `<li><a href="c%d.xhtml">Chapter %d</a></li>`, i, i)
		var b strings.Builder
		fmt.Fprintf(&b, `<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Chapter %d</h1>`, i)
		for p := 0; b.Len() < 100_000; p++ {
			fmt.Fprintf(&b, `<p>Paragraph %d of chapter %d tells a part of the story<a epub:type="noteref" href="n.xhtml#n%d">%d</a>, `+
				`and it goes on into a second sentence.<span epub:type="pagebreak" id="p%d-%d" title="%d"/> Then a third one ends it.</p>`, p, i, p, p, i, p, i*100+p)
		}
		b.WriteString("</body></html>")
		entries = append(entries, epubFile{fmt.Sprintf("OEBPS/c%d.xhtml", i), b.String()})
	}
	entries = append(entries,
		epubFile{"OEBPS/content.opf", `<package version="3.0"><metadata><dc:title>Big</dc:title></metadata><manifest><item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>` +
			manifest.String() + `</manifest><spine>` + spine.String() + `</spine></package>`},
		epubFile{"OEBPS/nav.xhtml", `<html><body><nav epub:type="toc"><ol>` + nav.String() + `</ol></nav></body></html>`})
	return makeEPUB(t, entries)
}

// TestReadEPUBCancel cancels the reading of a book of 200 chapters well
// into it: the reader must stop at its next look at the context (before
// each chapter, and every few thousand tokens within one), with ctx's
// error.
func TestReadEPUBCancel(t *testing.T) {
	data := bigEPUB(t, 200)
	ctx, check := cancelAtLook(t, 50)
	_, err := corpus.ReadEPUB(ctx, "big.epub", "big.epub", data)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ReadEPUB(cancelled) = %v; want context.Canceled", err)
	}
	check(1)
}

func BenchmarkReadEPUB(b *testing.B) {
	data := bigEPUB(b, 50)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := corpus.ReadEPUB(context.Background(), "big.epub", "big.epub", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadBooks loads a folder holding an EPUB, an HTML page, a text file
// and a damaged EPUB: the three load, the last is skipped, and the
// citations carry the chapter, the page and the section.
func TestLoadBooks(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"testdata/epub/lighthouse.epub", "testdata/html/manual.html"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, dir, map[string]string{"notes.txt": goodText, "broken.epub": "not a zip"})
	c, err := corpus.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range c.Documents() {
		names = append(names, d.Name)
	}
	if want := []string{"lighthouse.epub", "manual.html", "notes.txt"}; !slices.Equal(names, want) {
		t.Errorf("Load(%q) documents = %q; want %q", dir, names, want)
	}
	if sk := c.Skipped(); len(sk) != 1 || filepath.Base(sk[0].Path) != "broken.epub" || !errors.Is(sk[0], corpus.ErrBadEPUB) {
		t.Errorf("Load(%q) skipped %v; want broken.epub, not a readable EPUB", dir, sk)
	}
	want := map[string]corpus.Citation{
		"A schooner struck the outer reef before midnight.": {Document: "lighthouse.epub", Title: "The Lighthouse Keeper",
			Source: "Ada Marlowe, Harbour Press", Page: "4", Section: "The Wreck"},
		"The widget refuses files over 2 GiB.": {Document: "manual.html", Title: "Configuring the Widget — Widget 2.1 documentation",
			Section: "Limits"},
	}
	for id := range c.Len() {
		if w, ok := want[c.Text(id)]; ok {
			if got := c.Citation(id); got != w {
				t.Errorf("Citation(%q) = %+v; want %+v", c.Text(id), got, w)
			}
			delete(want, c.Text(id))
		}
	}
	for s := range want {
		t.Errorf("no sentence %q", s)
	}
}

func FuzzReadEPUB(f *testing.F) {
	for _, name := range []string{"testdata/epub/lighthouse.epub", "testdata/epub/moss.epub"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add(makeEPUB(f, epubWith(lighthouse, "META-INF/container.xml", "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := corpus.ReadEPUB(context.Background(), "f.epub", "f.epub", data)
		if err != nil {
			checkBookError(t, "ReadEPUB", "f.epub", err)
			return
		}
		checkBookPaged(t, d)
	})
}

// FuzzReadEPUBParts fuzzes the documents inside a well-formed archive:
// the package document, the navigation document and a chapter.
func FuzzReadEPUBParts(f *testing.F) {
	f.Add(epubEntry(lighthouse, "OEBPS/content.opf"), epubEntry(lighthouse, "OEBPS/nav.xhtml"), epubEntry(lighthouse, "OEBPS/text/ch1.xhtml"))
	f.Add(epubEntry(moss, "OEBPS/content.opf"), epubEntry(moss, "OEBPS/toc.ncx"), epubEntry(moss, "OEBPS/chap2.html"))
	f.Add("<package><manifest><item id=a href=text/ch1.xhtml properties=nav /></manifest><spine><itemref idref=a /></spine></package>",
		"<nav epub:type=page-list><a href=#p>1</a></nav>", "<p>a<span id=p epub:type=pagebreak/>b</p>")
	f.Fuzz(func(t *testing.T, opf, nav, chapter string) {
		entries := epubWith(epubWith(epubWith(lighthouse, "OEBPS/content.opf", opf), "OEBPS/nav.xhtml", nav), "OEBPS/text/ch1.xhtml", chapter)
		entries = epubWith(entries, "OEBPS/toc.ncx", nav)
		d, err := corpus.ReadEPUB(context.Background(), "f.epub", "f.epub", makeEPUB(t, entries))
		if err != nil {
			checkBookError(t, "ReadEPUB", "f.epub", err)
			return
		}
		checkBookPaged(t, d)
	})
}
