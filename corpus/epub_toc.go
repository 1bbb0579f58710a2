package corpus

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// tocTarget is an entry of a table of contents or a page list: a title (or
// page label) and the place it points at.
type tocTarget struct {
	path, frag string
	title      string
	depth      int // 0 for a chapter, 1 for its sections...
}

// epubContents is a book's table of contents and page list.
type epubContents struct {
	toc, pages []tocTarget
}

// contents reads the table of contents and the page list: from the EPUB 3
// navigation document, else the EPUB 2 NCX. A missing or unreadable one is
// no error: the chapters' own headings serve instead.
func (r *epubReader) contents(b *epubBook) epubContents {
	var c epubContents
	if b.nav != "" {
		if data, err := r.readEntry(b.nav); err == nil {
			c.toc, c.pages = parseNav(r.ctx, decodeHTML(data), b.nav)
		}
	}
	if (len(c.toc) == 0 || len(c.pages) == 0) && b.ncx != "" {
		if data, err := r.readEntry(b.ncx); err == nil {
			toc, pages := parseNCX(r.ctx, data, b.ncx)
			if len(c.toc) == 0 {
				c.toc = toc
			}
			if len(c.pages) == 0 {
				c.pages = pages
			}
		}
	}
	return c
}

// maxNavTitle is the longest title of a contents entry kept, in bytes.
const maxNavTitle = 1 << 10

// parseNav reads an EPUB 3 navigation document at navPath: the links of
// its nav epub:type="toc" (else its first nav without a type) and of its
// nav epub:type="page-list".
func parseNav(ctx context.Context, data []byte, navPath string) (toc, pages []tocTarget) {
	z := html.NewTokenizer(bytes.NewReader(data))
	var (
		kinds   []string // the open nav elements' kinds
		untyped []tocTarget
		seenNav bool // an untyped nav has been read
		depth   int  // open ol elements inside the nav
		inLink  bool
		href    string
		title   []byte
	)
	for n := 1; ; n++ {
		if n%tokensPerCheck == 0 && ctx.Err() != nil {
			return nil, nil
		}
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		kind := ""
		if len(kinds) > 0 {
			kind = kinds[len(kinds)-1]
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			raw, more := z.TagName()
			name := tagName(raw)
			if tt == html.SelfClosingTagToken {
				z.NextIsNotRawText()
			}
			var a attrs
			if name == "nav" || name == "a" {
				a = navAttrs(z, more)
			}
			switch name {
			case "nav":
				k := "other"
				switch {
				case hasWord(a.epubType, "toc") || a.role == "doc-toc":
					k = "toc"
				case hasWord(a.epubType, "page-list") || a.role == "doc-pagelist":
					k = "page-list"
				case a.epubType == "" && a.role == "" && !seenNav:
					k, seenNav = "untyped", true
				}
				if tt == html.StartTagToken {
					kinds = append(kinds, k)
					depth = 0
				}
			case "ol", "ul":
				if kind != "" && tt == html.StartTagToken {
					depth++
				}
			case "a":
				if kind != "" && a.href != "" && tt == html.StartTagToken {
					inLink, href, title = true, a.href, title[:0]
				}
			}
		case html.EndTagToken:
			raw, _ := z.TagName()
			switch tagName(raw) {
			case "nav":
				if len(kinds) > 0 {
					kinds = kinds[:len(kinds)-1]
				}
				inLink = false
			case "ol", "ul":
				depth = max(depth-1, 0)
			case "a":
				if !inLink {
					break
				}
				inLink = false
				p, frag := resolveHref(navPath, href)
				t := tocTarget{path: p, frag: frag, title: collapse(string(title)), depth: max(depth-1, 0)}
				if p == "" || t.title == "" {
					break
				}
				switch kind {
				case "toc":
					if len(toc) < epubMaxItems {
						toc = append(toc, t)
					}
				case "page-list":
					if len(pages) < epubMaxItems {
						pages = append(pages, t)
					}
				case "untyped":
					if len(untyped) < epubMaxItems {
						untyped = append(untyped, t)
					}
				}
			}
		case html.TextToken:
			if inLink && len(title) < maxNavTitle {
				title = append(title, z.Text()...)
			}
		}
	}
	if len(toc) == 0 {
		toc = untyped
	}
	return toc, pages
}

// navAttrs reads the attributes parseNav looks at.
func navAttrs(z *html.Tokenizer, more bool) attrs {
	var a attrs
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch string(k) {
		case "href":
			a.href = string(v)
		case "epub:type":
			a.epubType = strings.ToLower(string(v))
		case "role":
			a.role = strings.ToLower(string(v))
		}
	}
	return a
}

