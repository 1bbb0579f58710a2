package corpus

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// Reason is the kind of problem that kept a file out of a corpus, in words
// short enough to count by ("too big"). Summary groups skipped files by it.
// Its values are stable: index files store them.
type Reason string

// The reasons a file is skipped.
const (
	// ReasonUnsupported: a regular file whose name does not end in one of
	// Extensions (.docx, .odt, no extension). Only files in a folder are
	// skipped for this; a file named directly is read whatever its name.
	ReasonUnsupported Reason = "unsupported type"
	// ReasonNotRegular: a named pipe, socket or device, a symbolic link to
	// one, or a symbolic link to a folder. Such files are never opened.
	ReasonNotRegular Reason = "not a regular file"
	// ReasonBrokenLink: a symbolic link to nothing, or one that loops.
	ReasonBrokenLink Reason = "broken link"
	// ReasonUnreadable: a file or folder that cannot be opened or read, for
	// want of permission or because of an I/O error.
	ReasonUnreadable Reason = "unreadable"
	// ReasonVanished: a file removed after the folder was listed.
	ReasonVanished Reason = "vanished"
	// ReasonChanged: a file written to while it was read.
	ReasonChanged Reason = "changed while read"
	// ReasonTooBig: a file over the per-file limit.
	ReasonTooBig Reason = "too big"
	// ReasonOverLimit: a file that would take the corpus over its total
	// limit, or over what a corpus can address.
	ReasonOverLimit Reason = "over the corpus limit"
	// ReasonBinary: a file that is not text.
	ReasonBinary Reason = "binary"
	// ReasonNotUTF8: text in another encoding than UTF-8.
	ReasonNotUTF8 Reason = "not UTF-8"
	// ReasonEmpty: a file with nothing but white space in it.
	ReasonEmpty Reason = "empty"
	// ReasonNoText: a file with no sentence in it once page furniture and
	// markup are taken out.
	ReasonNoText Reason = "no usable text"
	// ReasonFrontMatter: a file whose front matter cannot be used.
	ReasonFrontMatter Reason = "bad front matter"
	// ReasonEncrypted: a document that cannot be read without a password
	// or key: a PDF with a user password, an EPUB with DRM.
	ReasonEncrypted Reason = "encrypted"
	// ReasonDamaged: a PDF or EPUB whose structure cannot be read:
	// truncated, corrupt, or not of its kind at all.
	ReasonDamaged Reason = "damaged"
	// ReasonScanned: a PDF with pages but no text on any of them, as a
	// scanned book has until it is run through OCR.
	ReasonScanned Reason = "scanned (no text)"
	// ReasonTimeout: a PDF that took longer to read than its time limit
	// (see PDFTimeout).
	ReasonTimeout Reason = "timed out"
	// ReasonOther: anything else, and files skipped by an index file that
	// predates reasons.
	ReasonOther Reason = "other"
)

// reasons is the order in which Summary lists reasons with equal counts.
var reasons = []Reason{
	ReasonUnsupported, ReasonNotRegular, ReasonBrokenLink, ReasonUnreadable,
	ReasonVanished, ReasonChanged, ReasonTooBig, ReasonOverLimit, ReasonBinary,
	ReasonNotUTF8, ReasonEmpty, ReasonNoText, ReasonFrontMatter,
	ReasonEncrypted, ReasonDamaged, ReasonScanned, ReasonTimeout, ReasonOther,
}

// kind returns e's reason, worked out from its error when it has none.
func (e *FileError) kind() Reason {
	if e.Reason != "" {
		return e.Reason
	}
	return reasonOf(e.Err)
}

// reasonOf classifies an error from reading or parsing a file.
func reasonOf(err error) Reason {
	var fe *FileError
	switch {
	case errors.As(err, &fe) && fe.Reason != "":
		return fe.Reason
	case errors.Is(err, ErrEmpty):
		return ReasonEmpty
	case errors.Is(err, ErrBinary):
		return ReasonBinary
	case errors.Is(err, errBadUTF8):
		return ReasonNotUTF8
	case errors.Is(err, ErrTooBig):
		return ReasonTooBig
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrOverLimit):
		return ReasonOverLimit
	case errors.Is(err, ErrNoText):
		return ReasonNoText
	case errors.Is(err, ErrFrontMatter):
		return ReasonFrontMatter
	case errors.Is(err, ErrNotRegular):
		return ReasonNotRegular
	case errors.Is(err, ErrChanged):
		return ReasonChanged
	case errors.Is(err, fs.ErrPermission):
		return ReasonUnreadable
	}
	return ReasonOther
}

