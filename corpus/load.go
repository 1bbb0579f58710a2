package corpus

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

//go:embed de-stalinization.txt
var defaultText []byte

// DefaultName is the document name of the embedded default text.
const DefaultName = "de-stalinization.txt"

// Default returns the embedded default corpus: page 388 of the Encyclopedia
// of Russian History, article "De-Stalinization", exactly as it was extracted
// from print. Its title, source and page come from the page's own furniture.
func Default() *Corpus {
	var b Builder
	if err := b.Add(DefaultName, "embedded:"+DefaultName, defaultText); err != nil {
		panic("corpus: embedded text: " + err.Error()) // a build defect, caught by tests
	}
	c, err := b.Corpus()
	if err != nil {
		panic("corpus: embedded text: " + err.Error())
	}
	return c
}

// DefaultText returns the embedded default text as it is stored.
func DefaultText() []byte { return append([]byte(nil), defaultText...) }

// Extensions are the file name endings Load reads in a folder: text,
// Markdown, PDF, EPUB and HTML.
var Extensions = []string{".txt", ".md", ".markdown", ".text", ".pdf", ".epub", ".html", ".htm", ".xhtml"}

// addFile adds the file at path, called name, read as its extension says:
// PDF, EPUB and HTML through their readers, anything else as text.
func (b *Builder) addFile(ctx context.Context, name, path string, data []byte) error {
	var read func(ctx context.Context, name, path string, data []byte) (*Paged, error)
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		read = readPDF
	case ".epub":
		read = readEPUB
	case ".html", ".htm", ".xhtml":
		read = readHTML
	default:
		return b.addContext(ctx, name, path, data)
	}
	d, err := read(ctx, name, path, data)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var fe *FileError
		if errors.As(err, &fe) {
			return fe
		}
		return &FileError{Path: path, Reason: reasonOf(err), Err: err}
	}
	return b.AddPagesContext(ctx, *d)
}

// ErrNoFiles is returned for a folder holding no file of a type lectern
// reads (see Extensions).
var ErrNoFiles = errors.New("no text, Markdown, PDF, EPUB or HTML files found")

// Errors for files skipped before they are parsed; FileError wraps them.
var (
	// ErrNotRegular: a named pipe, socket, device or folder where a file
	// was expected, directly or through a symbolic link.
	ErrNotRegular = errors.New("not a regular file")
	// ErrChanged: a file whose size or modification time changed while it
	// was read.
	ErrChanged = errors.New("the file changed while it was read")
	// ErrOverLimit: a file that would take the corpus over
	// LoadOptions.MaxTotalBytes.
	ErrOverLimit = errors.New("over the corpus size limit")
)

// Limits on what LoadContext reads.
const (
	// DefaultMaxFileBytes is the largest file read unless LoadOptions say
	// otherwise.
	DefaultMaxFileBytes = 512 << 20
	// DefaultMaxTotalBytes is the most read in all unless LoadOptions say
	// otherwise. Building the index of a corpus takes about 7.5 times its
	// size in memory, so 1 GiB of text needs some 8 GiB: raise it on a
	// machine that has more.
	DefaultMaxTotalBytes = 1 << 30
	// MaxFileBytesCeiling is the largest file a corpus can hold: offsets
	// into a file are 31 bits.
	MaxFileBytesCeiling = math.MaxInt32
	// MaxTotalBytesCeiling is the most text a corpus can address: offsets
	// into its text are 32 bits.
	MaxTotalBytesCeiling = 4 << 30
)

