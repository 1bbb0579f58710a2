package retrieval

import (
	"encoding/binary"
	"errors"
	"lectern/internal/testcorpus"
	"lectern/retrieval/index"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lectern/corpus"
	"lectern/internal/binfile"
)

func testCorpus(t testing.TB) *corpus.Corpus { return testcorpus.GuideAndSeed(t) }

func saveTest(t testing.TB, e *Engine) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.idx")
	saved := Saved{Corpus: "testdata", Files: []corpus.FileStamp{{Path: "a.md", Size: 1, ModTime: 2}}}
	if _, err := SaveEngine(path, e, saved); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSaveLoadEngine(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	path := saveTest(t, e)
	got, saved, err := LoadEngine(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Corpus != "testdata" || len(saved.Files) != 1 || saved.Created.IsZero() {
		t.Errorf("Saved = %+v", saved)
	}
	for _, q := range []string{"Where was Stalin buried?", "how do I remove the program?", "Solzhenitzyn", "capital of France"} {
		want, _ := e.Answer(q, Request{Top: 3, Explain: true})
		have, err := got.Answer(q, Request{Top: 3, Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		want.Terms, have.Terms = nil, nil
		if !reflect.DeepEqual(want, have) {
			t.Errorf("Answer(%q) after load = %+v; want %+v", q, have, want)
		}
	}
	if !reflect.DeepEqual(got.Corpus().Documents(), e.Corpus().Documents()) {
		t.Error("documents differ after load")
	}
	if !reflect.DeepEqual(got.Topics(), e.Topics()) {
		t.Error("topics differ after load")
	}
	// Other BM25 parameters apply without a rebuild.
	other, _, err := LoadEngine(path, Options{BM25: index.BM25{K1: 1.5, B: 0.75}})
	if err != nil {
		t.Fatal(err)
	}
	fresh := NewEngine(testCorpus(t), Options{BM25: index.BM25{K1: 1.5, B: 0.75}})
	q := []index.QueryTerm{{Term: "stalin", Weight: 1}, {Term: "buri", Weight: 1}}
	if a, b := other.Index().Search(q, 5), fresh.Index().Search(q, 5); !reflect.DeepEqual(a, b) {
		t.Errorf("loaded with k1 1.5: %v; built with it: %v", a, b)
	}
}

func TestLoadEngineBadFiles(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	data, err := os.ReadFile(saveTest(t, e))
	if err != nil {
		t.Fatal(err)
	}
	flipped := append([]byte(nil), data...)
	flipped[len(flipped)/2] ^= 0x40
	version := append([]byte(nil), data...)
	version[12] = 99
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, binfile.ErrTruncated},
		{"truncated", data[:len(data)/3], binfile.ErrTruncated},
		{"truncated trailer", data[:len(data)-3], binfile.ErrTruncated},
		{"flipped bit", flipped, binfile.ErrCorrupt},
		{"other version", version, binfile.ErrVersion},
		{"not an index", []byte("this is a text file, not an index at all, sorry"), binfile.ErrNotIndex},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "bad.idx")
		os.WriteFile(path, tt.data, 0o644)
		_, _, err := LoadEngine(path, Options{})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: LoadEngine error = %v; want %v", tt.name, err, tt.want)
		}
	}
	if _, err := decodeEngineAnalyzer(data, func(string) index.AnalyzerOptions { return index.AnalyzerOptions{} }); !errors.Is(err, ErrStale) {
		t.Errorf("loading with another analyzer: %v; want ErrStale", err)
	}
}

// decodeEngine reads an engine from an index file's bytes.
func decodeEngine(data []byte, opts Options) (*Engine, Saved, error) {
	r, err := binfile.Open(data, index.FileMagic, index.FileVersion)
	if err != nil {
		return nil, Saved{}, err
	}
	return readEngine(r, opts)
}

