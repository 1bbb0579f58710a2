package corpus_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The EPUB and HTML files in testdata/epub and testdata/html are made by
// the functions below, with known text. TestGeneratedTestdata checks that
// the files committed are what they make; "go test ./corpus -run
// GeneratedTestdata -update" writes them again.

// generatedBooks returns the test files by their paths under testdata.
func generatedBooks(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"epub/lighthouse.epub": makeEPUB(t, lighthouse),
		"epub/moss.epub":       makeEPUB(t, moss),
		"html/manual.html":     []byte(manualHTML),
		"html/latin1.html":     []byte(latin1HTML),
	}
}

func TestGeneratedTestdata(t *testing.T) {
	for name, data := range generatedBooks(t) {
		file := filepath.Join("testdata", filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s differs from what epub_gen_test.go makes (run with -update if the change is intended)", file)
		}
	}
}

// epubFile is one file of an EPUB archive made for a test.
type epubFile struct {
	name, data string
}

// makeEPUB writes entries into a zip archive, stored (not compressed, so
// that the bytes do not depend on the compressor's version), with a fixed
// time.
func makeEPUB(t testing.TB, entries []epubFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{
			Name:     e.name,
			Method:   zip.Store,
			Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const epubContainerXML = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`

// lighthouse is an EPUB 3 book: a navigation document with a table of
// contents (chapters and a section, by anchor) and a page list, listed in
// the spine itself; a chapter listed twice in the spine; notes marked
// linear="no" and listed before the chapters; footnote references; page
// breaks in the middle of a paragraph and of a sentence; a chapter heading
// split in two ("Chapter 1" / "The Light") that the contents name as one.
var lighthouse = []epubFile{
	{"mimetype", "application/epub+zip"},
	{"META-INF/container.xml", epubContainerXML},
	{"OEBPS/content.opf", `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">urn:uuid:6f1c2d0e-0000-4000-8000-000000000001</dc:identifier>
    <dc:title id="t1">The Lighthouse Keeper</dc:title>
    <dc:creator id="c1">Ada Marlowe</dc:creator>
    <meta refines="#c1" property="role" scheme="marc:relators">aut</meta>
    <dc:creator id="c2">Tom Reed</dc:creator>
    <dc:publisher>Harbour Press</dc:publisher>
    <dc:language>en-GB</dc:language>
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <item id="title" href="text/title.xhtml" media-type="application/xhtml+xml"/>
    <item id="ch1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
    <item id="ch2" href="text/chapter%202.xhtml" media-type="application/xhtml+xml"/>
    <item id="notes" href="text/notes.xhtml" media-type="application/xhtml+xml"/>
    <item id="cover" href="images/cover.jpg" media-type="image/jpeg" properties="cover-image"/>
    <item id="css" href="style.css" media-type="text/css"/>
  </manifest>
  <spine>
    <itemref idref="cover"/>
    <itemref idref="nav"/>
    <itemref idref="notes" linear="no"/>
    <itemref idref="title"/>
    <itemref idref="ch1"/>
    <itemref idref="ch2"/>
    <itemref idref="ch1"/>
  </spine>
</package>
`},
	{"OEBPS/nav.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head><title>Contents</title></head>
<body>
  <nav epub:type="toc" id="toc">
    <h1>Contents</h1>
    <ol>
      <li><a href="text/title.xhtml">Title Page</a></li>
      <li><a href="text/ch1.xhtml">Chapter 1: The Light</a></li>
      <li><a href="text/chapter%202.xhtml#ch2"><span>Chapter 2:</span> The Storm</a>
        <ol>
          <li><a href="text/chapter%202.xhtml#wreck">The Wreck</a></li>
          <li><a href="text/chapter%202.xhtml#no-such-place">A Place That Is Not There</a></li>
        </ol>
      </li>
      <li><a href="text/notes.xhtml">Notes</a></li>
    </ol>
  </nav>
  <nav epub:type="page-list" hidden="">
    <ol>
      <li><a href="text/ch1.xhtml#page1">1</a></li>
      <li><a href="text/ch1.xhtml#page2">2</a></li>
      <li><a href="text/chapter%202.xhtml#page3">3</a></li>
      <li><a href="text/chapter%202.xhtml#page4">4</a></li>
      <li><a href="text/notes.xhtml#page5">5</a></li>
    </ol>
  </nav>
  <nav epub:type="landmarks" hidden="">
    <ol><li><a epub:type="bodymatter" href="text/ch1.xhtml">Start</a></li></ol>
  </nav>
</body>
</html>
`},
	{"OEBPS/text/title.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head><title>The Lighthouse Keeper</title><link rel="stylesheet" href="../style.css"/></head>
<body>
  <section epub:type="titlepage">
    <h1>The Lighthouse Keeper</h1>
    <p>A novel by Ada Marlowe.</p>
  </section>
</body>
</html>
`},
	{"OEBPS/text/ch1.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head><title>Chapter 1</title><script type="text/javascript"/></head>
<body>
  <section epub:type="chapter">
    <span epub:type="pagebreak" id="page1" title="1"/>
    <header>
      <h1>Chapter 1</h1>
      <h2>The Light</h2>
    </header>
    <p>The keeper climbed the hundred steps every evening at dusk. He trimmed the wick and wound the clockwork that turned the lens.</p>
    <p>“Do ships still need us, after all these conversations?”<a epub:type="noteref" href="notes.xhtml#n1" id="r1">1</a> his daughter asked him once.</p>
    <p>He said the sea had not changed its mind.<sup><a href="notes.xhtml#n2" id="r2">2</a></sup> Neither had he.</p>
    <p>On clear nights the beam reached twenty miles out to sea. <span epub:type="pagebreak" id="page2" title="2"/>On foggy nights it reached hardly past the rocks.</p>
    <p>1984</p>
    <p>The log for that year has a single entry in red ink: * storm * and nothing more.</p>
  </section>
</body>
</html>
`},
	{"OEBPS/text/chapter 2.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head><title>Chapter 2</title></head>
<body>
  <section epub:type="chapter" id="ch2">
    <span epub:type="pagebreak" id="page3" title="3"/>
    <h1>The Storm</h1>
    <p>The storm came in from the west on the third night of October. The keeper lit the lamp two hours early and sat by it until dawn, <span epub:type="pagebreak" id="page4" role="doc-pagebreak" aria-label="4"/>listening to the windows shake.</p>
    <h2 id="wreck">The Wreck</h2>
    <p>A schooner struck the outer reef before midnight. Its crew of seven reached the lighthouse in a single boat.</p>
    <pre>Crew:   7
Boats:  1
# lost: 0</pre>
  </section>
</body>
</html>
`},
	{"OEBPS/text/notes.xhtml", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en">
<head><title>Notes</title></head>
<body>
  <section epub:type="endnotes">
    <span epub:type="pagebreak" id="page5">5</span>
    <h1>Notes</h1>
    <aside epub:type="endnote" id="n1"><p><a epub:type="backlink" href="ch1.xhtml#r1">↩</a> The daughter was eleven at the time.</p></aside>
    <aside epub:type="endnote" id="n2"><p><a epub:type="backlink" href="ch1.xhtml#r2">↩</a> The keeper's own words, from his log.</p></aside>
  </section>
</body>
</html>
`},
	{"OEBPS/style.css", "body { margin: 1em; }\n"},
}

