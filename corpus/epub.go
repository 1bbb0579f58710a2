package corpus

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"golang.org/x/net/html/charset"
)

// An EPUB is a zip archive of XHTML chapters, listed in reading order by
// its package document (the OPF, found through META-INF/container.xml),
// with a table of contents (the EPUB 3 navigation document or the EPUB 2
// NCX) and, in some books, a page list mapping the printed pages to places
// in the chapters.
//
// readEPUB reads the chapters in spine order, each once however often the
// spine lists it; chapters marked linear="no" (notes, answers, pop-ups)
// come after the others, on pages of their own. Each chapter goes through
// the HTML walker. The table of contents names the chapters and sections:
// its titles become headings where its links point, taking the place of
// the chapter's own heading there; links to files or places that do not
// exist are ignored, and chapters the contents do not reach keep their own
// headings. With a page list (else page-break markers in the text), the
// text is cut into the printed pages, so that a sentence is cited with its
// page; without either, the book is one page and a sentence is cited with
// its chapter.

// ErrBadEPUB is wrapped by the error for an EPUB that cannot be read: not a
// zip archive, no package document, a spine that names nothing readable,
// a damaged entry, or encryption.
var ErrBadEPUB = errors.New("not a readable EPUB")

// Limits on what reading an EPUB may take, so that a small archive cannot
// unpack into more than memory holds (a zip bomb). Only the entries read
// count: the container, package, navigation and chapter documents.
const (
	// epubMaxEntry is the most an entry may hold uncompressed.
	epubMaxEntry = 64 << 20
	// epubMaxTotal is the most all entries read may hold uncompressed.
	epubMaxTotal = 256 << 20
	// epubMaxEntries is the most entries the archive may have.
	epubMaxEntries = 50_000
	// epubMaxItems is the most manifest items, spine items, contents
	// entries or page-list entries read.
	epubMaxItems = 100_000
)

// readEPUB reads an EPUB book into pages of Markdown (see above). Its
// metadata gives the citation: dc:title the title, dc:creator the author,
// dc:language the language, and the source is the authors and the
// publisher ("Herman Melville, Penguin Books"). Its errors are *FileError
// (naming the entry at fault) or ctx's.
func readEPUB(ctx context.Context, name, filePath string, data []byte) (*Paged, error) {
	r, err := openEPUB(ctx, filePath, data)
	if err != nil {
		return nil, err
	}
	book, err := r.book()
	if err != nil {
		return nil, err
	}
	pages, warnings, err := r.chapters(book)
	if err != nil {
		return nil, err
	}
	return &Paged{
		Name:     name,
		Path:     filePath,
		Meta:     book.meta,
		Markdown: true,
		Pages:    pages,
		Size:     len(data),
		Warnings: warnings,
	}, nil
}

// epubReader reads the entries of one EPUB.
type epubReader struct {
	ctx   context.Context
	path  string
	files map[string]*zip.File
	lower map[string]*zip.File // by lower-case name, for books that disagree with themselves on case
	read  int64                // bytes read so far, uncompressed
}

func openEPUB(ctx context.Context, filePath string, data []byte) (*epubReader, error) {
	r := &epubReader{ctx: ctx, path: filePath}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, r.bad("%v", err)
	}
	if len(zr.File) > epubMaxEntries {
		return nil, r.bad("the archive has %d entries, more than the %d an EPUB may have", len(zr.File), epubMaxEntries)
	}
	r.files = make(map[string]*zip.File, len(zr.File))
	r.lower = make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		if _, dup := r.files[f.Name]; !dup {
			r.files[f.Name] = f
		}
		if l := strings.ToLower(f.Name); r.lower[l] == nil {
			r.lower[l] = f
		}
	}
	return r, nil
}

// bad returns the error for a damaged EPUB.
func (r *epubReader) bad(format string, args ...any) error {
	return &FileError{Path: r.path, Reason: ReasonDamaged,
		Err: fmt.Errorf("%w: %s", ErrBadEPUB, fmt.Sprintf(format, args...))}
}

// file returns the entry called name, nil if there is none.
func (r *epubReader) file(name string) *zip.File {
	if f := r.files[name]; f != nil {
		return f
	}
	return r.lower[strings.ToLower(name)]
}

// errMissing is entry's error when it is not in the archive.
var errMissing = errors.New("not in the archive")