// TestLoadEngineSpliced loads files whose corpus and index come from two
// files of different lengths, each part valid and the checksum right: a
// clear ErrCorrupt, not a panic (the languages check reads the index's
// language of every sentence of the corpus, kept when there are several).
func TestLoadEngineSpliced(t *testing.T) {
	build := func(spanish string) []byte {
		var b corpus.Builder
		for name, text := range map[string]string{
			"en.txt": "Stalin was buried by the wall. Khrushchev spoke in 1956 to the congress of the party.\n",
			"es.txt": spanish,
		} {
			if err := b.Add(name, name, []byte(text)); err != nil {
				t.Fatal(err)
			}
		}
		c, err := b.Corpus()
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(saveTest(t, NewEngine(c, Options{})))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	short := build("Los agricultores del sur cultivan trigo en las llanuras desde hace siglos.\n")
	long := build("Los agricultores del sur cultivan trigo en las llanuras desde hace siglos. El río atraviesa la región durante todo el año y riega los campos.\n")
	for _, tt := range []struct {
		name              string
		corpusOf, indexOf []byte
	}{
		{"longer corpus", long, short},
		{"longer index", short, long},
	} {
		sections, data := binfile.Layout(tt.corpusOf), tt.corpusOf
		for _, s := range binfile.Layout(tt.indexOf) {
			if strings.HasPrefix(s.Tag, "i.") {
				data = withSection(sections, data, s.Tag, tt.indexOf[s.Offset:s.Offset+s.Len])
				sections = binfile.Layout(data)
			}
		}
		if _, _, err := decodeEngine(data, Options{}); !errors.Is(err, binfile.ErrCorrupt) {
			t.Errorf("%s: %v; want ErrCorrupt", tt.name, err)
		}
	}
}

// decodeEngineAnalyzer reads an index file asking for other analysis.
func decodeEngineAnalyzer(data []byte, want func(string) index.AnalyzerOptions) (*index.Index, error) {
	r, err := binfile.Open(data, index.FileMagic, index.FileVersion)
	if err != nil {
		return nil, err
	}
	var meta fileMeta
	if err := index.ReadHeader(r, &meta); err != nil {
		return nil, err
	}
	return index.ReadSections(r, meta.Header, want, meta.Params)
}

// FuzzLoadEngine mutates a valid index file, reseals its checksum so the
// mutation reaches the sections, and checks that loading never panics and
// that whatever loads answers without panicking.
func FuzzLoadEngine(f *testing.F) {
	var b corpus.Builder
	if err := b.Add("s.txt", "s.txt", []byte("Stalin was buried by the wall. Khrushchev spoke in 1956.\n\nThe thaw came after.\n")); err != nil {
		f.Fatal(err)
	}
	c, err := b.Corpus()
	if err != nil {
		f.Fatal(err)
	}
	path := filepath.Join(f.TempDir(), "seed.idx")
	if _, err := SaveEngine(path, NewEngine(c, Options{}), Saved{}); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(path)
	f.Add(seed, uint(0), byte(0))
	f.Add(seed, uint(100), byte(0xff))
	f.Add(seed, uint(len(seed)/2), byte(1))
	f.Fuzz(func(t *testing.T, data []byte, at uint, x byte) {
		data = append([]byte(nil), data...)
		if len(data) > 0 {
			data[int(at%uint(len(data)))] ^= x
		}
		binfile.Reseal(data)
		e, _, err := decodeEngine(data, Options{})
		if err != nil {
			return
		}
		for _, q := range []string{"Stalin buried", "thaw", "Khruschev 1956"} {
			e.Answer(q, Request{Top: 3, Explain: true})
		}
		e.Topics()
	})
}

// FuzzLoadEngineFields changes one number inside one section of a valid
// index file (a length, an offset, an ID, a page index), or one value of its
// JSON metadata, reseals the file so that its checksum is right again, and
// checks that loading never panics and that whatever loads answers without
// panicking. Unlike FuzzLoadEngine's random bytes, each mutation lands on a
// field, so the decoder's checks are reached one by one.
func FuzzLoadEngineFields(f *testing.F) {
	seed := fieldsSeed(f)
	sections := binfile.Layout(seed)
	for i := range sections {
		for _, v := range []uint32{0, 1, 2, 0xffffffff, 0x7fffffff, 1000, 0x80000000} {
			f.Add(uint8(i), uint32(0), v, uint8(0))
			f.Add(uint8(i), uint32(7), v, uint8(1))
		}
	}
	f.Fuzz(func(t *testing.T, section uint8, at, value uint32, width uint8) {
		data := append([]byte(nil), seed...)
		sec := sections[int(section)%len(sections)]
		if sec.Len == 0 {
			return
		}
		if json := sec.Tag == "c.docs" || sec.Tag == "i.meta" || sec.Tag == "c.problems"; json && width%2 == 0 {
			data = withSection(sections, data, sec.Tag, replaceNumber(data[sec.Offset:sec.Offset+sec.Len], int(at), int64(int32(value))))
			e, _, err := decodeEngine(data, Options{})
			if err == nil {
				exercise(e)
			}
			return
		}
		switch width % 4 {
		case 0: // a 32-bit number
			if sec.Len < 4 {
				return
			}
			off := sec.Offset + int(at%uint32(sec.Len/4))*4
			binary.LittleEndian.PutUint32(data[off:], value)
		case 1: // a 16-bit number
			if sec.Len < 2 {
				return
			}
			off := sec.Offset + int(at%uint32(sec.Len/2))*2
			binary.LittleEndian.PutUint16(data[off:], uint16(value))
		case 2: // one byte
			data[sec.Offset+int(at%uint32(sec.Len))] = byte(value)
		case 3: // a small signed change to a 32-bit number
			if sec.Len < 4 {
				return
			}
			off := sec.Offset + int(at%uint32(sec.Len/4))*4
			old := binary.LittleEndian.Uint32(data[off:])
			binary.LittleEndian.PutUint32(data[off:], old+uint32(int32(int8(value))))
		}
		binfile.Reseal(data)
		e, _, err := decodeEngine(data, Options{})
		if err != nil {
			return
		}
		exercise(e)
	})
}

// fieldsSeed is a small index file of two documents with pages, sections
// and several paragraphs, so that every section has numbers to change.
func fieldsSeed(tb testing.TB) []byte {
	tb.Helper()
	var b corpus.Builder
	files := []struct{ name, text string }{
		{"a.md", "---\ntitle: Guide\n---\n# Guide\n\n## Install\n\nRun the installer. It copies the files.\n\n## Remove\n\nDelete the folder to remove the program. Then empty the bin.\n"},
		{"b.txt", "Stalin was buried by the wall. Khrushchev spoke in 1956.\n\nThe thaw came after. It did not last.\n\fThe second page begins here. It ends here.\n"},
	}
	for _, f := range files {
		if err := b.Add(f.name, f.name, []byte(f.text)); err != nil {
			tb.Fatal(err)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "seed.idx")
	if _, err := SaveEngine(path, NewEngine(c, Options{}), Saved{}); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// exercise uses everything a loaded engine offers.
func exercise(e *Engine) {
	for _, q := range []string{"Stalin buried", "thaw", "Khruschev 1956", "remove the program", "installer copies files", "second page"} {
		ans, _ := e.Answer(q, Request{Top: 5, Explain: true})
		for _, r := range ans.Results {
			e.Context(r.ID, 2000)
		}
	}
	c := e.Corpus()
	for id := 0; id < c.Len(); id++ {
		c.Sentence(id)
		c.CitationSpan(id, id)
		e.Context(id, 500)
	}
	for i := 0; i < c.NumParagraphs(); i++ {
		c.Paragraph(i)
	}
	for _, tp := range e.Topics() {
		e.TopicAnswer(tp.Name, Request{Top: 3})
	}
	e.FindTopics("gu", 25)
}

var jsonNumber = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?`)

// replaceNumber returns text with its n-th number (counted modulo how many
// there are) replaced by v.
func replaceNumber(text []byte, n int, v int64) []byte {
	locs := jsonNumber.FindAllIndex(text, -1)
	if len(locs) == 0 {
		return text
	}
	l := locs[n%len(locs)]
	out := append([]byte(nil), text[:l[0]]...)
	out = strconv.AppendInt(out, v, 10)
	return append(out, text[l[1]:]...)
}

// withSection rebuilds an index file with section tag's contents replaced.
func withSection(sections []binfile.Section, data []byte, tag string, contents []byte) []byte {
	w := binfile.NewWriter(index.FileMagic, index.FileVersion)
	for _, s := range sections {
		if s.Tag == tag {
			w.Bytes(s.Tag, contents)
		} else {
			w.Bytes(s.Tag, data[s.Offset:s.Offset+s.Len])
		}
	}
	return w.Finish()
}

// TestLoadEngineFileChanges loads an index file, then rewrites it in place
// with another index, truncates it and removes it, answering after each
// change as a running bot would: the engine must keep answering from what
// it loaded. A memory-mapped file that is truncated kills the process with
// SIGBUS instead.
func TestLoadEngineFileChanges(t *testing.T) {
	e := NewEngine(testCorpus(t), Options{})
	path := saveTest(t, e)
	loaded, _, err := LoadEngine(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := loaded.Answer("Where was Stalin buried?", Request{Top: 3})
	if err != nil || !want.Answered {
		t.Fatalf("Answer before changes: %+v, %v", want, err)
	}
	other := filepath.Join(t.TempDir(), "other.idx")
	if _, err := SaveEngine(other, NewEngine(testCorpusText(t, "Cats sleep all day. Dogs bark at night."), Options{}), Saved{}); err != nil {
		t.Fatal(err)
	}
	otherData, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	changes := []struct {
		what string
		do   func() error
	}{
		{"overwritten in place (cp other.idx over it)", func() error {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				return err
			}
			_, err = f.Write(otherData)
			if err2 := f.Close(); err == nil {
				err = err2
			}
			return err
		}},
		{"truncated", func() error { return os.Truncate(path, 0) }},
		{"removed", func() error { return os.Remove(path) }},
	}
	for _, c := range changes {
		if err := c.do(); err != nil {
			t.Fatal(err)
		}
		got, err := loaded.Answer("Where was Stalin buried?", Request{Top: 3})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("after the file was %s: Answer = %+v, %v; want %+v", c.what, got, err, want)
		}
		exercise(loaded)
	}
}

// testCorpusText is a corpus of one document.
func testCorpusText(t testing.TB, text string) *corpus.Corpus {
	return testcorpus.Build(t, []string{"t.txt"}, map[string]string{"t.txt": text})
}
