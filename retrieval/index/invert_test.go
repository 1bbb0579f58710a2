package index

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"

	"lectern/internal/binfile"
	"lectern/internal/testcorpus"
)

// TestPostingsMatchAnalysis checks every term's postings, read back block
// by block, against the texts analysed one by one: the documents holding
// it, in order, with their frequencies; and its block and term maxima and
// IDF against prepare's.
func TestPostingsMatchAnalysis(t *testing.T) {
	c := testcorpus.Generated(t, 3000)
	for _, procs := range []int{1, 3} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			defer setProcs(procs)()
			ix := corpusIndex(t, c)
			want := map[string]map[int]uint32{} // term -> document -> frequency
			for d := range c.Len() {
				for _, tok := range ix.AnalyzerOf(d).AppendTokens(nil, c.Text(d)) {
					if want[tok.Term] == nil {
						want[tok.Term] = map[int]uint32{}
					}
					want[tok.Term][d]++
				}
			}
			if ix.NumTerms() != len(want) {
				t.Fatalf("%d terms; the texts hold %d", ix.NumTerms(), len(want))
			}
			var docs, freqs [blockSize]uint32
			for term := range ix.NumTerms() {
				name := ix.terms.at(term)
				var gotDocs []int
				var gotFreqs []uint32
				data := ix.post[ix.postOff[term]:ix.postOff[term+1]]
				left, prev := int(ix.df[term]), uint32(0)
				for b := ix.blkOff[term]; b < ix.blkOff[term+1]; b++ {
					blk := ix.blocks[b]
					cnt := min(left, blockSize)
					left -= cnt
					if decodeBlock(data[blk.offset():], blk.ones(), prev, docs[:cnt], freqs[:cnt]) < 0 {
						t.Fatalf("term %q: block %d does not decode", name, b)
					}
					bmax := float32(0)
					for i := range cnt {
						gotDocs = append(gotDocs, int(docs[i]))
						gotFreqs = append(gotFreqs, freqs[i])
						bmax = max(bmax, ix.tfPart(freqs[i], docs[i]))
					}
					if blk.max != bmax {
						t.Errorf("term %q block %d: max %v; its postings give %v", name, b, blk.max, bmax)
					}
					prev = blk.last
				}
				wantDocs := make([]int, 0, len(want[name]))
				for d := range want[name] {
					wantDocs = append(wantDocs, d)
				}
				slices.Sort(wantDocs)
				if !slices.Equal(gotDocs, wantDocs) {
					t.Fatalf("term %q: documents %v; want %v", name, gotDocs, wantDocs)
				}
				for i, d := range gotDocs {
					if gotFreqs[i] != want[name][d] {
						t.Fatalf("term %q document %d: frequency %d; want %d", name, d, gotFreqs[i], want[name][d])
					}
				}
				if want := float32(IDF(len(wantDocs), c.Len())); ix.idf[term] != want {
					t.Errorf("term %q: IDF %v; want %v", name, ix.idf[term], want)
				}
			}
		})
	}
}

// TestReadOtherParams reads an index file with BM25 parameters other than
// the file's: the blocks' largest tf parts are those of an index built
// with them, and the file's own blocks are left as they were.
func TestReadOtherParams(t *testing.T) {
	c := testcorpus.Generated(t, 3000)
	ix := corpusIndex(t, c)
	other := BM25{K1: 1.6, B: 0.3}
	want := corpusIndexParams(t, c, other)
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	saved := slices.Clone(data)
	r, err := binfile.Open(data, FileMagic, FileVersion)
	if err != nil {
		t.Fatal(err)
	}
	var h Header
	if err := ReadHeader(r, &h); err != nil {
		t.Fatal(err)
	}
	analyzer := func(code string) AnalyzerOptions {
		return AnalyzerOptions{Language: code, Irregular: code == "en"}
	}
	got, err := ReadSections(r, h, analyzer, other)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(ix.blocks, want.blocks) {
		t.Fatal("the parameters change no block's maximum: the test checks nothing")
	}
	if !slices.Equal(got.blocks, want.blocks) || !slices.Equal(got.idf, want.idf) {
		t.Error("read with other parameters: blocks or IDFs differ from an index built with them")
	}
	if !bytes.Equal(data, saved) {
		t.Error("reading with other parameters changed the file's bytes")
	}
}