// LoadOptions configure LoadContext. The zero value reads with the default
// limits and reports no progress.
type LoadOptions struct {
	// MaxFileBytes is the largest file read. A larger file is skipped with
	// ReasonTooBig without being read, or is an error when named directly.
	// Zero or less means DefaultMaxFileBytes; more than MaxFileBytesCeiling
	// means the ceiling.
	MaxFileBytes int64
	// MaxTotalBytes is the most the files loaded may add up to. Files are
	// read in order, and once the next would take the total over the
	// limit, it and every file after it are skipped with ReasonOverLimit,
	// without being read. Zero or less means DefaultMaxTotalBytes; more
	// than MaxTotalBytesCeiling means the ceiling.
	MaxTotalBytes int64
	// Progress, if not nil, is called after each file of a folder, in
	// order, from the goroutine that called LoadContext.
	Progress func(Progress)
	// Workers is how many files of a folder are read and parsed at once.
	// Zero or less means runtime.GOMAXPROCS(0). The corpus is the same
	// whatever the number: documents, skipped files and warnings come in
	// the order of the files, and the limits apply as if the files were
	// loaded one after the other.
	Workers int
}

// Limits returns the per-file and total limits o asks for, defaults and
// ceilings applied.
func (o LoadOptions) Limits() (file, total int64) {
	file, total = o.MaxFileBytes, o.MaxTotalBytes
	if file <= 0 {
		file = DefaultMaxFileBytes
	}
	if total <= 0 {
		total = DefaultMaxTotalBytes
	}
	return min(file, MaxFileBytesCeiling), min(total, MaxTotalBytesCeiling)
}

// Load is LoadContext with no way to stop it and the default limits.
func Load(path string) (*Corpus, error) {
	return LoadContext(context.Background(), path, LoadOptions{})
}

// Progress tells how far a load has got: files done (read or skipped) of
// those to read, bytes read of those expected (the sizes of the files
// within the limits), and sentences so far.
type Progress struct {
	Files, TotalFiles int
	Bytes, TotalBytes int64
	Sentences         int
}

// LoadProgress is Load calling progress (if not nil) after each file.
func LoadProgress(path string, progress func(Progress)) (*Corpus, error) {
	return LoadContext(context.Background(), path, LoadOptions{Progress: progress})
}

// LoadContext reads the file or folder at path, which may be a symbolic
// link to either.
//
// A folder is read recursively, files in lexical order of their paths.
// Hidden files and folders (names starting with ".") are ignored without a
// word. Every other entry that is not a readable regular file whose name
// ends in one of Extensions is skipped, and recorded in Corpus.Skipped with
// its path and a Reason: an unsupported type (.pdf, no extension), a named
// pipe, socket or device (never opened, not even through a symbolic link),
// a broken or looping symbolic link, a symbolic link to a folder (not
// followed, since such links can loop: name the folder itself instead), a
// file or folder that cannot be read, a file removed or written to while
// the folder loads, a file over a limit (see LoadOptions; sizes are checked
// before reading, and no file is read past its limit), or a file whose text
// cannot be used (binary, not UTF-8, empty, bad front matter). The rest
// still load, and Corpus.Summary counts what was read and skipped.
//
// A file named directly is read whatever its extension, and any of those
// problems is an error. LoadContext also fails when the folder cannot be
// listed, or when nothing usable is left; its errors name the path and
// say what to do.
//
// Once ctx is cancelled, LoadContext stops at any stage, in the middle of
// reading or parsing a large file too, and returns ctx's error wrapped:
// usually within milliseconds, always well under a second.
func LoadContext(ctx context.Context, path string, opts LoadOptions) (*Corpus, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		if isLoop(err) {
			return nil, fmt.Errorf("load corpus: %w; the symbolic link loops: fix it, or name the file itself", err)
		}
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(path)
			return nil, fmt.Errorf("load corpus: %w; it is a symbolic link to %s: fix it, or name the file itself", err, target)
		}
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	maxFile, maxTotal := opts.Limits()
	if !info.IsDir() {
		return loadFile(ctx, path, info, maxFile, maxTotal)
	}

	w := walker{ctx: ctx}
	if err := w.walk(path, info); err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	var b Builder
	for _, fe := range w.skipped {
		b.Skip(fe)
	}
	if len(w.files) == 0 {
		note := ""
		if len(w.skipped) > 0 {
			note = " (" + b.c.Summary().String() + ")"
		}
		return nil, fmt.Errorf("load corpus %s: %w; put text files in it or name a file%s", path, ErrNoFiles, note)
	}

	// What the limits let through, judged by the sizes listed, to reserve
	// room and show progress.
	var pr Progress
	pr.TotalFiles = len(w.files)
	for _, f := range w.files {
		if f.size > maxFile {
			continue
		}
		if pr.TotalBytes+f.size > maxTotal {
			break
		}
		pr.TotalBytes += f.size
	}
	b.Grow(int(min(pr.TotalBytes, int64(math.MaxInt))))

	l := folderLoad{ctx: ctx, root: path, files: w.files, maxFile: maxFile, maxTotal: maxTotal,
		progress: opts.Progress, b: &b, pr: pr}
	if err := l.run(opts.workers(len(w.files))); err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	sort.SliceStable(b.c.skipped, func(i, j int) bool { return b.c.skipped[i].Path < b.c.skipped[j].Path })
	c, err := b.Corpus()
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w%s", path, err, skippedList(&b.c))
	}
	return c, nil
}