// readEntry reads the entry called name, within the limits. A missing
// entry is errMissing, unwrapped; other errors are *FileError or ctx's.
func (r *epubReader) readEntry(name string) ([]byte, error) {
	f := r.file(name)
	if f == nil {
		return nil, errMissing
	}
	tooBig := func(size string) error {
		return &FileError{Path: r.path, Reason: ReasonTooBig,
			Err: fmt.Errorf("%w: %s in the EPUB holds %s uncompressed, over the %s an entry may have", ErrTooBig, name, size, formatBytes(epubMaxEntry))}
	}
	if f.UncompressedSize64 > epubMaxEntry {
		return nil, tooBig(formatBytes(int64(min(f.UncompressedSize64, 1<<62))))
	}
	if r.read+int64(f.UncompressedSize64) > epubMaxTotal {
		return nil, r.overTotal()
	}
	rc, err := f.Open()
	if err != nil {
		return nil, r.bad("%s: %v", name, err)
	}
	defer rc.Close()
	// The size in the archive may lie: count what comes out.
	lr := io.LimitReader(rc, epubMaxEntry+1)
	var buf bytes.Buffer
	buf.Grow(int(f.UncompressedSize64) + bytes.MinRead) // within the limit: checked above
	for {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		n, err := io.CopyN(&buf, lr, 1<<20)
		if buf.Len() > epubMaxEntry {
			return nil, tooBig("more than " + formatBytes(epubMaxEntry))
		}
		if r.read+int64(buf.Len()) > epubMaxTotal {
			return nil, r.overTotal()
		}
		if err == io.EOF || err == nil && n < 1<<20 {
			break
		}
		if err != nil {
			return nil, r.bad("%s: %v", name, err)
		}
	}
	r.read += int64(buf.Len())
	return buf.Bytes(), nil
}

func (r *epubReader) overTotal() error {
	return &FileError{Path: r.path, Reason: ReasonTooBig,
		Err: fmt.Errorf("%w: its documents hold more than %s uncompressed, the most an EPUB may", ErrTooBig, formatBytes(epubMaxTotal))}
}

// decodeXML decodes an XML document leniently: HTML entities, attributes
// without quotes and any character set the document declares are accepted.
// It stops with ctx's error soon after ctx is cancelled.
func decodeXML(ctx context.Context, data []byte, v any) error {
	d := xml.NewDecoder(&ctxReader{ctx: ctx, r: bytes.NewReader(data)})
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	return d.Decode(v)
}

// ctxReader reads from r until ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p[:min(len(p), 64<<10)])
}

// The parts of the OCF container and the OPF package document read.
type (
	ocfContainer struct {
		Rootfiles []struct {
			FullPath  string `xml:"full-path,attr"`
			MediaType string `xml:"media-type,attr"`
		} `xml:"rootfiles>rootfile"`
	}
	opfPackage struct {
		Metadata struct {
			Titles     []string     `xml:"title"`
			Creators   []opfCreator `xml:"creator"`
			Publishers []string     `xml:"publisher"`
			Languages  []string     `xml:"language"`
			Metas      []struct {
				Refines  string `xml:"refines,attr"`
				Property string `xml:"property,attr"`
				Value    string `xml:",chardata"`
			} `xml:"meta"`
		} `xml:"metadata"`
		Items []opfItem `xml:"manifest>item"`
		Spine struct {
			TOC      string `xml:"toc,attr"`
			Itemrefs []struct {
				IDRef  string `xml:"idref,attr"`
				Linear string `xml:"linear,attr"`
			} `xml:"itemref"`
		} `xml:"spine"`
	}
	opfCreator struct {
		ID   string `xml:"id,attr"`
		Name string `xml:",chardata"`
		Role string `xml:"role,attr"` // EPUB 2's opf:role
	}
	opfItem struct {
		ID         string `xml:"id,attr"`
		Href       string `xml:"href,attr"`
		MediaType  string `xml:"media-type,attr"`
		Properties string `xml:"properties,attr"`
	}
	ocfEncryption struct {
		Data []struct {
			Method struct {
				Algorithm string `xml:"Algorithm,attr"`
			} `xml:"EncryptionMethod"`
			URI struct {
				URI string `xml:"URI,attr"`
			} `xml:"CipherData>CipherReference"`
		} `xml:"EncryptedData"`
	}
)

// epubBook is what the package document says about a book.
type epubBook struct {
	meta     Meta
	spine    []spineItem
	nav, ncx string // the navigation document and the NCX, "" for none
}

