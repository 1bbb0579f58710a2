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
	ErrEmpty  = errors.New("the file has no text; add some or remove the file")
	ErrBinary = errors.New("this looks like a binary file, not text; lectern reads UTF-8 text and Markdown, and PDF, EPUB and HTML files by their extension")
	// ErrTooBig is wrapped by the error for a file over a size limit, which
	// gives the file's size and the limit.
	ErrTooBig = errors.New("the file is too big")
	ErrNoText = errors.New("no usable text: every line is page furniture, markup or blank")
	// ErrFrontMatter is wrapped by every error about a file's front matter.
	ErrFrontMatter = errors.New("front matter")
	errBadUTF8     = errors.New("not valid UTF-8")
)

// frontMatterLimit is the error for front matter over MaxFrontMatterBytes
// or MaxFrontMatterKeys.
type frontMatterLimit string

func (e frontMatterLimit) Error() string { return string(e) }

// Front matter is citation metadata, a few short lines: a block of more than
// MaxFrontMatterBytes, or with more than MaxFrontMatterKeys keys (nested
// keys and those an alias repeats included), is refused.
const (
	MaxFrontMatterBytes = 64 << 10
	MaxFrontMatterKeys  = 1000
)

// utf8Chunk is how much text is checked for UTF-8 between two looks at the
// context.
const utf8Chunk = 16 << 20

// checkText reports why data cannot be read as text, or nil. It stops with
// in's error once in is cancelled.
func checkText(in *interrupt, data []byte) error {
	if len(data) > MaxFileBytesCeiling {
		return fmt.Errorf("%w: %s, over the %s a file can have; split it into smaller files", ErrTooBig, formatBytes(int64(len(data))), formatBytes(MaxFileBytesCeiling))
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
	// Checked a chunk at a time, cut where a character starts: valid chunks
	// make valid text, and an invalid one holds the first error.
	for from := 0; from < len(data); {
		end := min(from+utf8Chunk, len(data))
		for end > from && end < len(data) && !utf8.RuneStart(data[end]) {
			end--
		}
		if end == from {
			end = min(from+utf8Chunk, len(data))
		}
		if !utf8.Valid(data[from:end]) {
			off := from
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
		if err := in.now(); err != nil {
			return err
		}
		from = end
	}
	return nil
}

// frontMatter parses an optional YAML front-matter block at the start of
// data ("---" line, YAML, "---" or "..." line). It returns the metadata, the
// unknown keys (sorted) and the offset where the body starts. It takes time
// in proportion to the block's size, which is at most MaxFrontMatterBytes.
func frontMatter(data []byte) (Meta, []string, int, error) {
	var meta Meta
	first, rest, ok := cutLine(data, 0)
	if !ok || string(bytes.TrimRight(data[first:rest], " \t\r\n")) != "---" {
		return meta, nil, 0, nil
	}
	for off := rest; off < len(data); {
		start, next, _ := cutLine(data, off)
		if start-rest > MaxFrontMatterBytes {
			return meta, nil, 0, fmt.Errorf("%w: %w", ErrFrontMatter, frontMatterLimit(fmt.Sprintf(
				"no closing \"---\" line within %s of the opening one; front matter holds a few citation keys (title, source, author, url, page) and may be at most %s",
				formatBytes(MaxFrontMatterBytes), formatBytes(MaxFrontMatterBytes))))
		}
		line := bytes.TrimRight(data[start:next], " \t\r\n")
		if string(line) == "---" || string(line) == "..." {
			raw, err := decodeFrontMatter(data[rest:start])
			if err != nil {
				return meta, nil, 0, fmt.Errorf("%w: %w", ErrFrontMatter, err)
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
				case "language", "lang":
					meta.Language = s
				default:
					unknown = append(unknown, k)
				}
			}
			sort.Strings(unknown) // map order is random; keep the warnings stable
			return meta, unknown, next, nil
		}
		off = next
	}
	return meta, nil, 0, fmt.Errorf("%w: the opening \"---\" line has no closing \"---\" line", ErrFrontMatter)
}

// decodeFrontMatter decodes a front-matter block as a YAML mapping. Decoding
// straight into a map checks for repeated keys in time that grows with the
// square of their number, so the block is parsed into nodes first (in
// linear time) and decoded only if it has at most MaxFrontMatterKeys keys.
func decodeFrontMatter(block []byte) (map[string]any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(block, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 {
		return nil, nil // nothing but white space and comments
	}
	if n := countKeys(&doc, MaxFrontMatterKeys); n > MaxFrontMatterKeys {
		return nil, frontMatterLimit(fmt.Sprintf("more than %d keys; front matter holds a few citation keys (title, source, author, url, page)", MaxFrontMatterKeys))
	}
	var raw map[string]any
	if err := doc.Decode(&raw); err != nil {
		return nil, err
	}
	return raw, nil
}

// countKeys counts the keys of the mappings in n, nested ones and those
// that aliases repeat included, up to limit+1. It visits each node once.
func countKeys(n *yaml.Node, limit int) int {
	memo := map[*yaml.Node]int{}
	var count func(n *yaml.Node) int
	count = func(n *yaml.Node) int {
		if n == nil {
			return 0
		}
		if c, ok := memo[n]; ok {
			return c
		}
		memo[n] = limit + 1 // a node that holds itself is too many
		c := 0
		switch n.Kind {
		case yaml.MappingNode:
			c = len(n.Content) / 2
		case yaml.AliasNode:
			c = count(n.Alias)
		}
		for _, child := range n.Content {
			if c > limit {
				break
			}
			c += count(child)
		}
		c = min(c, limit+1)
		memo[n] = c
		return c
	}
	return count(n)
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

// blank reports whether the line is empty or white space. Most lines start
// with a byte that tells at once.
func (l rawLine) blank() bool {
	if l.text != "" && l.text[0] < utf8.RuneSelf && !asciiSpace[l.text[0]] {
		return false
	}
	return strings.TrimSpace(l.text) == ""
}

// splitLines cuts data[from:] into lines at "\n", "\r\n", "\r" and "\f".
// It returns nil once in is cancelled.
func splitLines(in *interrupt, data []byte, from int) []rawLine {
	// Room for a line after each break, and one before the first.
	lines := make([]rawLine, 0, countLines(data[from:])+1)
	start := from
	brk := false
	for i := from; i <= len(data); i++ {
		// Find the next break, looking at the context every MiB of a long
		// line.
		for i < len(data) && !lineBreak[data[i]] {
			end := min(len(data), (i|(1<<20-1))+1)
			for i < end && !lineBreak[data[i]] {
				i++
			}
			if i == end && end < len(data) && in.now() != nil {
				return nil
			}
		}
		if in.step() {
			return nil
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

// lineBreak marks the bytes that end a line.
var lineBreak = [256]bool{'\n': true, '\r': true, '\f': true}

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
