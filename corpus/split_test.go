package corpus_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"lectern/corpus"
)

// texts returns the text of each span.
func texts(text string, spans []corpus.Span) []string {
	var out []string
	for _, s := range spans {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

var splitTests = []struct {
	name string
	in   string
	want []string
}{
	{"empty", "", nil},
	{"white space only", " \t\n\u00a0\u2003 ", nil},
	{"one sentence", "Stalin died in 1953.", []string{"Stalin died in 1953."}},
	{"no full stop", "  a fragment without an end  ", []string{"a fragment without an end"}},
	{"two sentences", "Stalin died. Khrushchev spoke.", []string{"Stalin died.", "Khrushchev spoke."}},
	{"extra white space", "\n  One.\t\n Two.  \n", []string{"One.", "Two."}},

	// Titles and abbreviations.
	{"Dr.", "Dr. Zhivago was banned. It appeared abroad.", []string{"Dr. Zhivago was banned.", "It appeared abroad."}},
	{"Mr. and Mrs.", "Mr. Smith met Mrs. Jones. They talked.", []string{"Mr. Smith met Mrs. Jones.", "They talked."}},
	{"St.", "He moved to St. Petersburg. It was cold.", []string{"He moved to St. Petersburg.", "It was cold."}},
	{"e.g.", "Some writers, e.g. Solzhenitsyn, were published. Others were not.",
		[]string{"Some writers, e.g. Solzhenitsyn, were published.", "Others were not."}},
	{"e.g. before a capital", "Use a name, e.g. Gori. It works.", []string{"Use a name, e.g. Gori.", "It works."}},
	{"i.e.", "The thaw, i.e. the relaxation, began. It ended.", []string{"The thaw, i.e. the relaxation, began.", "It ended."}},
	{"i.e. before a capital", "His birthplace, i.e. Gori, kept them. Others did not.",
		[]string{"His birthplace, i.e. Gori, kept them.", "Others did not."}},
	{"U.S. Army", "The U.S. Army landed. It stayed.", []string{"The U.S. Army landed.", "It stayed."}},
	{"in the U.S. The", "He lived in the U.S. The war ended.", []string{"He lived in the U.S.", "The war ended."}},
	{"U.S.S.R. at the end", "He returned to the U.S.S.R.", []string{"He returned to the U.S.S.R."}},
	{"(U.S. Army)", "A unit (U.S. Army) landed.", []string{"A unit (U.S. Army) landed."}},
	{"et al. The", "Smith et al. The results held.", []string{"Smith et al.", "The results held."}},
	{"Inc. The", "He joined Acme Inc. The firm grew.", []string{"He joined Acme Inc.", "The firm grew."}},

	// Initials.
	{"initials", "J. V. Stalin died in 1953.", []string{"J. V. Stalin died in 1953."}},
	{"initials after a word", "The works of V. I. Lenin were reprinted. Stalin's were not.",
		[]string{"The works of V. I. Lenin were reprinted.", "Stalin's were not."}},

	// Numbers.
	{"decimal", "Pi is 3.14 or so. Next.", []string{"Pi is 3.14 or so.", "Next."}},
	{"version", "Go 1.26.0 is out. Get it.", []string{"Go 1.26.0 is out.", "Get it."}},
	{"number at the end", "It happened in 1956. The next came in 1961.", []string{"It happened in 1956.", "The next came in 1961."}},
	{"No. 5", "See No. 5 in the list. It is short.", []string{"See No. 5 in the list.", "It is short."}},
	{"no. before a word", "He said no. Then he left.", []string{"He said no.", "Then he left."}},
	{"p. 388", "It is on p. 388 of the book. Read it.", []string{"It is on p. 388 of the book.", "Read it."}},
	{"pp. 10", "See pp. 10–12 there.", []string{"See pp. 10–12 there."}},
	{"Vol. IV", "It is in Vol. IV of the set.", []string{"It is in Vol. IV of the set."}},
	{"Jan. 12", "He died on Jan. 12 that year.", []string{"He died on Jan. 12 that year."}},

	// Ellipses.
	{"ellipsis", "He paused... Then he spoke.", []string{"He paused...", "Then he spoke."}},
	{"ellipsis rune", "He paused… Then he spoke.", []string{"He paused…", "Then he spoke."}},
	{"ellipsis before lower case", "He paused... and then spoke.", []string{"He paused... and then spoke."}},
	{"ellipsis at the start", "... Then he spoke.", []string{"...", "Then he spoke."}},

	// Brackets and quotes.
	{"year after a title", "One Day in the Life of Ivan Denisovich (1962) was important. So was the rewriting.",
		[]string{"One Day in the Life of Ivan Denisovich (1962) was important.", "So was the rewriting."}},
	{"year in brackets before the full stop", "He wrote One Day (1962). It was read.",
		[]string{"He wrote One Day (1962).", "It was read."}},
	{"closing quote", `He said "Go." Then he left.`, []string{`He said "Go."`, "Then he left."}},
	{"closing curly quote", "He said “Go.” Then he left.", []string{"He said “Go.”", "Then he left."}},
	{"closing single quotes", "He said ‘Go.’ Then he left.", []string{"He said ‘Go.’", "Then he left."}},
	{"closing bracket", "(See below.) Then read on.", []string{"(See below.)", "Then read on."}},
	{"quote and bracket", `(He said "no.") Then.`, []string{`(He said "no.")`, "Then."}},
	{"opening quote after", `He left. "Why?" she asked.`, []string{"He left.", `"Why?" she asked.`}},
	{"bracket after", "He left. (Nobody knew.) Then.", []string{"He left.", "(Nobody knew.)", "Then."}},
	{"quote mid sentence", `He said "Go." and left.`, []string{`He said "Go." and left.`}},

	// Semicolons, colons, commas.
	{"semicolon", "This process was uneven; many were held back.", []string{"This process was uneven; many were held back."}},
	{"colon", "Fourth is symbolism: The cult disappeared.", []string{"Fourth is symbolism: The cult disappeared."}},
	{"full stop before comma", "Stalin etc., were gone.", []string{"Stalin etc., were gone."}},

	// Question and exclamation marks.
	{"question", "Why? Because. Fine!", []string{"Why?", "Because.", "Fine!"}},
	{"exclamation", "Stop! He stopped.", []string{"Stop!", "He stopped."}},
	{"interrobang run", "What?! Really?? Yes.", []string{"What?!", "Really??", "Yes."}},
	{"question before lower case", `"Why?" she asked.`, []string{`"Why?" she asked.`}},

	// Case.
	{"lower case after a full stop", "He stopped. then went on.", []string{"He stopped. then went on."}},
	{"digit after a full stop", "It rose. 1962 was worse.", []string{"It rose.", "1962 was worse."}},
	{"no space after a full stop", "See example.com. Or not.", []string{"See example.com.", "Or not."}},
	{"non-Latin", "Сталин умер. Хрущёв выступил.", []string{"Сталин умер.", "Хрущёв выступил."}},
}

func TestSplitSentences(t *testing.T) {
	for _, tt := range splitTests {
		t.Run(tt.name, func(t *testing.T) {
			got := texts(tt.in, corpus.SplitSentences(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitSentences(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestSplitSentencesOffsets checks exact byte offsets, multi-byte runes and
// white space included.
func TestSplitSentencesOffsets(t *testing.T) {
	tests := []struct {
		in   string
		want []corpus.Span
	}{
		{"", nil},
		{"A.", []corpus.Span{{0, 2}}},
		{"  Go. On.  ", []corpus.Span{{2, 5}, {6, 9}}},
		{"Stalin’s role. Gori.", []corpus.Span{{0, 16}, {17, 22}}},
		{"He said “Go.”\n\tThen.", []corpus.Span{{0, 17}, {19, 24}}},
		{"\u00a0One.\u2003Two.", []corpus.Span{{2, 6}, {9, 13}}},
	}
	for _, tt := range tests {
		got := corpus.SplitSentences(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitSentences(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

// TestSplitSentencesCap checks that text without sentence punctuation is cut
// into pieces of at most MaxSentenceBytes, at white space when there is some
// in the second half of the piece.
func TestSplitSentencesCap(t *testing.T) {
	const max = corpus.MaxSentenceBytes
	tests := []struct {
		name string
		in   string
		want []int // the pieces' lengths
	}{
		{"exactly the cap", strings.Repeat("a", max), []int{max}},
		{"one byte over, no space", strings.Repeat("a", max+1), []int{max, 1}},
		{"words", strings.Repeat("word ", 300), []int{999, 499}},
		{"space in the first half only", "a " + strings.Repeat("b", 2*max), []int{max, max, 2}},
		{"multi-byte runes", strings.Repeat("ж", max), []int{max, max}},
		{"three-byte runes", strings.Repeat("€", max/3+1), []int{999, 3}},
		{"invalid UTF-8", strings.Repeat("\x80", max+500), []int{max, 500}},
		{"long sentence then short", strings.Repeat("x", 1500) + ". Short one.", []int{max, 501, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spans := corpus.SplitSentences(tt.in)
			var got []int
			for _, s := range spans {
				got = append(got, s.End-s.Start)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("SplitSentences(%.20q...) piece lengths = %v; want %v", tt.in, got, tt.want)
			}
			checkSpans(t, tt.in, spans)
		})
	}
}

// checkSpans checks what SplitSentences promises for any text: spans in
// order, within bounds, not empty, not overlapping, at most MaxSentenceBytes
// long, neither starting nor ending with white space, with only white space
// between and around them.
func checkSpans(t *testing.T, text string, spans []corpus.Span) {
	t.Helper()
	prev := 0
	for i, s := range spans {
		if s.Start < prev || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("SplitSentences(%q)[%d] = %v after end %d; want ordered, non-empty, within [0,%d]", text, i, s, prev, len(text))
		}
		if gap := text[prev:s.Start]; strings.TrimFunc(gap, unicode.IsSpace) != "" {
			t.Errorf("SplitSentences(%q): text %q before span %d %v is not white space", text, gap, i, s)
		}
		if n := s.End - s.Start; n > corpus.MaxSentenceBytes {
			t.Errorf("SplitSentences(%q)[%d] = %v, %d bytes; want at most MaxSentenceBytes = %d", text, i, s, n, corpus.MaxSentenceBytes)
		}
		r, _ := utf8.DecodeRuneInString(text[s.Start:s.End])
		l, _ := utf8.DecodeLastRuneInString(text[s.Start:s.End])
		if unicode.IsSpace(r) || unicode.IsSpace(l) {
			t.Errorf("SplitSentences(%q)[%d] = %q; want no white space at either end", text, i, text[s.Start:s.End])
		}
		prev = s.End
	}
	if rest := text[prev:]; strings.TrimFunc(rest, unicode.IsSpace) != "" {
		t.Errorf("SplitSentences(%q): text %q after the last span is not white space", text, rest)
	}
}

func FuzzSplitSentences(f *testing.F) {
	for _, tt := range splitTests {
		f.Add(tt.in)
	}
	for _, s := range []string{
		"...", "…", ". . .", "?!", "\"\"\"", ". A", "A .B", "A. ", " .",
		"\x80", "\xff. A", "A.\xe2\x80", "U.S.", "e.g.", "(", ")", "“.”",
		strings.Repeat("a", corpus.MaxSentenceBytes+1),
		strings.Repeat("a ", corpus.MaxSentenceBytes),
		strings.Repeat("\x80", corpus.MaxSentenceBytes+3),
		strings.Repeat("ж", corpus.MaxSentenceBytes) + ". Next.",
		string(corpus.DefaultText()),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkSpans(t, text, corpus.SplitSentences(text))
	})
}

// TestSplitSentencesLongRuns checks that long runs of terminators, spaces
// and closers take linear time: a megabyte of them takes minutes if the
// splitter rescans a run from each of its terminators.
func TestSplitSentencesLongRuns(t *testing.T) {
	const n = 1 << 20
	for _, in := range []string{
		strings.Repeat(".", n) + "x",
		strings.Repeat("?!", n/2) + " lower case",
		"A" + strings.Repeat(".\"", n/2) + "x",
		strings.Repeat(". ", n/2) + "x",
	} {
		spans := corpus.SplitSentences(in)
		checkSpans(t, in, spans)
		if len(spans) == 0 {
			t.Errorf("SplitSentences(%.20q...) = no spans", in)
		}
	}
}

func BenchmarkSplitSentences(b *testing.B) {
	text := strings.Join(sentences(corpus.Default()), " ")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		corpus.SplitSentences(text)
	}
}