type spineItem struct {
	path   string
	linear bool
}

// book reads the container and the package document.
func (r *epubReader) book() (*epubBook, error) {
	opfPath, err := r.packagePath()
	if err != nil {
		return nil, err
	}
	data, err := r.readEntry(opfPath)
	if err == errMissing {
		if only := r.onlyPackage(); only != "" {
			opfPath = only
			data, err = r.readEntry(opfPath)
		} else {
			return nil, r.bad("its package document %s is missing", opfPath)
		}
	}
	if err != nil {
		return nil, err
	}
	var pkg opfPackage
	if err := decodeXML(r.ctx, data, &pkg); err != nil {
		if r.ctx.Err() != nil {
			return nil, r.ctx.Err()
		}
		return nil, r.bad("package document %s: %v", opfPath, err)
	}
	if len(pkg.Items) > epubMaxItems || len(pkg.Spine.Itemrefs) > epubMaxItems {
		return nil, r.bad("package document %s lists more than %d items", opfPath, epubMaxItems)
	}
	b := &epubBook{meta: bookMeta(&pkg)}

	items := make(map[string]opfItem, len(pkg.Items))
	for _, it := range pkg.Items {
		it.Href, _ = resolveHref(opfPath, it.Href)
		if _, dup := items[it.ID]; !dup && it.Href != "" {
			items[it.ID] = it
		}
		switch {
		case b.nav == "" && hasWord(it.Properties, "nav"):
			b.nav = it.Href
		case b.ncx == "" && it.MediaType == "application/x-dtbncx+xml":
			b.ncx = it.Href
		}
	}
	if it, ok := items[pkg.Spine.TOC]; ok {
		b.ncx = it.Href
	}

	seen := map[string]bool{}
	var later []spineItem
	for _, ref := range pkg.Spine.Itemrefs {
		it, ok := items[ref.IDRef]
		if !ok || seen[it.Href] || !isContentDocument(it) {
			continue // a repeat, a dangling reference, an image
		}
		seen[it.Href] = true
		if strings.EqualFold(strings.TrimSpace(ref.Linear), "no") {
			later = append(later, spineItem{path: it.Href})
			continue
		}
		b.spine = append(b.spine, spineItem{path: it.Href, linear: true})
	}
	b.spine = append(b.spine, later...)
	if len(b.spine) == 0 {
		return nil, r.bad("the spine of %s lists no XHTML document", opfPath)
	}
	if err := r.checkEncryption(b); err != nil {
		return nil, err
	}
	return b, nil
}

// packagePath returns the package document's path: the first rootfile of
// META-INF/container.xml, else, for a book without a usable container,
// the only .opf file in the archive. (book falls back on that one too
// when the container names a file the archive lacks.)
func (r *epubReader) packagePath() (string, error) {
	data, err := r.readEntry("META-INF/container.xml")
	var why string
	switch {
	case err == errMissing:
		why = "META-INF/container.xml is missing"
	case err != nil:
		return "", err
	default:
		var c ocfContainer
		if err := decodeXML(r.ctx, data, &c); err != nil {
			why = fmt.Sprintf("META-INF/container.xml: %v", err)
			break
		}
		for _, rf := range c.Rootfiles {
			if rf.FullPath != "" && (rf.MediaType == "" || strings.Contains(rf.MediaType, "oebps-package")) {
				return path.Clean(strings.TrimPrefix(rf.FullPath, "/")), nil
			}
		}
		why = "META-INF/container.xml names no package document"
	}
	if only := r.onlyPackage(); only != "" {
		return only, nil
	}
	return "", r.bad("%s", why)
}

// onlyPackage returns the archive's one .opf file, "" if it has none or
// several.
func (r *epubReader) onlyPackage() string {
	only := ""
	for name := range r.files {
		if strings.EqualFold(path.Ext(name), ".opf") {
			if only != "" {
				return ""
			}
			only = name
		}
	}
	return only
}