// The parts of an EPUB 2 NCX read.
type (
	ncxDoc struct {
		NavMap   []ncxPoint `xml:"navMap>navPoint"`
		PageList []struct {
			Label   string `xml:"navLabel>text"`
			Value   string `xml:"value,attr"`
			Content struct {
				Src string `xml:"src,attr"`
			} `xml:"content"`
		} `xml:"pageList>pageTarget"`
	}
	ncxPoint struct {
		Label   string `xml:"navLabel>text"`
		Content struct {
			Src string `xml:"src,attr"`
		} `xml:"content"`
		Children []ncxPoint `xml:"navPoint"`
	}
)

// parseNCX reads an EPUB 2 NCX at ncxPath: its navMap and pageList.
func parseNCX(ctx context.Context, data []byte, ncxPath string) (toc, pages []tocTarget) {
	var doc ncxDoc
	if decodeXML(ctx, data, &doc) != nil {
		return nil, nil
	}
	var walk func(points []ncxPoint, depth int)
	walk = func(points []ncxPoint, depth int) {
		for _, pt := range points {
			if len(toc) >= epubMaxItems {
				return
			}
			p, frag := resolveHref(ncxPath, pt.Content.Src)
			if t := collapse(pt.Label); p != "" && t != "" {
				toc = append(toc, tocTarget{path: p, frag: frag, title: t, depth: depth})
			}
			walk(pt.Children, depth+1)
		}
	}
	walk(doc.NavMap, 0)
	for _, pt := range doc.PageList {
		if len(pages) >= epubMaxItems {
			break
		}
		p, frag := resolveHref(ncxPath, pt.Content.Src)
		label := collapse(firstNonEmpty(pt.Label, pt.Value))
		if p != "" && label != "" {
			pages = append(pages, tocTarget{path: p, frag: frag, title: label})
		}
	}
	return toc, pages
}

// place returns the chapter's blocks with its page breaks marked (from the
// book's page list when it has one, else from the chapter's page-break
// markers) and the headings of its contents entries put in, and the page
// breaks that come after its last block.
func (ch *epubChapter) place(pageList bool, bookTitle string) ([]mdBlock, []pageMark) {
	doc := ch.doc
	blocks := doc.blocks
	var end []pageMark
	at := func(frag string) (mdPos, bool) {
		if frag == "" {
			return mdPos{}, true
		}
		i, ok := doc.anchors[frag]
		if !ok {
			return mdPos{}, false
		}
		return doc.marks[i].pos, true
	}
	addMark := func(pos mdPos, label string) {
		if pos.block >= len(blocks) {
			end = append(end, pageMark{label: label})
			return
		}
		off := min(pos.off, len(blocks[pos.block].text))
		blocks[pos.block].marks = append(blocks[pos.block].marks, pageMark{off: off, label: label})
	}
	if pageList {
		for _, t := range ch.pages {
			if pos, ok := at(t.frag); ok {
				addMark(pos, t.title)
			}
		}
	} else {
		for _, m := range doc.marks {
			if m.pageBreak && m.label != "" {
				addMark(m.pos, m.label)
			}
		}
	}
	sortMarks(blocks)

	var refs []tocRef
	for _, t := range ch.toc {
		pos, ok := at(t.frag)
		if !ok {
			if len(refs) > 0 {
				continue // a place that is not in the chapter
			}
			pos = mdPos{} // the chapter's first entry: its start
		}
		refs = append(refs, tocRef{pos: pos, title: t.title, level: min(t.depth+1, 6)})
	}
	if len(refs) > 0 {
		return applyTOC(blocks, refs), end
	}
	hasHeading := slices.ContainsFunc(blocks, func(b mdBlock) bool { return b.kind == blockHeading })
	if t := collapse(doc.title); !hasHeading && t != "" && len(blocks) > 0 && normKey(t) != normKey(bookTitle) {
		// A chapter with no heading and no contents entry: its <title>
		// names it, unless that is the book's.
		h := mdBlock{kind: blockHeading, level: 1, text: t}
		h.marks, blocks[0].marks = startMarks(blocks[0].marks)
		blocks = append([]mdBlock{h}, blocks...)
	}
	return blocks, end
}

// startMarks splits marks into those at offset 0 and the rest.
func startMarks(marks []pageMark) (start, rest []pageMark) {
	i := 0
	for i < len(marks) && marks[i].off <= 0 {
		i++
	}
	return marks[:i:i], marks[i:]
}

// tocRef is a contents entry placed in a chapter.
type tocRef struct {
	pos   mdPos
	title string
	level int
}

