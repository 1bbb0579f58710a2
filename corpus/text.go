package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"go.yaml.in/yaml/v3"
)

// Errors a file can fail with; FileError wraps them.
var (
	ErrEmpty   = errors.New("the file has no text; add some or remove the file")
	ErrBinary  = errors.New("this looks like a binary file, not text; lectern reads UTF-8 .txt and .md files")
	ErrTooBig  = fmt.Errorf("the file is larger than %d MiB; split it into smaller files", MaxFileBytes>>20)
	ErrNoText  = errors.New("no usable text: every line is page furniture, markup or blank")
	errBadUTF8 = errors.New("not valid UTF-8")
)

// MaxFileBytes is the largest file lectern loads.
const MaxFileBytes = 512 << 20

// checkText reports why data cannot be read as text, or nil.
func checkText(data []byte) error {
	if len(data) > MaxFileBytes {
		return ErrTooBig
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return ErrEmpty
	}
	sample := data
	if len(sample) > 8192 {
		sample = sample[:8192]
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return ErrBinary
	}
	controls := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' {
			controls++
		}
	}
	if controls*20 > len(sample) {
		return ErrBinary
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line := 1 + bytes.Count(data[:off], []byte{'\n'})
		return fmt.Errorf("%w at byte %d (line %d); save the file as UTF-8", errBadUTF8, off, line)
	}
	return nil
}

// frontMatter parses an optional YAML front-matter block at the start of
// data ("---" line, YAML, "---" or "..." line). It returns the metadata and
// the offset where the body starts.
func frontMatter(data []byte) (Meta, []string, int, error) {
	var meta Meta
	first, rest, ok := cutLine(data, 0)
	if !ok || strings.TrimRight(string(data[first:rest]), " \t\r\n") != "---" {
		return meta, nil, 0, nil
	}
	for off := rest; off < len(data); {
		start, next, _ := cutLine(data, off)
		line := strings.TrimRight(string(data[start:next]), " \t\r\n")
		if line == "---" || line == "..." {
			var raw map[string]any
			if err := yaml.Unmarshal(data[rest:start], &raw); err != nil {
				return meta, nil, 0, fmt.Errorf("front matter: %v", err)
			}
			var unknown []string
			for k, v := range raw {
				s := fmt.Sprint(v)
				if v == nil {
					s = ""
				}
				switch strings.ToLower(k) {
				case "title":
					meta.Title = s
				case "source":
					meta.Source = s
				case "author":
					meta.Author = s
				case "url":
					meta.URL = s
				case "page":
					meta.Page = s
				default:
					unknown = append(unknown, k)
				}
			}
			sort.Strings(unknown) // map order is random; keep the warnings stable
			return meta, unknown, next, nil
		}
		off = next
	}
	return meta, nil, 0, errors.New("front matter: the opening \"---\" line has no closing \"---\" line")
}

// cutLine returns the start of the line at off and the offset after its
// newline.
func cutLine(data []byte, off int) (start, next int, ok bool) {
	if off >= len(data) {
		return off, off, false
	}
	i := bytes.IndexByte(data[off:], '\n')
	if i < 0 {
		return off, len(data), true
	}
	return off, off + i + 1, true
}

// rawLine is one line of a file's body. A form feed ends a line too.
type rawLine struct {
	text      string // without the line terminator
	off       int    // byte offset of text in the file
	pageBreak bool   // a form feed comes before this line
}

func (l rawLine) blank() bool { return strings.TrimSpace(l.text) == "" }

// splitLines cuts data[from:] into lines at "\n", "\r\n", "\r" and "\f".
func splitLines(data []byte, from int) []rawLine {
	var lines []rawLine
	start := from
	brk := false
	for i := from; i <= len(data); i++ {
		if i < len(data) && data[i] != '\n' && data[i] != '\r' && data[i] != '\f' {
			continue
		}
		// The lines share data's bytes: they live only while the file is
		// parsed, and what outlives it is copied.
		var text string
		if i > start {
			text = unsafe.String(&data[start], i-start)
		}
		lines = append(lines, rawLine{text: text, off: start, pageBreak: brk})
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
	// A file ending in a newline has no empty last line.
	if n := len(lines); n > 0 && lines[n-1].text == "" && !lines[n-1].pageBreak {
		lines = lines[:n-1]
	}
	return lines
}

// titleCase turns an all-capitals line such as "ENCYCLOPEDIA OF RUSSIAN
// HISTORY" into "Encyclopedia of Russian History". Text with lower-case
// letters is returned as it is.
func titleCase(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if strings.IndexFunc(s, unicode.IsLower) >= 0 {
		return s
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		lw := strings.ToLower(w)
		if i > 0 && minorWords[lw] {
			words[i] = lw
			continue
		}
		parts := strings.Split(lw, "-")
		for j, p := range parts {
			parts[j] = capitalize(p)
		}
		words[i] = strings.Join(parts, "-")
	}
	return strings.Join(words, " ")
}

var minorWords = setOf("a", "an", "the", "and", "but", "or", "nor", "of", "in",
	"on", "at", "to", "by", "for", "from", "with", "as", "into", "vs")

func capitalize(w string) string {
	r, size := utf8.DecodeRuneInString(w)
	if size == 0 {
		return w
	}
	return string(unicode.ToUpper(r)) + w[size:]
}
