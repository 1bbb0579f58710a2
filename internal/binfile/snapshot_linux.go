package binfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"golang.org/x/sys/unix"
)

// mapCopy copies f (size bytes, read from path) into a nameless file in
// path's folder, or else in the temporary folder, and maps the copy. On a
// file system that shares blocks between copies (Btrfs, XFS) the copy costs
// no space until the original changes.
func mapCopy(f *os.File, path string, size int) (*Mapping, error) {
	var err error
	for _, dir := range []string{filepath.Dir(path), os.TempDir()} {
		var m *Mapping
		if m, err = mapCopyIn(dir, f, size); err == nil {
			return m, nil
		}
		if errors.Is(err, ErrChanged) {
			return nil, err
		}
	}
	return nil, err
}

func mapCopyIn(dir string, f *os.File, size int) (*Mapping, error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	tmp := os.NewFile(uintptr(fd), filepath.Join(dir, "(snapshot)"))
	defer tmp.Close()
	// io.Copy between two files uses copy_file_range: the kernel copies,
	// or shares the blocks where the file system can.
	n, err := io.Copy(tmp, io.NewSectionReader(f, 0, int64(size)+1))
	if err != nil {
		return nil, err
	}
	if n != int64(size) {
		return nil, fmt.Errorf("%w (%d bytes, then %d)", ErrChanged, size, n)
	}
	data, err := syscall.Mmap(int(tmp.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	return &Mapping{data: data, mapped: true, How: "copy"}, nil
}

func release(b []byte) {
	if len(b) > 0 {
		_ = syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
}