// bookMeta returns the citation metadata of a package document.
func bookMeta(pkg *opfPackage) Meta {
	md := &pkg.Metadata
	var m Meta
	for _, t := range md.Titles {
		if m.Title = collapse(t); m.Title != "" {
			break
		}
	}
	// Authors: the creators with the role "aut" (EPUB 2's opf:role, or
	// EPUB 3's <meta refines="#id" property="role">), else all of them.
	roles := map[string]string{}
	for _, mt := range md.Metas {
		if mt.Property == "role" && strings.HasPrefix(mt.Refines, "#") {
			roles[mt.Refines[1:]] = strings.TrimSpace(mt.Value)
		}
	}
	var authors, all []string
	for _, c := range md.Creators {
		n := collapse(c.Name)
		if n == "" || slices.Contains(all, n) || len(all) >= 10 {
			continue
		}
		all = append(all, n)
		if strings.EqualFold(firstNonEmpty(c.Role, roles[c.ID]), "aut") {
			authors = append(authors, n)
		}
	}
	if len(authors) == 0 {
		authors = all
	}
	m.Author = strings.Join(authors, ", ")
	publisher := ""
	for _, p := range md.Publishers {
		if publisher = collapse(p); publisher != "" {
			break
		}
	}
	var src []string
	for _, s := range []string{m.Author, publisher} {
		if s != "" {
			src = append(src, s)
		}
	}
	m.Source = strings.Join(src, ", ")
	for _, l := range md.Languages {
		if m.Language = collapse(l); m.Language != "" {
			break
		}
	}
	return m
}

// isContentDocument reports whether a manifest item is a chapter lectern
// reads: XHTML or HTML, not an image or an SVG page.
func isContentDocument(it opfItem) bool {
	mt := strings.ToLower(it.MediaType)
	switch {
	case strings.Contains(mt, "html"), strings.Contains(mt, "oeb1-document"):
		return true
	case mt == "":
		switch strings.ToLower(path.Ext(it.Href)) {
		case ".xhtml", ".html", ".htm":
			return true
		}
	}
	return false
}

// resolveHref resolves a link from the document at base to a path in the
// archive and a fragment. A link to another site resolves to "".
func resolveHref(base, href string) (p, frag string) {
	href = strings.TrimSpace(href)
	href, frag, _ = strings.Cut(href, "#")
	if u, err := url.Parse(href); err == nil && (u.Scheme != "" || u.Host != "") {
		return "", ""
	}
	if i := strings.IndexAny(href, "?"); i >= 0 {
		href = href[:i]
	}
	if un, err := url.PathUnescape(href); err == nil {
		href = un
	}
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	if href == "" {
		return base, frag
	}
	if strings.HasPrefix(href, "/") {
		return path.Clean(href[1:]), frag
	}
	return path.Join(path.Dir(base), href), frag
}

// Encryption algorithms that only obfuscate fonts: the text is readable.
var fontObfuscation = setOf("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")

// checkEncryption fails for a book whose chapters are encrypted (DRM).
func (r *epubReader) checkEncryption(b *epubBook) error {
	data, err := r.readEntry("META-INF/encryption.xml")
	if err == errMissing {
		return nil
	}
	if err != nil {
		return err
	}
	var enc ocfEncryption
	if decodeXML(r.ctx, data, &enc) != nil {
		return nil // unreadable: the chapters will tell
	}
	chapters := map[string]bool{}
	for _, it := range b.spine {
		chapters[it.path] = true
	}
	for _, d := range enc.Data {
		uri, _ := url.PathUnescape(strings.TrimPrefix(d.URI.URI, "/"))
		if chapters[path.Clean(uri)] && !fontObfuscation[strings.TrimSpace(d.Method.Algorithm)] {
			return &FileError{Path: r.path, Reason: ReasonEncrypted,
				Err: fmt.Errorf("%w: its text is encrypted (DRM, %s); lectern reads only EPUBs without DRM", ErrBadEPUB, uri)}
		}
	}
	return nil
}

// epubChapter is one spine document, read.
type epubChapter struct {
	spineItem
	doc   *htmlText
	toc   []tocTarget
	pages []tocTarget
}