// TestInvertRunSizes checks that the postings do not depend on how many
// terms are inverted at a time: from one posting to all of them.
func TestInvertRunSizes(t *testing.T) {
	c := testcorpus.Generated(t, 2000)
	want := corpusIndex(t, c)
	ix := want
	for _, size := range []int{1, 7, 128, 1000, ix.NumPostings(), math.MaxInt32} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			got := Index{terms: ix.terms, df: ix.df, n: ix.n, lens: ix.lens, fwd: ix.fwd, fwdOff: ix.fwdOff, params: ix.params, avgLen: ix.avgLen}
			got.setNorms()
			if err := got.invert(context.Background(), size); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.post, want.post) || !slices.Equal(got.postOff, want.postOff) ||
				!slices.Equal(got.blocks, want.blocks) || !slices.Equal(got.blkOff, want.blkOff) ||
				!slices.Equal(got.idf, want.idf) {
				t.Errorf("runs of %d postings give other postings than runs of %d", size, invertRun)
			}
		})
	}
}

// TestInvertDisagreement checks that postings that disagree with the
// document frequencies are an error, not a crash.
func TestInvertDisagreement(t *testing.T) {
	c := testcorpus.Generated(t, 200)
	ix := corpusIndex(t, c)
	tests := []struct {
		name  string
		df    func(df []uint32)
		runOf int
	}{
		{name: "one fewer", df: func(df []uint32) { df[0]-- }, runOf: 1},
		{name: "one more", df: func(df []uint32) { df[0]++ }, runOf: 1},
		{name: "one fewer in a run", df: func(df []uint32) { df[3]-- }, runOf: 1 << 20},
		{name: "one more in a run", df: func(df []uint32) { df[3]++ }, runOf: 1 << 20},
		{name: "last term", df: func(df []uint32) { df[len(df)-1]++ }, runOf: 1 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Index{terms: ix.terms, df: slices.Clone(ix.df), n: ix.n, lens: ix.lens, fwd: ix.fwd, fwdOff: ix.fwdOff, params: ix.params, avgLen: ix.avgLen}
			got.setNorms()
			tc.df(got.df)
			if err := got.invert(context.Background(), tc.runOf); err == nil {
				t.Error("invert accepted document frequencies its forward index disagrees with")
			}
		})
	}
}

// TestEncodedSize checks encodedSize against what encode writes, across
// the lengths of varints and blocks of ones and of other frequencies.
func TestEncodedSize(t *testing.T) {
	type postings struct {
		name        string
		docs, freqs []uint32
	}
	tests := []postings{
		{name: "none"},
		{name: "first document 0", docs: []uint32{0}, freqs: []uint32{1}},
		{name: "gaps at varint edges", docs: []uint32{127, 255, 16638, 16639, 16639 + 16384}, freqs: []uint32{1, 1, 1, 1, 1}},
		{name: "frequencies at varint edges", docs: []uint32{1, 2, 3, 4}, freqs: []uint32{1, 127, 128, 65535}},
	}
	for _, n := range []int{blockSize - 1, blockSize, blockSize + 1, 5*blockSize + 3} {
		p := postings{name: fmt.Sprintf("%d postings, all once", n)}
		q := postings{name: fmt.Sprintf("%d postings, a few repeated", n)}
		for i := range n {
			p.docs, p.freqs = append(p.docs, uint32(i*i)), append(p.freqs, 1)
			q.docs, q.freqs = append(q.docs, uint32(i*3)), append(q.freqs, uint32(1+i%200/199*300))
		}
		tests = append(tests, p, q)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := &Index{params: DefaultBM25(), avgLen: 5, lens: make([]uint16, 1<<19)}
			ix.setNorms()
			enc, blocks := ix.encode(nil, nil, tc.docs, tc.freqs)
			if got := encodedSize(tc.docs, tc.freqs); got != len(enc) {
				t.Errorf("encodedSize = %d; encode wrote %d bytes", got, len(enc))
			}
			if want := (len(tc.docs) + blockSize - 1) / blockSize; len(blocks) != want {
				t.Errorf("%d blocks; want %d", len(blocks), want)
			}
		})
	}
}

// TestUvarintLen checks uvarintLen against appendUvarint at each length's
// edges.
func TestUvarintLen(t *testing.T) {
	for _, v := range []uint32{0, 1, 127, 128, 1<<14 - 1, 1 << 14, 1<<21 - 1, 1 << 21, 1<<28 - 1, 1 << 28, math.MaxUint32} {
		if got, want := uvarintLen(v), len(binary.AppendUvarint(nil, uint64(v))); got != want {
			t.Errorf("uvarintLen(%d) = %d; appendUvarint writes %d bytes", v, got, want)
		}
	}
}