// workers returns how many of a folder's n files are to be parsed at once.
func (o LoadOptions) workers(n int) int {
	w := o.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return max(1, min(w, n))
}

// folderLoad loads a folder's files into b, in order.
type folderLoad struct {
	ctx               context.Context
	root              string
	files             []entry
	maxFile, maxTotal int64
	progress          func(Progress)
	b                 *Builder
	pr                Progress
	full              error // why every file from now on is skipped
}

// fileResult is what reading and parsing one file of a folder gave.
type fileResult struct {
	n    int64    // the bytes read; 0 if the file was not read
	part *Builder // the file's document, parsed on its own; nil with err
	err  error    // ctx's error, or a *FileError saying why it is skipped
	// again says the file was looked at too early to tell whether it fits
	// in the corpus's size limit: it is to be loaded again, in order.
	again bool
}

// run loads the files, workers of them at a time, and returns ctx's error
// if it is cancelled. The corpus it builds is the same whatever the
// number of workers: files are read and parsed side by side, but added
// in order, and the limits apply as if they were loaded one by one.
func (l *folderLoad) run(workers int) error {
	next := 0 // the first file not added or skipped yet
	if workers > 1 {
		var err error
		if next, err = l.parallel(workers); err != nil {
			return err
		}
	}
	for _, f := range l.files[next:] {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		var r fileResult
		if l.full == nil {
			r = loadOne(l.ctx, l.root, f, l.maxFile, l.maxTotal, l.b.c.bytes)
		}
		if err := l.add(f, r); err != nil {
			return err
		}
	}
	return nil
}

// loadBudget is about the most file data read ahead of the file being
// added, unless a single file is larger.
const loadBudget = 64 << 20