// Summary counts what a load read and what it left out.
type Summary struct {
	// Files and Bytes are the documents loaded and their total size.
	Files int
	Bytes int64
	// Skipped is the number of files left out; Reasons counts them by
	// reason.
	Skipped int
	Reasons map[Reason]int
	// Unsupported counts the files of ReasonUnsupported by extension: lower
	// case with its dot (".pdf"), "" for a name without one.
	Unsupported map[string]int
}

// Summary counts the corpus's documents and its skipped files. Hidden files
// and folders (names starting with ".") are not counted: Load ignores them
// without a word.
func (c *Corpus) Summary() Summary {
	s := Summary{Files: len(c.docs), Bytes: c.bytes, Skipped: len(c.skipped),
		Reasons: map[Reason]int{}, Unsupported: map[string]int{}}
	for _, fe := range c.skipped {
		r := fe.kind()
		s.Reasons[r]++
		if r == ReasonUnsupported {
			s.Unsupported[strings.ToLower(filepath.Ext(fe.Path))]++
		}
	}
	return s
}

// maxExtensions is how many extensions Summary.String names.
const maxExtensions = 8

// String returns the summary as one line: "read 12 files (3.4 MiB);
// skipped 5: 3 unsupported type (.pdf 2, .html 1), 1 not a regular file,
// 1 too big". Reasons come most frequent first, then in the order of the
// Reason constants; extensions most frequent first, then alphabetically
// ("no extension" last), with at most eight named. Nothing skipped reads "skipped none".
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "read %s (%s); skipped ", plural(s.Files, "file"), formatBytes(s.Bytes))
	if s.Skipped == 0 {
		b.WriteString("none")
		return b.String()
	}
	fmt.Fprintf(&b, "%d: ", s.Skipped)
	for i, r := range sortedKeys(s.Reasons, func(a, b Reason) int {
		if ra, rb := rank(reasons, a), rank(reasons, b); ra != rb {
			return ra - rb
		}
		return strings.Compare(string(a), string(b))
	}) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", s.Reasons[r], r)
		if r == ReasonUnsupported && len(s.Unsupported) > 0 {
			b.WriteString(" (")
			exts := sortedKeys(s.Unsupported, func(a, b string) int {
				if (a == "") != (b == "") {
					return len(b) - len(a) // "" (no extension) last
				}
				return strings.Compare(a, b)
			})
			for j, e := range exts[:min(len(exts), maxExtensions)] {
				if j > 0 {
					b.WriteString(", ")
				}
				if e == "" {
					e = "no extension"
				}
				fmt.Fprintf(&b, "%s %d", e, s.Unsupported[exts[j]])
			}
			if n := len(exts) - maxExtensions; n > 0 {
				fmt.Fprintf(&b, ", %s more", plural(n, "extension"))
			}
			b.WriteString(")")
		}
	}
	return b.String()
}

// sortedKeys returns m's keys, the largest count first, ties in cmp's
// order.
func sortedKeys[K comparable](m map[K]int, cmp func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return cmp(a, b)
	})
	return keys
}

// rank is r's position in order; reasons not in it (from a newer index
// file) come after.
func rank(order []Reason, r Reason) int {
	if i := slices.Index(order, r); i >= 0 {
		return i
	}
	return len(order)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// formatBytes writes a size in binary units: "900 bytes", "12 KiB",
// "3.4 MiB", "1 GiB".
func formatBytes(n int64) string {
	if n < 1024 {
		if n == 1 {
			return "1 byte"
		}
		return fmt.Sprintf("%d bytes", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	div, u := int64(1024), 0
	for n/div >= 1024 && u < len(units)-1 {
		div *= 1024
		u++
	}
	if n%div == 0 {
		return fmt.Sprintf("%d %s", n/div, units[u])
	}
	return fmt.Sprintf("%.1f %s", float64(n)/float64(div), units[u])
}