// moss is an EPUB 2 book: an NCX whose entries point at files that are not
// in the archive (so the chapters' own headings name them), a contents
// page of links in the spine, a chapter in ISO-8859-1 declared by its XML
// declaration, and creators with roles.
var moss = []epubFile{
	{"mimetype", "application/epub+zip"},
	{"META-INF/container.xml", epubContainerXML},
	{"OEBPS/content.opf", `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="BookId">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:title>Field Notes on Moss</dc:title>
    <dc:creator opf:role="edt">Rowan Vale</dc:creator>
    <dc:creator opf:role="aut" opf:file-as="Fern, June">June Fern</dc:creator>
    <dc:language>en</dc:language>
    <dc:identifier id="BookId">urn:isbn:9780000000002</dc:identifier>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="contents" href="contents.html" media-type="application/xhtml+xml"/>
    <item id="chap1" href="chap1.html" media-type="application/xhtml+xml"/>
    <item id="chap2" href="chap2.html" media-type="application/xhtml+xml"/>
  </manifest>
  <spine toc="ncx">
    <itemref idref="contents"/>
    <itemref idref="chap1"/>
    <itemref idref="chap2"/>
  </spine>
</package>
`},
	{"OEBPS/toc.ncx", `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="urn:isbn:9780000000002"/></head>
  <docTitle><text>Field Notes on Moss</text></docTitle>
  <navMap>
    <navPoint id="n1" playOrder="1">
      <navLabel><text>One: Northern Mosses</text></navLabel>
      <content src="missing/chap1.html"/>
    </navPoint>
    <navPoint id="n2" playOrder="2">
      <navLabel><text>Two: Southern Mosses</text></navLabel>
      <content src="missing/chap2.html"/>
    </navPoint>
  </navMap>
</ncx>
`},
	{"OEBPS/contents.html", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>Contents</title></head>
<body>
  <div class="toc">
    <p><a href="chap1.html">Northern Mosses</a></p>
    <p><a href="chap2.html">Southern Mosses</a></p>
  </div>
</body>
</html>
`},
	{"OEBPS/chap1.html", `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">
<head><title>Field Notes on Moss</title></head>
<body>
  <h2>Northern Mosses</h2>
  <p>Northern mosses grow slowly in the cold. A single cushion may be older than the trees around it.</p>
  <p>Sphagnum holds twenty times its weight in water.<a href="#fn1" id="ref1"><sup>[1]</sup></a></p>
  <p class="footnote" id="fn1"><a href="#ref1">[1]</a> Measured by drying and weighing.</p>
</body>
</html>
`},
	{"OEBPS/chap2.html", "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n" +
		`<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">
<head><title>Southern Mosses</title></head>
<body>
  <h2>Southern Mosses</h2>
  <p>In the south, mosses carpet the forest floor from Valdivia to the Strait of Magellan.</p>
  <h3>On the Caf` + "\xe9" + ` Terrace</h3>
  <p>Even the stones of the caf` + "\xe9" + ` terrace in Puerto Mont` + "\xed" + ` were green by spring.</p>
</body>
</html>
`},
}

// manualHTML is a page of a software manual as Sphinx writes one: a site
// header, navigation, a sidebar with the page's contents, a bar of
// previous and next links, "¶" links beside the headings, a contents block
// in the page, code, a table, a footnote, a script and a footer.
const manualHTML = `<!DOCTYPE html>
<html lang="en-US">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1.0" />
  <title>Configuring the Widget &#8212; Widget 2.1 documentation</title>
  <link rel="stylesheet" href="_static/alabaster.css" type="text/css" />
  <script src="_static/documentation_options.js"></script>
  <script>
    window.dataLayer = window.dataLayer || [];
    if (1 < 2) { document.write("<p>Not text</p>"); }
  </script>
  <style>p.note { color: #333; }</style>
</head>
<body>
<header class="site-header">
  <a href="/">Widget</a>
  <p>The widget project: configuration, tuning and more.</p>
</header>
<nav class="top-nav" aria-label="Main">
  <ul><li><a href="index.html">Home</a></li><li><a href="install.html">Install</a></li></ul>
</nav>
<div class="related" role="navigation" aria-label="related navigation">
  <h3>Navigation</h3>
  <ul>
    <li class="right"><a href="genindex.html" title="General Index">index</a></li>
    <li class="right"><a href="tuning.html" title="Tuning">next</a> |</li>
    <li class="right"><a href="install.html" title="Installing">previous</a> |</li>
    <li class="nav-item nav-item-0"><a href="index.html">Widget 2.1 documentation</a> &#187;</li>
  </ul>
</div>
<div class="document">
<div class="documentwrapper">
<div class="body" role="main">
  <section id="configuring-the-widget">
    <h1>Configuring the Widget<a class="headerlink" href="#configuring-the-widget" title="Permalink to this heading">¶</a></h1>
    <div class="contents topic" id="contents">
      <p class="topic-title">Contents</p>
      <ul class="simple">
        <li><a class="reference internal" href="#the-configuration-file">The configuration file</a></li>
        <li><a class="reference internal" href="#limits">Limits</a></li>
      </ul>
    </div>
    <p>The widget reads its settings once, when it starts. Changes made while it runs take effect at the next start.</p>
    <section id="the-configuration-file">
      <h2>The configuration file<a class="headerlink" href="#the-configuration-file" title="Permalink to this heading">¶</a></h2>
      <p>Settings live in <code class="docutils literal"><span class="pre">widget.toml</span></code>, next to the program. A line starting with <code>#</code> is a comment, and <em>every</em> key is optional.</p>
      <div class="highlight-toml notranslate"><div class="highlight"><pre><span></span><span class="c1"># widget.toml</span>
<span class="n">threads</span> <span class="o">=</span> <span class="mi">4</span>
<span class="n">glob</span> <span class="o">=</span> <span class="s">"*.log"</span>
</pre></div></div>
      <p>The glob pattern <code>*.log</code> matches every log file; write <code>**</code> to match folders too.<a class="footnote-reference brackets" href="#f1" id="id1">1</a></p>
    </section>
    <section id="limits">
      <h2>Limits<a class="headerlink" href="#limits" title="Permalink to this heading">¶</a></h2>
      <p>The widget refuses files over 2 GiB.<br/>Raise the limit with the <code>max_size</code> key.</p>
      <table class="docutils align-default">
        <thead><tr><th>Key</th><th>Default</th></tr></thead>
        <tbody>
          <tr><td><code>threads</code></td><td>4</td></tr>
          <tr><td><code>max_size</code></td><td>2 GiB</td></tr>
        </tbody>
      </table>
      <aside class="footnote brackets" id="f1" role="note">
        <span class="label"><span class="fn-bracket">[</span><a role="doc-backlink" href="#id1">1</a><span class="fn-bracket">]</span></span>
        <p>Folders are matched only on Linux and macOS.</p>
      </aside>
    </section>
  </section>
  <div class="prev-next"><a href="install.html">Prev</a> | <a href="tuning.html">Next</a> | <a href="index.html">Home</a></div>
</div>
</div>
</div>
<div class="sphinxsidebar" role="navigation" aria-label="main navigation">
  <div class="sphinxsidebarwrapper">
    <h3><a href="index.html">Table of Contents</a></h3>
    <ul><li><a class="reference internal" href="#">Configuring the Widget</a></li></ul>
    <div id="searchbox" role="search"><form class="search"><input type="text" name="q" /><input type="submit" value="Go" /></form></div>
  </div>
</div>
<footer class="footer">&#169;2024, The Widget Authors. Powered by Sphinx.</footer>
<script>document.querySelectorAll("a").forEach(function (a) {});</script>
</body>
</html>
`

// latin1HTML is a page in ISO-8859-1, as its <meta charset> says.
const latin1HTML = "<html lang=\"de\">\n<head>\n<meta charset=\"iso-8859-1\">\n<title>Caf\xe9 M\xfcller</title>\n</head>\n<body>\n" +
	"<h1>Caf\xe9 M\xfcller</h1>\n" +
	"<p>Das Caf\xe9 M\xfcller liegt an der Stra\xdfe zum Hafen. Es \xf6ffnet um sieben Uhr.</p>\n" +
	"<h2>Preise</h2>\n" +
	"<p>Ein Kaffee kostet 2,50 Euro, \xbbmit Milch\xab etwas mehr.</p>\n" +
	"</body>\n</html>\n"
