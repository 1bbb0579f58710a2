package corpus

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// readHTML reads an HTML page (.html, .htm, .xhtml) as one page of
// Markdown: its headings become sections; its title is the <title>, else
// the first h1; its language the <html> element's lang. Navigation,
// scripts, styles and other boilerplate are left out (see htmlWalker). The
// character set is the one the page declares (byte-order mark, <meta
// charset>, XML declaration), UTF-8 when the page is valid UTF-8, else
// Windows-1252 as browsers assume. Its errors are *FileError or ctx's.
func readHTML(ctx context.Context, name, path string, data []byte) (*Paged, error) {
	text := decodeHTML(data)
	if err := checkText(&interrupt{ctx: ctx}, text); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &FileError{Path: path, Reason: reasonOf(err), Err: err}
	}
	doc, err := walkHTML(ctx, text, walkOptions{})
	if err != nil {
		return nil, err
	}
	var pw pageWriter
	for _, blk := range doc.blocks {
		pw.block(blk)
	}
	pages := pw.finish()
	if strings.TrimSpace(pages[0].Text) == "" {
		return nil, &FileError{Path: path, Reason: ReasonNoText,
			Err: fmt.Errorf("%w: the page holds nothing but navigation, scripts and markup", ErrNoText)}
	}
	return &Paged{
		Name:     name,
		Path:     path,
		Meta:     Meta{Title: firstNonEmpty(doc.title, doc.h1), Language: doc.lang},
		Markdown: true,
		Pages:    pages,
		Size:     len(data),
	}, nil
}

// decodeHTML returns an HTML or XHTML page as UTF-8. A byte-order mark
// decides; else a page that is valid UTF-8 is UTF-8, whatever it declares;
// else the encoding its XML declaration or <meta> names (in its first 1,024
// bytes), else Windows-1252. What cannot be decoded becomes U+FFFD.
func decodeHTML(data []byte) []byte {
	if e, name, certain := charset.DetermineEncoding(data, ""); certain && name != "utf-8" {
		return decodeWith(e, data)
	}
	if utf8.Valid(data) {
		return bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	}
	if label := xmlEncoding(data); label != "" {
		if e, _ := charset.Lookup(label); e != nil {
			return decodeWith(e, data)
		}
	}
	e, _, _ := charset.DetermineEncoding(data, "")
	return decodeWith(e, data)
}

// decodeWith decodes data with e into valid UTF-8.
func decodeWith(e encoding.Encoding, data []byte) []byte {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		out = data
	}
	out = bytes.TrimPrefix(out, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	return out
}

// xmlEncoding returns the encoding an XML declaration at the start of data
// names (`<?xml version="1.0" encoding="iso-8859-1"?>`), or "".
func xmlEncoding(data []byte) string {
	head := data[:min(len(data), 256)]
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := string(head[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	rest, ok := strings.CutPrefix(rest, "=")
	if !ok {
		return ""
	}
	rest = strings.TrimLeft(rest, " \t\r\n")
	if rest == "" || rest[0] != '"' && rest[0] != '\'' {
		return ""
	}
	q := rest[0]
	rest = rest[1:]
	if j := strings.IndexByte(rest, q); j >= 0 {
		return rest[:j]
	}
	return ""
}