// parallel loads the files with workers goroutines parsing them, one
// reading them ahead of those, and the files added here in order. It stops
// at the first file it cannot tell fits in the size limit, and returns the
// index of the first file left to load one by one (len(l.files) when
// done), or ctx's error.
//
// Each file is read with the limit applied to the bytes read before it,
// which are at least what the corpus holds by then (a file that fails to
// parse adds nothing): a file that fits by that count fits in order too.
// The first that does not is read again once the files before it are in.
func (l *folderLoad) parallel(workers int) (int, error) {
	ctx, cancel := context.WithCancel(l.ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel() // stops the reader and the workers, then waits for them

	window := 32 * workers // files read or parsed ahead of the next to add
	results := make([]chan fileResult, window)
	for i := range results {
		results[i] = make(chan fileResult, 1)
	}
	type job struct {
		k    int
		data []byte
	}
	jobs := make(chan job, window)
	added := make(chan int64, window) // the listed size of each file added

	wg.Go(func() { // the reader
		defer close(jobs)
		var read int64 // the bytes read so far
		inFlight, reserved := 0, int64(0)
		for k, f := range l.files {
			for inFlight >= window || inFlight > 0 && reserved+f.size > loadBudget {
				select {
				case n := <-added:
					inFlight--
					reserved -= n
				case <-ctx.Done():
					return
				}
			}
			inFlight++
			reserved += f.size
			data, err := readFile(ctx, f.path, l.maxFile, l.maxTotal, read)
			if err != nil {
				r := fileResult{err: err}
				if fe, ok := err.(*FileError); ok && fe.Reason == ReasonOverLimit {
					r = fileResult{again: true}
				}
				results[k%window] <- r
				if r.again || ctx.Err() != nil {
					return
				}
				continue
			}
			read += int64(len(data))
			select {
			case jobs <- job{k, data}:
			case <-ctx.Done():
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results[j.k%window] <- parseOne(ctx, l.root, l.files[j.k], j.data)
			}
		})
	}

	for k, f := range l.files {
		if err := l.ctx.Err(); err != nil {
			return 0, err
		}
		var r fileResult
		select {
		case r = <-results[k%window]:
		case <-l.ctx.Done():
			return 0, l.ctx.Err()
		}
		if r.again {
			return k, nil
		}
		if err := l.add(f, r); err != nil {
			return 0, err
		}
		if l.full != nil {
			return k + 1, nil // the rest is skipped without being read
		}
		added <- f.size
	}
	return len(l.files), nil
}

// loadOne reads and parses file f of the folder root, for a corpus that
// holds used bytes.
func loadOne(ctx context.Context, root string, f entry, maxFile, maxTotal, used int64) fileResult {
	data, err := readFile(ctx, f.path, maxFile, maxTotal, used)
	if err != nil {
		return fileResult{err: err}
	}
	return parseOne(ctx, root, f, data)
}

// parseOne parses data, the contents of file f of the folder root, into a
// corpus of its own.
func parseOne(ctx context.Context, root string, f entry, data []byte) fileResult {
	name, _ := filepath.Rel(root, f.path)
	part := new(Builder)
	part.Grow(len(data))
	if err := part.addFile(ctx, filepath.ToSlash(name), f.path, data); err != nil {
		return fileResult{n: int64(len(data)), err: err}
	}
	return fileResult{n: int64(len(data)), part: part}
}

// add adds file f's document from r to the corpus, or records why it is
// skipped, and reports progress. Its error is ctx's.
func (l *folderLoad) add(f entry, r fileResult) error {
	l.pr.Files++
	err := r.err
	if l.full != nil {
		err = &FileError{Path: f.path, Reason: ReasonOverLimit, Err: l.full}
	} else {
		l.pr.Bytes += r.n
		if err == nil {
			err = l.b.absorb(r.part)
		}
	}
	if err != nil {
		if l.ctx.Err() != nil {
			return l.ctx.Err()
		}
		if fe, ok := err.(*FileError); ok {
			l.b.Skip(fe)
			if l.full == nil && fe.Reason == ReasonOverLimit {
				l.full = fmt.Errorf("%w: the corpus reached its limit of %s before this file; raise limits.max_corpus_size, or load fewer files", ErrOverLimit, formatBytes(l.maxTotal))
				if errors.Is(fe, ErrTooLarge) {
					l.full = ErrTooLarge
				}
			}
		}
	}
	if l.progress != nil {
		l.pr.Sentences = len(l.b.c.sents)
		l.progress(l.pr)
	}
	return nil
}

// loadFile loads the one file at path, named directly.
func loadFile(ctx context.Context, path string, info fs.FileInfo, maxFile, maxTotal int64) (*Corpus, error) {
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("load corpus: %w", &FileError{Path: path, Reason: ReasonNotRegular,
			Err: fmt.Errorf("%w: %s; name a text file, or a folder of them", ErrNotRegular, describeMode(info.Mode()))})
	}
	data, err := readFile(ctx, path, maxFile, maxTotal, 0)
	if err == nil {
		var b Builder
		b.Grow(len(data))
		if err = b.addFile(ctx, filepath.Base(path), path, data); err == nil {
			return b.Corpus()
		}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, ctx.Err())
	}
	return nil, fmt.Errorf("load corpus: %w", err)
}