// chapters reads the book's spine documents and renders them into pages.
// It warns of chapters the archive lacks and of contents entries that
// point at nothing.
func (r *epubReader) chapters(b *epubBook) ([]Page, []string, error) {
	contents := r.contents(b)
	chapters := make([]*epubChapter, 0, len(b.spine))
	byPath := map[string]*epubChapter{}
	for _, it := range b.spine {
		ch := &epubChapter{spineItem: it}
		chapters = append(chapters, ch)
		byPath[it.path] = ch
	}
	var nowhere []string // files the contents point at that the book lacks
	for _, t := range contents.toc {
		if ch := byPath[t.path]; ch != nil {
			ch.toc = append(ch.toc, t)
		} else if r.file(t.path) == nil && !slices.Contains(nowhere, t.path) {
			nowhere = append(nowhere, t.path)
		}
	}
	for _, t := range contents.pages {
		if ch := byPath[t.path]; ch != nil {
			ch.pages = append(ch.pages, t)
		}
	}

	// What the archive says the chapters hold, before reading any.
	var declared uint64
	for _, ch := range chapters {
		if f := r.file(ch.path); f != nil {
			declared += min(f.UncompressedSize64, epubMaxTotal+1)
		}
	}
	if int64(declared)+r.read > epubMaxTotal {
		return nil, nil, r.overTotal()
	}

	read := 0
	var missing []string
	for _, ch := range chapters {
		if err := look(r.ctx); err != nil {
			return nil, nil, err
		}
		data, err := r.readEntry(ch.path)
		if err == errMissing {
			missing = append(missing, ch.path) // read the rest
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		text := decodeHTML(data)
		if err := checkText(&interrupt{ctx: r.ctx}, text[:textPrefix(text, 8192)]); errors.Is(err, ErrBinary) {
			return nil, nil, r.bad("%s is not text: damaged, or encrypted", ch.path)
		}
		wanted := map[string]bool{}
		for _, t := range append(slices.Clip(ch.toc), ch.pages...) {
			if t.frag != "" {
				wanted[t.frag] = true
			}
		}
		ch.doc, err = walkHTML(r.ctx, text, walkOptions{epub: true, wanted: wanted})
		if err != nil {
			return nil, nil, err
		}
		read++
	}
	if read == 0 {
		return nil, nil, r.bad("none of the documents its spine lists is in the archive")
	}

	pages := renderBook(chapters, len(contents.pages) > 0, b.meta.Title)
	empty := true
	for _, p := range pages {
		empty = empty && strings.TrimSpace(p.Text) == ""
	}
	if empty {
		return nil, nil, &FileError{Path: r.path, Reason: ReasonNoText,
			Err: fmt.Errorf("%w: its chapters hold no text outside navigation and markup", ErrNoText)}
	}
	var warnings []string
	if len(missing) > 0 {
		warnings = append(warnings, fmt.Sprintf("%s its spine lists %s not in the archive: %s", plural(len(missing), "document"), isAre(len(missing)), listSome(missing)))
	}
	if len(nowhere) > 0 {
		warnings = append(warnings, fmt.Sprintf("its table of contents points at %s not in the archive (%s); those chapters are named by their own headings", plural(len(nowhere), "file"), listSome(nowhere)))
	}
	return pages, warnings, nil
}

// renderBook renders the chapters read into pages: cut at the page list's
// marks (pageList) or else the page-break markers; one page if neither
// gives a label.
func renderBook(chapters []*epubChapter, pageList bool, title string) []Page {
	var pw pageWriter
	for _, ch := range chapters {
		if ch.doc == nil {
			continue
		}
		blocks, end := ch.place(pageList, title)
		if !ch.linear && (len(blocks) == 0 || len(blocks[0].marks) == 0 || blocks[0].marks[0].off > 0) {
			// Out of the reading order: not on the page before it.
			pw.newPage("")
		}
		for _, blk := range blocks {
			pw.block(blk)
		}
		for _, m := range end {
			pw.newPage(m.label)
		}
	}
	pages := pw.finish()
	if !slices.ContainsFunc(pages, func(p Page) bool { return p.Label != "" }) {
		// Pages without labels would be cited by their number: one page,
		// cited by chapter.
		var all strings.Builder
		for _, p := range pages {
			all.WriteString(p.Text)
			all.WriteString("\n\n")
		}
		pages = []Page{{Text: all.String()}}
	}
	return pages
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// listSome lists the first three of names, and how many more there are.
func listSome(names []string) string {
	const some = 3
	if len(names) <= some {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:some], ", "), len(names)-some)
}

// textPrefix returns a length of at most n bytes that cuts text where a
// character starts.
func textPrefix(text []byte, n int) int {
	if len(text) <= n {
		return len(text)
	}
	for n > 0 && text[n]&0xC0 == 0x80 {
		n--
	}
	return n
}

// sortMarks orders each block's page marks by offset.
func sortMarks(blocks []mdBlock) {
	for i := range blocks {
		sort.SliceStable(blocks[i].marks, func(a, b int) bool { return blocks[i].marks[a].off < blocks[i].marks[b].off })
	}
}
