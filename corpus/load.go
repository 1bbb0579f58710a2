package corpus

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
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

// Extensions are the file name endings Load reads in a folder.
var Extensions = []string{".txt", ".md", ".markdown", ".text"}

// ErrNoFiles is returned for a folder holding no .txt or .md file.
var ErrNoFiles = errors.New("no .txt or .md files found")

// Load reads the file or folder at path. A folder is read recursively, in
// lexical order, taking the files whose names end in one of Extensions and
// skipping hidden files and folders. A file named directly is read whatever
// its extension.
//
// In a folder, a file that cannot be used (binary, not UTF-8, empty,
// unreadable) is recorded in Corpus.Skipped and the rest still load. Load
// fails when path cannot be read, when a file named directly is bad, or when
// nothing usable is left; its errors name the path and say what to do.
func Load(path string) (*Corpus, error) {
	return LoadProgress(path, nil)
}

// Progress tells how far a Load has got.
type Progress struct {
	Files, TotalFiles int
	Bytes, TotalBytes int64
	Sentences         int
}

// LoadProgress is Load calling progress (if not nil) after each file.
func LoadProgress(path string, progress func(Progress)) (*Corpus, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	var b Builder
	if !info.IsDir() {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		if err := b.Add(filepath.Base(path), path, data); err != nil {
			return nil, fmt.Errorf("load corpus: %w", err)
		}
		return b.Corpus()
	}
	files, err := listFiles(path)
	if err != nil {
		return nil, fmt.Errorf("load corpus %s: %w", path, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("load corpus %s: %w; put text files in it or name a file", path, ErrNoFiles)
	}
	var pr Progress
	pr.TotalFiles = len(files)
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			pr.TotalBytes += fi.Size()
		}
	}
	b.Grow(int(min(pr.TotalBytes, 1<<32)))
	for _, f := range files {
		data, err := os.ReadFile(f)
		pr.Files++
		pr.Bytes += int64(len(data))
		b.addFile(path, f, data, err)
		if progress != nil {
			pr.Sentences = len(b.c.sents)
			progress(pr)
		}
	}
	c, err := b.Corpus()
	if err != nil {
		var skipped strings.Builder
		for _, s := range b.c.skipped {
			skipped.WriteString("\n  skipped " + s.Error())
		}
		return nil, fmt.Errorf("load corpus %s: %w%s", path, err, skipped.String())
	}
	return c, nil
}

// addFile adds file f of the folder root, or records why it is skipped.
func (b *Builder) addFile(root, f string, data []byte, err error) {
	if err == nil && int64(len(data)) > MaxFileBytes {
		err = ErrTooBig
	}
	if err != nil {
		b.Skip(&FileError{Path: f, Err: err})
		return
	}
	name, _ := filepath.Rel(root, f)
	if err := b.Add(filepath.ToSlash(name), f, data); err != nil {
		var fe *FileError
		if errors.As(err, &fe) {
			b.Skip(fe)
		}
	}
}

// listFiles returns the text files below dir, sorted.
func listFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			files = append(files, p) // reported when read
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(p))
		for _, e := range Extensions {
			if ext == e {
				files = append(files, p)
				break
			}
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// FileStamp identifies a version of a corpus file: an index built from the
// file is up to date while these stay the same.
type FileStamp struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"` // Unix nanoseconds
}

// Stamps lists the files Load would read at path, with their sizes and
// modification times, without reading them.
func Stamps(path string) ([]FileStamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if info.IsDir() {
		if files, err = listFiles(path); err != nil {
			return nil, err
		}
	}
	out := make([]FileStamp, 0, len(files))
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		out = append(out, FileStamp{Path: f, Size: fi.Size(), ModTime: fi.ModTime().UnixNano()})
	}
	return out, nil
}