// setProcs sets GOMAXPROCS and returns what puts it back.
func setProcs(n int) func() {
	old := runtime.GOMAXPROCS(n)
	return func() { runtime.GOMAXPROCS(old) }
}

// TestBuildIndexFewTerms checks indexes with no texts, no terms or one,
// built and read back from their file.
func TestBuildIndexFewTerms(t *testing.T) {
	tests := []struct {
		name     string
		texts    []string
		terms    int
		postings int
		lastTF   int // the frequency of "appl" in the last text
	}{
		{name: "no texts", texts: nil},
		{name: "empty texts", texts: []string{"", "", ""}},
		{name: "stop words and punctuation", texts: []string{"the a of", "...", "—"}},
		{name: "one term", texts: []string{"", "apples", "apple"}, terms: 1, postings: 2, lastTF: 1},
		{name: "one term, repeated", texts: []string{"apples apples apple"}, terms: 1, postings: 1, lastTF: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := Build(len(tc.texts), func(i int) string { return tc.texts[i] }, NewAnalyzer(AnalyzerOptions{}), DefaultBM25())
			if ix.NumTerms() != tc.terms || ix.NumPostings() != tc.postings {
				t.Errorf("%d terms, %d postings; want %d and %d", ix.NumTerms(), ix.NumPostings(), tc.terms, tc.postings)
			}
			var buf bytes.Buffer
			if _, err := ix.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			r, err := binfile.Open(buf.Bytes(), FileMagic, FileVersion)
			if err != nil {
				t.Fatal(err)
			}
			var h Header
			if err := ReadHeader(r, &h); err != nil {
				t.Fatal(err)
			}
			back, err := ReadSections(r, h, func(string) AnalyzerOptions { return AnalyzerOptions{} }, h.Params)
			if err != nil {
				t.Fatalf("the index's file does not read back: %v", err)
			}
			if back.NumTerms() != tc.terms || back.NumPostings() != tc.postings {
				t.Errorf("read back: %d terms, %d postings; want %d and %d", back.NumTerms(), back.NumPostings(), tc.terms, tc.postings)
			}
			if len(tc.texts) > 0 {
				for name, x := range map[string]*Index{"built": ix, "read back": back} {
					if got := x.TF("appl", len(tc.texts)-1); got != tc.lastTF {
						t.Errorf("%s: TF of appl in the last text = %d; want %d", name, got, tc.lastTF)
					}
				}
			}
		})
	}
}

// decodeBlockRef is decodeBlock without its shortcut for numbers of one
// byte: the block's gaps and then its frequencies read one varint at a
// time by encoding/binary.
func decodeBlockRef(data []byte, ones bool, prev uint32, docs, freqs []uint32) int {
	pos := 0
	for i := range len(docs) + len(freqs) {
		if i >= len(docs) && ones {
			freqs[i-len(docs)] = 1
			continue
		}
		v, k := binary.Uvarint(data[pos:])
		if k <= 0 {
			return -1
		}
		pos += k
		if i < len(docs) {
			prev += uint32(v)
			docs[i] = prev
		} else {
			freqs[i-len(docs)] = uint32(v)
		}
	}
	return pos
}

// FuzzDecodeBlock holds decodeBlock to decodeBlockRef on any bytes, for
// blocks of 1 to 128 postings with and without frequencies.
func FuzzDecodeBlock(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, uint8(10), false, uint32(0))
	f.Add([]byte{1, 0x81, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 0xff, 0xff, 0xff, 0xff, 0x0f}, uint8(12), true, uint32(7))
	f.Add(make([]byte, 300), uint8(127), false, uint32(1<<31))
	f.Fuzz(func(t *testing.T, data []byte, n uint8, ones bool, prev uint32) {
		n = n%blockSize + 1
		docs, freqs := make([]uint32, n), make([]uint32, n)
		wantDocs, wantFreqs := make([]uint32, n), make([]uint32, n)
		got := decodeBlock(data, ones, prev, docs, freqs)
		want := decodeBlockRef(data, ones, prev, wantDocs, wantFreqs)
		if got != want {
			t.Fatalf("decodeBlock read %d bytes, want %d", got, want)
		}
		if want >= 0 && (!slices.Equal(docs, wantDocs) || !slices.Equal(freqs, wantFreqs)) {
			t.Fatalf("decodeBlock = %v %v, want %v %v", docs, freqs, wantDocs, wantFreqs)
		}
	})
}
