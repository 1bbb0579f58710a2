package corpus

import (
	"math"
	"strings"
	"testing"
)

func TestCleanPDFLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"economics of print\ufffeing for good", "economics of print-\ning for good"},
		{"many were self\x02taught men", "many were self-\ntaught men"},
		{"ends with a hyphen\ufffe", "ends with a hyphen-"},
		{"EVEN IF AXE IS INDI\ufffeRECT", "EVEN IF AXE IS INDIRECT"},
		{"A De\ufffeStalinization", "A De-\nStalinization"},
		{"the ﬁrst ﬂoor", "the first floor"},
		{"a\x00b\x07c\ufeffd\tе  ", "abcd\tе"},
		{"bad \xff byte", "bad  byte"},
	}
	for _, tt := range tests {
		if got := cleanPDFLine(tt.in); got != tt.want {
			t.Errorf("cleanPDFLine(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestJoinPDFLines(t *testing.T) {
	in := []string{
		"Contents",
		"1.1 Console basics . . . . . . . . 1",
		"Preface . . . . . xii",
		"Links..........13 and more",
		"Wait... and see. 1.2.3",
	}
	want := "Contents\n\n\nLinks 13 and more\nWait... and see. 1.2.3"
	if got := joinPDFLines(in); got != want {
		t.Errorf("joinPDFLines(%q) = %q; want %q", in, got, want)
	}
}

func TestPDFPageLines(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name  string
		lines []pdfLine
		want  string
	}{
		{"a gap between paragraphs", []pdfLine{
			{"Heading", 700}, {"First line of text", 672}, {"second line.", 658}, {"Next paragraph", 630}, {"goes on.", 616},
		}, "Heading\n\nFirst line of text\nsecond line.\n\nNext paragraph\ngoes on."},
		{"a joined hyphen counts for two lines", []pdfLine{
			{"one", 700}, {"two", 686}, {"thr\ufffeee", 672}, {"five", 644}, {"six", 630},
		}, "one\ntwo\nthr-\nee\nfive\nsix"},
		{"a second column is no gap", []pdfLine{
			{"left one", 700}, {"left two", 686}, {"left three", 672}, {"right one", 700}, {"right two", 686},
		}, "left one\nleft two\nleft three\nright one\nright two"},
		{"unknown positions", []pdfLine{{"a", nan}, {"b", nan}, {"c", 10}}, "a\nb\nc"},
		{"no spacing seen twice", []pdfLine{{"a", 700}, {"b", 680}, {"c", 600}}, "a\nb\nc"},
	}
	for _, tt := range tests {
		if got := strings.Join(pdfPageLines(tt.lines), "\n"); got != tt.want {
			t.Errorf("%s: pdfPageLines = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestRemoveRunningHeads(t *testing.T) {
	page := func(lines ...string) []string { return lines }
	pages := [][]string{
		page("A BOOK", "", "Text of the first page.", "", "Copyright notice"),
		page("A BOOK", "Text of page two.", "Copyright notice"),
		page("", "A BOOK", "Text of page three.", "Copyright notice", ""),
		page("Chapter heading", "Text of page four.", "Copyright notice"),
		page("Debian Reference 5 / 9", "Page five."),
		page("Debian Reference 6 / 9", "Page six."),
		page("Debian Reference vii / 9", "Page seven."),
		page("42 A BOOK", "A page number line: the furniture step's."),
		page("Chapter heading", "Text."),
	}
	labels := []string{"", "", "", "", "5", "6", "vii", "", ""}
	head, n := removeRunningHeads(pages, labels)
	if head != "A BOOK" || n != 3 {
		t.Errorf("removeRunningHeads = %q, %d; want %q, 3", head, n, "A BOOK")
	}
	want := [][]string{
		page("", "Text of the first page.", ""),
		page("Text of page two."),
		page("", "Text of page three.", ""),
		page("Chapter heading", "Text of page four."),
		page("Page five."),
		page("Page six."),
		page("Page seven."),
		page("42 A BOOK", "A page number line: the furniture step's."),
		page("Chapter heading", "Text."),
	}
	for i := range pages {
		if strings.Join(pages[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("page %d = %q; want %q", i, pages[i], want[i])
		}
	}
}

func TestRemoveLabel(t *testing.T) {
	tests := []struct {
		lines []string
		label string
		want  string
	}{
		{[]string{"Text.", "", "v"}, "v", "Text.|"},
		{[]string{"", "T-1", "Table."}, "t-1", "|Table."},
		{[]string{"iv", "Text.", "iv"}, "iv", "Text."},
		{[]string{"Text.", "v"}, "", "Text.|v"},
		{[]string{"I saw v", "Text."}, "v", "I saw v|Text."},
	}
	for _, tt := range tests {
		if got := strings.Join(removeLabel(tt.lines, tt.label), "|"); got != tt.want {
			t.Errorf("removeLabel(%q, %q) = %q; want %q", tt.lines, tt.label, got, tt.want)
		}
	}
}

func TestPageRanges(t *testing.T) {
	tests := []struct {
		pages []int
		max   int
		want  string
	}{
		{[]int{0}, 8, "1"},
		{[]int{0, 1, 2}, 8, "1–3"},
		{[]int{0, 3, 4, 5, 9}, 8, "1, 4–6, 10"},
		{[]int{0, 2, 4, 6, 7}, 2, "1, 3 and 3 more"},
	}
	for _, tt := range tests {
		if got := pageRanges(tt.pages, tt.max); got != tt.want {
			t.Errorf("pageRanges(%v, %d) = %q; want %q", tt.pages, tt.max, got, tt.want)
		}
	}
}

func TestPDFTitle(t *testing.T) {
	for in, want := range map[string]string{
		"A History of Printing":          "A History of Printing",
		"  Debian\tReference ":           "Debian Reference",
		"Microsoft Word - thesis v3.doc": "",
		"chapter1.tex":                   "",
		"untitled":                       "",
		"Vol. 2":                         "Vol. 2",
	} {
		if got := pdfTitle(in); got != want {
			t.Errorf("pdfTitle(%q) = %q; want %q", in, got, want)
		}
	}
}