// skippedList lists the files c skipped, one a line, for an error message:
// at most maxListed, and none of unsupported type, which the summary on
// the last line counts.
func skippedList(c *Corpus) string {
	const maxListed = 20
	var b strings.Builder
	listed, more := 0, 0
	for _, fe := range c.skipped {
		if fe.kind() == ReasonUnsupported {
			continue
		}
		if listed == maxListed {
			more++
			continue
		}
		listed++
		b.WriteString("\n  skipped " + fe.Error())
	}
	if more > 0 {
		fmt.Fprintf(&b, "\n  and %d more", more)
	}
	if len(c.skipped) > 0 {
		b.WriteString("\n  " + c.Summary().String())
	}
	return b.String()
}

// entry is a file a folder's walk found to read: a regular file, or a
// symbolic link to one, with a supported name.
type entry struct {
	path    string
	size    int64
	modTime time.Time
}

// walker lists a folder's files for Load, and the entries it skips.
type walker struct {
	ctx     context.Context
	files   []entry
	skipped []*FileError
	seen    int         // entries looked at, to look at ctx now and then
	parents [][2]uint64 // the folders being walked, to catch a loop
}

// walk lists the folder root, whose information is info, and its
// subfolders, the files to read sorted by path. It fails only when ctx is
// cancelled or root cannot be listed.
func (w *walker) walk(root string, info fs.FileInfo) error {
	if err := w.dir(root, info, true); err != nil {
		return err
	}
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].path < w.files[j].path })
	return nil
}

