// The functions every line or word of a corpus goes through, tested
// against their former, simpler forms: making them fast must not change
// what they find.

package corpus

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// pageNumberLineBefore is pageNumberLine as it was before it turned most
// lines down early: the reference FuzzPageNumberLine compares with.
func pageNumberLineBefore(s string) (label, before, after string, ok bool) {
	t := strings.TrimSpace(s)
	if t == "" || len(t) > 90 {
		return "", "", "", false
	}
	if l, ok := bareNumberBefore(t); ok {
		return l, "", "", true
	}
	lower := strings.ToLower(t)
	for _, prefix := range []string{"page ", "p. ", "pg. ", "pg "} {
		if rest, found := strings.CutPrefix(lower, prefix); found {
			rest = strings.TrimSpace(rest)
			if i := strings.Index(rest, " of "); i > 0 {
				rest = rest[:i]
			}
			if isDigits(rest) && len(rest) <= 5 {
				return rest, "", "", true
			}
		}
	}
	for _, d := range []string{"-", "–", "—"} {
		if inner, found := strings.CutPrefix(t, d); found {
			if inner, found = strings.CutSuffix(inner, d); found {
				if l, ok := bareNumberBefore(strings.TrimSpace(inner)); ok {
					return l, "", "", true
				}
			}
		}
	}
	fields := strings.FieldsFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || r == '|' || r == '•' || r == '·'
	})
	if len(fields) < 2 {
		return "", "", "", false
	}
	if isDigits(fields[0]) && len(fields[0]) <= 4 {
		rest := strings.Join(fields[1:], " ")
		if runningText(rest) {
			return fields[0], "", rest, true
		}
	}
	if last := fields[len(fields)-1]; isDigits(last) && len(last) <= 4 {
		rest := strings.Join(fields[:len(fields)-1], " ")
		if runningText(rest) {
			return last, rest, "", true
		}
	}
	return "", "", "", false
}

func bareNumberBefore(t string) (string, bool) {
	if isDigits(t) && len(t) <= 5 && t[0] != '0' {
		return t, true
	}
	if _, ok := romanValueBefore(t); ok {
		return t, true
	}
	return "", false
}

