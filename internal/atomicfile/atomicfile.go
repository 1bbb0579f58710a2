// Package atomicfile writes files so that a reader sees the old contents or
// the new, never a part, and so that writing cannot destroy what it should
// not: a folder, a FIFO, a device, or a file it was told to protect.
package atomicfile

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"lectern/internal/regular"
)

// Errors Write returns, wrapped with the path.
var (
	// ErrNotRegular: the path names a folder, FIFO, socket or device, which
	// a file must not replace.
	ErrNotRegular = errors.New("not a regular file")
	// ErrProtected: the path names one of the files Write was told to keep.
	ErrProtected = errors.New("is a file that must not be overwritten")
	// ErrLinkLoop: the path is a chain of symbolic links that does not end.
	ErrLinkLoop = errors.New("too many levels of symbolic links")
)

// chunk is how much Write writes between checks of its context.
const chunk = 4 << 20

// Write writes data to the file at path through a temporary file in the
// same folder, synced and then renamed into place, so that a reader of path
// sees either the old file or the whole new one.
//
// A symbolic link at path is followed: its target is replaced, the link
// stays. An existing file keeps its permissions (and, where allowed, its
// owner); a new one gets the usual mode 0666 less the umask. Write refuses
// (ErrNotRegular) to replace a folder, FIFO, socket or device,
// (ErrProtected) any file that is the same file as one of opts.Protect, and
// any file opts.Replaceable refuses. When it
// fails, or ctx is done before the rename, it removes its temporary file and
// leaves path as it was.
func Write(ctx context.Context, path string, data []byte, opts Options) error {
	return WriteFunc(ctx, path, func(w io.Writer) error {
		for off := 0; off < len(data); off += chunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			if _, err := w.Write(data[off:min(off+chunk, len(data))]); err != nil {
				return err
			}
		}
		return nil
	}, opts)
}

// WriteFunc is Write for contents made as they are written: write writes
// them to the temporary file (buffered), so that they need not be held in
// memory whole. When write fails, or ctx is done, path is left as it was.
// Writes to the temporary file fail with ctx's error once ctx is done.
func WriteFunc(ctx context.Context, path string, write func(w io.Writer) error, opts Options) error {
	target, old, err := check(path, opts)
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	tmp, err := create(dir, filepath.Base(target))
	if err != nil {
		return err
	}
	name := tmp.Name()
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if old != nil {
		if err := tmp.Chmod(old.Mode().Perm()); err != nil {
			return err
		}
		keepOwner(tmp, old)
	}
	bw := bufio.NewWriterSize(ctxWriter{ctx, tmp}, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Syncing hundreds of megabytes can take seconds: an interrupt must
	// not wait for it.
	synced := make(chan error, 1)
	go func() {
		var err error
		if !opts.NoSync {
			err = tmp.Sync()
		}
		if err2 := tmp.Close(); err == nil {
			err = err2
		}
		synced <- err
	}()
	select {
	case err := <-synced:
		if err != nil {
			os.Remove(name)
			done = true
			return err
		}
	case <-ctx.Done():
		os.Remove(name) // the sync goes on and closes the file
		done = true
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(name, target); err != nil {
		return err
	}
	done = true
	syncDir(dir)
	return nil
}

// ctxWriter fails with ctx's error once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// Options say what Write must not replace.
type Options struct {
	// Protect are files that must never be replaced, by whatever path
	// (links included) they are named.
	Protect []string
	// NoSync skips flushing the file to disk before it is renamed into
	// place. Flushing a large file can take seconds, during which the
	// process cannot exit; skip it for files that are checked when read
	// and can be made again, so that a file torn by a power cut is caught
	// and replaced rather than trusted.
	NoSync bool
	// Replaceable, if not nil, is shown the existing regular file, opened
	// for reading, and returns an error if it must not be replaced.
	Replaceable func(f *os.File) error
}

// Check reports whether Write would refuse to write path, without writing:
// to fail early, before the data is made.
func Check(path string, opts Options) error {
	_, _, err := check(path, opts)
	return err
}

// check resolves path's links and checks what is there, returning the path
// to write and the file it replaces (nil if none).
func check(path string, opts Options) (string, fs.FileInfo, error) {
	target, err := Resolve(path)
	if err != nil {
		return "", nil, err
	}
	old, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if fi, err := os.Stat(filepath.Dir(target)); err != nil {
			return "", nil, err
		} else if !fi.IsDir() {
			return "", nil, fmt.Errorf("%s: %w (%s)", filepath.Dir(target), ErrNotRegular, "not a folder")
		}
		return target, nil, nil
	case err != nil:
		return "", nil, err
	case !old.Mode().IsRegular():
		return "", nil, fmt.Errorf("%s: %w (%s): name a file", target, ErrNotRegular, regular.Kind(old.Mode()))
	}
	for _, p := range opts.Protect {
		if fi, err := os.Stat(p); err == nil && os.SameFile(fi, old) {
			return "", nil, fmt.Errorf("%s %w (%s)", target, ErrProtected, p)
		}
	}
	if opts.Replaceable != nil {
		f, err := os.Open(target)
		if err != nil {
			return "", nil, err
		}
		defer f.Close()
		if err := opts.Replaceable(f); err != nil {
			return "", nil, err
		}
	}
	return target, old, nil
}

// create makes a new, hidden temporary file in dir for base, with mode 0666
// less the umask.
func create(dir, base string) (*os.File, error) {
	for range 10 {
		var r [6]byte
		rand.Read(r[:])
		f, err := os.OpenFile(filepath.Join(dir, "."+base+".tmp-"+hex.EncodeToString(r[:])), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("create a temporary file in %s: too many collisions", dir)
}

// syncDir makes a rename in dir durable, where the system allows.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Resolve follows the symbolic links at path, however many (up to 40), to
// the path they end at, which need not exist yet.
func Resolve(path string) (string, error) {
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", fmt.Errorf("%s: %w", path, ErrLinkLoop)
}