// dir lists the folder dir, whose information is info, and its
// subfolders; top says dir is the root.
func (w *walker) dir(dir string, info fs.FileInfo, top bool) error {
	if id, ok := fileID(info); ok {
		if slices.Contains(w.parents, id) {
			w.skip(dir, ReasonOther, errors.New("this folder is inside itself (a bind mount?); skipped to avoid a loop"))
			return nil
		}
		w.parents = append(w.parents, id)
		defer func() { w.parents = w.parents[:len(w.parents)-1] }()
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if top && len(entries) == 0 {
			return err
		}
		// The entries read before the error are still good.
		w.skip(dir, ReasonUnreadable, fmt.Errorf("this folder cannot be read: %w", pathCause(err)))
	}
	for _, e := range entries {
		if w.seen++; w.seen%1024 == 0 {
			if err := w.ctx.Err(); err != nil {
				return err
			}
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(dir, name)
		switch t := e.Type(); {
		case t.IsDir():
			fi, err := e.Info()
			if err != nil {
				w.skipErr(p, err)
				continue
			}
			if err := w.dir(p, fi, false); err != nil {
				return err
			}
		case t&fs.ModeSymlink != 0:
			w.link(p, name)
		case !t.IsRegular():
			w.skip(p, ReasonNotRegular, fmt.Errorf("%w: %s; lectern reads only regular files, and does not open others", ErrNotRegular, describeMode(t)))
		case !supported(name):
			w.skip(p, ReasonUnsupported, unsupported(name))
		default:
			fi, err := e.Info()
			if err != nil {
				w.skipErr(p, err)
				continue
			}
			w.files = append(w.files, entry{path: p, size: fi.Size(), modTime: fi.ModTime()})
		}
	}
	return nil
}

// link looks at the symbolic link p, called name, without opening what it
// points to: a regular file with a supported name is to be read.
func (w *walker) link(p, name string) {
	target, _ := os.Readlink(p)
	fi, err := os.Stat(p)
	switch {
	case err == nil && fi.IsDir():
		w.skip(p, ReasonNotRegular, fmt.Errorf("%w: a symbolic link to a folder (%s), which lectern does not follow, as such links can loop; name that folder as the corpus, or move its files here", ErrNotRegular, target))
	case err == nil && !fi.Mode().IsRegular():
		w.skip(p, ReasonNotRegular, fmt.Errorf("%w: a symbolic link to %s, %s; lectern reads only regular files, and does not open others", ErrNotRegular, target, describeMode(fi.Mode())))
	case err == nil && !supported(name):
		w.skip(p, ReasonUnsupported, unsupported(name))
	case err == nil:
		w.files = append(w.files, entry{path: p, size: fi.Size(), modTime: fi.ModTime()})
	case isLoop(err):
		w.skip(p, ReasonBrokenLink, fmt.Errorf("a symbolic link that loops (to %s, which leads back to it); fix or remove it", target))
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(p); lerr != nil {
			w.skipErr(p, lerr) // the link itself is gone
			return
		}
		w.skip(p, ReasonBrokenLink, fmt.Errorf("a symbolic link to %s, which does not exist; fix or remove it", target))
	default:
		w.skipErr(p, err)
	}
}

func (w *walker) skip(p string, r Reason, err error) {
	w.skipped = append(w.skipped, &FileError{Path: p, Reason: r, Err: err})
}

// skipErr skips p for an error from the file system.
func (w *walker) skipErr(p string, err error) {
	w.skipped = append(w.skipped, fsError(p, err))
}

// fsError turns an error from opening or looking at the file p into the
// reason it is skipped.
func fsError(p string, err error) *FileError {
	cause := pathCause(err)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &FileError{Path: p, Reason: ReasonVanished, Err: fmt.Errorf("removed while the corpus was loading (%w)", cause)}
	case isLoop(err):
		return &FileError{Path: p, Reason: ReasonBrokenLink, Err: fmt.Errorf("a symbolic link that loops (%w); fix or remove it", cause)}
	case isNoDevice(err):
		return &FileError{Path: p, Reason: ReasonNotRegular, Err: fmt.Errorf("%w: a socket or a missing device (%w)", ErrNotRegular, cause)}
	}
	return &FileError{Path: p, Reason: ReasonUnreadable, Err: fmt.Errorf("cannot be read: %w", cause)}
}

// pathCause returns the error a *fs.PathError wraps, whose message does not
// repeat the path.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// supported reports whether a file called name is read in a folder.
func supported(name string) bool {
	return slices.Contains(Extensions, strings.ToLower(filepath.Ext(name)))
}

// unsupported says why a file called name is not read.
func unsupported(name string) error {
	kinds := strings.Join(Extensions[:len(Extensions)-1], ", ") + " and " + Extensions[len(Extensions)-1]
	if ext := filepath.Ext(name); ext != "" {
		return fmt.Errorf("unsupported type (%s): lectern reads %s files; save it in one of those formats to include it", strings.ToLower(ext), kinds)
	}
	return fmt.Errorf("no extension: lectern reads %s files; rename it to include it", kinds)
}

// describeMode names the kind of a file that is not regular.
func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a folder"
	}
	return "a special file"
}

// readChunk is how much readFile reads between two looks at the context.
const readChunk = 4 << 20

// testHook, set only by tests, is called with a file's path before it is
// opened ("open") and after its size is checked, before it is read
// ("read"), before each page of a PDF ("page"), and with no path each
// time parsing looks at the context ("check").
var testHook func(stage, path string)

func hook(stage, path string) {
	if testHook != nil {
		testHook(stage, path)
	}
}