// applyTOC puts the headings of contents entries into blocks where they
// point. An entry pointing into a paragraph splits it. Where headings
// already stand, an entry takes the place of the heading that names the
// same thing (one of the two names holds the other: the fuller is kept),
// and a heading right after that repeats part of an entry's title goes;
// other entries become headings before them.
func applyTOC(blocks []mdBlock, refs []tocRef) []mdBlock {
	// Entries inside a paragraph split it; an entry at a block's end
	// points at the next block.
	cuts := map[int][]int{}
	for i := range refs {
		p := &refs[i]
		if p.pos.block >= len(blocks) {
			continue
		}
		b := blocks[p.pos.block]
		switch {
		case b.kind != blockPara || p.pos.off <= 0:
			p.pos.off = 0
		case p.pos.off >= len(strings.TrimRight(b.text, " \n")):
			p.pos = mdPos{block: p.pos.block + 1}
		default:
			cuts[p.pos.block] = append(cuts[p.pos.block], p.pos.off)
		}
	}
	if len(cuts) > 0 {
		var split []mdBlock
		index := make([]int, len(blocks)+1) // old block -> its first piece
		for i, b := range blocks {
			index[i] = len(split)
			offs := cuts[i]
			slices.Sort(offs)
			offs = slices.Compact(offs)
			cuts[i] = offs
			from := 0
			for _, off := range append(offs, len(b.text)) {
				piece := mdBlock{kind: b.kind, text: b.text[from:off]}
				lead := len(piece.text) - len(strings.TrimLeft(piece.text, " \n"))
				piece.text = piece.text[lead:]
				for _, m := range b.marks {
					if m.off >= from && (m.off < off || off == len(b.text) && m.off <= off) {
						piece.marks = append(piece.marks, pageMark{off: max(m.off-from-lead, 0), label: m.label})
					}
				}
				split = append(split, piece)
				from = off
			}
			if len(offs) == 0 {
				split[len(split)-1] = b
			}
		}
		index[len(blocks)] = len(split)
		for i := range refs {
			p := &refs[i]
			first := index[p.pos.block]
			if p.pos.off > 0 {
				offs := cuts[p.pos.block]
				first += slices.Index(offs, p.pos.off) + 1
			}
			p.pos = mdPos{block: first}
		}
		blocks = split
	}

	at := map[int][]tocRef{}
	for _, r := range refs {
		at[r.pos.block] = append(at[r.pos.block], r)
	}
	out := make([]mdBlock, 0, len(blocks)+len(refs))
	for j := 0; j < len(blocks); {
		rs := at[j]
		if len(rs) == 0 {
			out = append(out, blocks[j])
			j++
			continue
		}
		// The headings standing where the entries point.
		k := j
		for k < len(blocks) && blocks[k].kind == blockHeading && (k == j || len(at[k]) == 0) {
			k++
		}
		run := slices.Clone(blocks[j:k])
		claimed := make([]bool, len(run))
		var inserted []mdBlock
		for _, r := range rs {
			found := false
			for h := range run {
				if !claimed[h] && sameName(r.title, run[h].text) {
					claimed[h], found = true, true
					run[h].text = fuller(r.title, run[h].text)
					run[h].level = r.level
					break
				}
			}
			if !found {
				inserted = append(inserted, mdBlock{kind: blockHeading, level: r.level, text: r.title})
			}
		}
		if len(inserted) > 0 {
			if len(run) > 0 {
				inserted[0].marks, run[0].marks = startMarks(run[0].marks)
			} else {
				inserted[0].marks, blocks[j].marks = startMarks(blocks[j].marks)
			}
		}
		out = append(out, inserted...)
		for h, b := range run {
			if !claimed[h] && len(b.marks) == 0 && repeats(b.text, rs) {
				continue // "Loomings" after "Chapter 1: Loomings"
			}
			out = append(out, b)
		}
		if k == j {
			out = append(out, blocks[j])
			k++
		}
		j = k
	}
	return out
}

// normKey returns s in lower case, with only its letters and digits,
// single spaces between words: what names are compared by.
func normKey(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// holds reports whether the words of b stand, in order, in a.
func holds(a, b string) bool {
	return b != "" && strings.Contains(" "+a+" ", " "+b+" ")
}

// sameName reports whether a contents title and a heading name the same
// thing: one holds the other's words.
func sameName(title, heading string) bool {
	t, h := normKey(title), normKey(heading)
	return holds(t, h) || holds(h, t)
}

// fuller returns the fuller of a contents title and a heading that name the
// same thing, the title when they are alike.
func fuller(title, heading string) string {
	if t, h := normKey(title), normKey(heading); len(h) > len(t) && holds(h, t) {
		return collapse(heading)
	}
	return title
}

// repeats reports whether a heading repeats part of an entry's title.
func repeats(heading string, rs []tocRef) bool {
	h := normKey(heading)
	for _, r := range rs {
		if holds(normKey(r.title), h) {
			return true
		}
	}
	return false
}