// romanValueBefore is romanValue as it was, with a map of the digits.
func romanValueBefore(s string) (int, bool) {
	if len(s) < 2 || len(s) > 12 {
		return 0, false
	}
	if s != strings.ToLower(s) && s != strings.ToUpper(s) {
		return 0, false
	}
	u := strings.ToUpper(s)
	val := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	total := 0
	for i := 0; i < len(u); i++ {
		v, ok := val[u[i]]
		if !ok {
			return 0, false
		}
		if i+1 < len(u) && val[u[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	return total, total > 0 && total < 4000 && toRoman(total) == u
}

// vocabularyBefore is buildVocabulary as it was: strings.Fields, trimmed,
// lower-cased, counted in a map.
func vocabularyBefore(lines []rawLine, skip []bool) map[string]int {
	v := map[string]int{}
	for i, l := range lines {
		if skip[i] {
			continue
		}
		fields := strings.Fields(l.text)
		for k, f := range fields {
			if k == len(fields)-1 && strings.HasSuffix(f, "-") {
				continue
			}
			if k == 0 && i > 0 && strings.HasSuffix(strings.TrimSpace(lines[i-1].text), "-") {
				continue
			}
			w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
			if w != "" {
				v[w]++
			}
		}
	}
	return v
}

// writeWordsBefore is writeWords as it was, rune by rune, with the file
// offset of each byte from a function.
func writeWordsBefore(pb *paraBuilder, text string, src func(int) int, glue bool) {
	isSpace := func(i int) bool {
		r, _ := utf8.DecodeRuneInString(text[i:])
		return unicode.IsSpace(r)
	}
	i := 0
	for i < len(text) {
		for i < len(text) && isSpace(i) {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
		j := i
		for j < len(text) && !isSpace(j) {
			_, size := utf8.DecodeRuneInString(text[j:])
			j += size
		}
		if j > i {
			if !glue {
				pb.space()
			}
			glue = false
			for k := i; k < j; {
				e := k + 1
				for e < j && src(e) == src(e-1)+1 {
					e++
				}
				pb.write(text[k:e], src(k))
				k = e
			}
		}
		i = j
	}
}

// splitLinesBefore is splitLines as it was, byte by byte.
func splitLinesBefore(data []byte, from int) []rawLine {
	var lines []rawLine
	start := from
	brk := false
	for i := from; i <= len(data); i++ {
		if i < len(data) && data[i] != '\n' && data[i] != '\r' && data[i] != '\f' {
			continue
		}
		lines = append(lines, rawLine{text: string(data[start:i]), off: start, pageBreak: brk})
		brk = false
		if i == len(data) {
			break
		}
		switch data[i] {
		case '\f':
			brk = true
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
		}
		start = i + 1
	}
	if n := len(lines); n > 0 && lines[n-1].text == "" && !lines[n-1].pageBreak {
		lines = lines[:n-1]
	}
	return lines
}

// hotSeeds are lines and texts that take each path of the functions above:
// page numbers of every form, Roman numerals (and letters that upper-case
// to them), separators outside ASCII, broken words, invalid UTF-8.
var hotSeeds = []string{
	"", " ", "388", "0388", "123456", "xii", "XII", "Xii", "iiii", "mcmxcix", "xı", "ſ", "i",
	"Page 12", "PAGE 12 of 300", "p. 7", "pg. 3", "pg 3", "page x", "Pg 12 OF 30", "p\u0130ge 1",
	"- 12 -", "– xii –", "— 7 —", "-12-", "- 012 -",
	"DE-STALINIZATION 388", "388 | ENCYCLOPEDIA OF RUSSIAN HISTORY", "| 12 | Title Case |",
	"12 • Chapter One", "Chapter One · 12", "12\u00a0Head", "Head\u2003 12", "12 3", "1 2 3 4",
	"He was born in 1956 and died", "See table 4", "Version 2.3", "12 the end.", "12 Running Head:",
	"al-\nthough the So-\nviet self-\ncensorship", "word-\n-\n-though", "  two  spaces\there ",
	"Ünïcödé Wörds — and ŁÓDŹ-\nstyle", "bad \xff utf8 \xe2\x80 here", "\xe2\x80\xa2 12", "12 \xc2\xb7",
	"\u2028line\u2029sep\u0085nel", "TWENTY-\nSECOND and twenty-\nsecond", "(parens) [x] 3rd-\nparty",
	"a\r\nb\rc\fd\n\ne\f\f", "\f", "\r\n", "x\n", "\n\n\n",
	"eight by eight bytes to  the block", "abcdefg  hijklmn", "abcdefgh ijklmnop  ", "tab\tin a line of words",
	"plain words of ascii, one after another, in a line long enough", "x\x7fy del and \x01 control words",
}

func FuzzPageNumberLine(f *testing.F) {
	for _, s := range hotSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, b, a, ok := pageNumberLine(s)
		wl, wb, wa, wok := pageNumberLineBefore(s)
		if l != wl || b != wb || a != wa || ok != wok {
			t.Fatalf("pageNumberLine(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", s, l, b, a, ok, wl, wb, wa, wok)
		}
		v, ok := romanValue(s)
		wv, wok := romanValueBefore(s)
		if v != wv || ok != wok {
			t.Fatalf("romanValue(%q) = %d, %v; want %d, %v", s, v, ok, wv, wok)
		}
	})
}

func FuzzBuildVocabulary(f *testing.F) {
	for _, s := range hotSeeds {
		f.Add(s, uint64(0))
		f.Add(s, uint64(0b1010))
	}
	f.Fuzz(func(t *testing.T, text string, skipBits uint64) {
		lines := splitLinesBefore([]byte(text), 0)
		skip := make([]bool, len(lines))
		for i := range skip {
			skip[i] = skipBits&(1<<(i%64)) != 0
		}
		got := buildVocabulary(nil, lines, skip)
		want := vocabularyBefore(lines, skip)
		if got.n != len(want) {
			t.Fatalf("buildVocabulary(%q) has %d words; want %d: %v", text, got.n, len(want), want)
		}
		for w, n := range want {
			if c := got.count(w); c != n {
				t.Fatalf("buildVocabulary(%q) counts %q %d times; want %d", text, w, c, n)
			}
		}
	})
}

func FuzzWriteWords(f *testing.F) {
	for _, s := range hotSeeds {
		f.Add(s, 7, false, false)
		f.Add(s, 0, true, true)
	}
	f.Fuzz(func(t *testing.T, text string, off int, glue, mapped bool) {
		off &= 1<<20 - 1
		var offs []int
		src := func(k int) int { return off + k }
		if mapped {
			// Every third byte jumps, as text rebuilt from Markdown does.
			offs = make([]int, len(text))
			for k := range offs {
				offs[k] = off + k + k/3
			}
			src = func(k int) int { return offs[k] }
		}
		var got, want paraBuilder
		for _, pb := range []*paraBuilder{&got, &want} {
			pb.write("before", 0)
		}
		writeWords(nil, &got, text, off, offs, glue)
		writeWordsBefore(&want, text, src, glue)
		if string(got.buf) != string(want.buf) || !equalAnchors(got.anchors, want.anchors) {
			t.Fatalf("writeWords(%q, glue %v, mapped %v) = %q %v; want %q %v", text, glue, mapped, got.buf, got.anchors, want.buf, want.anchors)
		}
	})
}

func equalAnchors(a, b []anchor) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func FuzzSplitLines(f *testing.F) {
	for _, s := range hotSeeds {
		f.Add(s, 0)
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, text string, from int) {
		data := []byte(text)
		from = min(max(from, 0), len(data))
		got, want := splitLines(nil, data, from), splitLinesBefore(data, from)
		if len(got) != len(want) {
			t.Fatalf("splitLines(%q, %d) = %d lines; want %d", text, from, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("splitLines(%q, %d) line %d = %+v; want %+v", text, from, i, got[i], want[i])
			}
		}
	})
}

// TestHotSeeds runs the seeds through the comparisons above as a plain
// test, with a few lines built around each.
func TestHotSeeds(t *testing.T) {
	for _, s := range hotSeeds {
		for _, line := range []string{s, "  " + s + "  ", s + " 12", "12 " + s, "| " + s + " |"} {
			l, b, a, ok := pageNumberLine(line)
			wl, wb, wa, wok := pageNumberLineBefore(line)
			if l != wl || b != wb || a != wa || ok != wok {
				t.Errorf("pageNumberLine(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", line, l, b, a, ok, wl, wb, wa, wok)
			}
		}
	}
}

// plainWordsByByte is plainWords a byte at a time.
func plainWordsByByte(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] >= utf8.RuneSelf || s[i] == ' ' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}

func FuzzPlainWords(f *testing.F) {
	for _, s := range hotSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := plainWords(s), plainWordsByByte(s); got != want {
			t.Fatalf("plainWords(%q) = %v; want %v", s, got, want)
		}
	})
}