// readFile reads the file at path, for a corpus of at most maxTotal bytes
// already holding used. It opens it without waiting (a named pipe with no
// writer would block), refuses anything but a regular file, checks its size
// against the limits before reading, reads no more than one byte past that
// size, and skips it if it changed meanwhile. Its errors are ctx's or a
// *FileError.
func readFile(ctx context.Context, path string, maxFile, maxTotal, used int64) ([]byte, error) {
	hook("open", path)
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, fsError(path, err)
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return nil, fsError(path, err)
	}
	if !before.Mode().IsRegular() {
		return nil, &FileError{Path: path, Reason: ReasonNotRegular,
			Err: fmt.Errorf("%w: %s; lectern reads only regular files", ErrNotRegular, describeMode(before.Mode()))}
	}
	size := before.Size()
	switch {
	case size > maxFile:
		raise := "; split it, or raise limits.max_file_size"
		if maxFile >= MaxFileBytesCeiling {
			raise = "; split it"
		}
		return nil, &FileError{Path: path, Reason: ReasonTooBig,
			Err: fmt.Errorf("%w: %s, over the limit of %s per file%s", ErrTooBig, formatBytes(size), formatBytes(maxFile), raise)}
	case size > maxTotal-used:
		return nil, &FileError{Path: path, Reason: ReasonOverLimit,
			Err: fmt.Errorf("%w: its %s would take the corpus past its limit of %s; raise limits.max_corpus_size, or load fewer files", ErrOverLimit, formatBytes(size), formatBytes(maxTotal))}
	}
	hook("read", path)
	// One byte more than the size, to see a file that grew.
	buf := make([]byte, size+1)
	r := io.LimitReader(f, size+1)
	n := 0
	for n < len(buf) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m, err := r.Read(buf[n:min(n+readChunk, len(buf))])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fsError(path, err)
		}
	}
	after, err := f.Stat()
	if err != nil {
		return nil, fsError(path, err)
	}
	if int64(n) != size || after.Size() != size || !after.ModTime().Equal(before.ModTime()) {
		how := "was rewritten"
		switch {
		case int64(n) > size || after.Size() > size:
			how = "grew"
		case int64(n) < size || after.Size() < size:
			how = "shrank"
		}
		return nil, &FileError{Path: path, Reason: ReasonChanged,
			Err: fmt.Errorf("%w: it %s from %s as it was read; load again once it is written", ErrChanged, how, formatBytes(size))}
	}
	return buf[:n], nil
}

// FileStamp identifies a version of a corpus file: an index built from the
// file is up to date while these stay the same.
type FileStamp struct {
	Path string `json:"path"`
	// Size is -1 for an entry Load skips before reading it (see Stamps).
	Size    int64 `json:"size"`
	ModTime int64 `json:"mtime"` // Unix nanoseconds
}

// Stamps lists the files Load would read at path, with their sizes and
// modification times, without reading them. Entries of a folder that Load
// would skip before reading (a broken link, a named pipe, a file that
// cannot be read) are listed too, with Size -1 (and the modification time
// of the entry itself, if it has one), so that fixing them changes the
// stamps; files of unsupported types and hidden ones are not listed. It
// fails only when path cannot be read.
func Stamps(path string) ([]FileStamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []FileStamp{{Path: path, Size: info.Size(), ModTime: info.ModTime().UnixNano()}}, nil
	}
	w := walker{ctx: context.Background()}
	if err := w.walk(path, info); err != nil {
		return nil, err
	}
	out := make([]FileStamp, 0, len(w.files)+len(w.skipped))
	for _, f := range w.files {
		out = append(out, FileStamp{Path: f.path, Size: f.size, ModTime: f.modTime.UnixNano()})
	}
	for _, fe := range w.skipped {
		if fe.Reason == ReasonUnsupported {
			continue
		}
		st := FileStamp{Path: fe.Path, Size: -1}
		if fi, err := os.Lstat(fe.Path); err == nil {
			st.ModTime = fi.ModTime().UnixNano()
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
