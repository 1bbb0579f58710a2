package binfile

import (
	"errors"
	"fmt"
	"io"
	"os"

	"lectern/internal/regular"
)

// ErrNotRegular is returned by Map for a path that is not a regular file
// (a folder, a FIFO, a socket or a device), even through a symbolic link.
var ErrNotRegular = regular.ErrNotRegular

// ErrChanged is returned by Map when the file changed size while it was
// being read: another process is writing it.
var ErrChanged = errors.New("the file changed while it was being read; try again once it is written")

// Mapping is a private snapshot of a file's bytes. Nothing another process
// does to the file afterwards (truncating it, rewriting it in place,
// replacing it) changes or invalidates them, so a reader never faults.
//
// On Linux the snapshot is an anonymous copy of the file on the same file
// system (O_TMPFILE: it has no name, so no one else can open it, and it is
// gone when the process exits), memory-mapped: its pages can leave memory
// and be read back, so only the working set stays resident. Where that is
// not possible (another system, a file system without O_TMPFILE, a folder
// that cannot be written) the bytes are read into memory.
type Mapping struct {
	data   []byte
	mapped bool
	// How is how the snapshot was taken: "copy" (mapped private copy) or
	// "read" (read into memory).
	How string
}

// copyFirst makes Map try a mapped private copy before reading into memory;
// tests turn it off to reach the fallback.
var copyFirst = true

// Map takes a snapshot of the regular file at path, which must start with
// magic (ErrNotIndex otherwise, found before anything is copied). It never
// opens a FIFO, socket or device for reading (ErrNotRegular), and fails with
// ErrChanged when the file's size changes while it is read.
func Map(path, magic string) (*Mapping, error) {
	f, err := regular.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, len(magic))
	if n, _ := io.ReadFull(f, head); n > 0 && string(head[:n]) != magic[:n] {
		return nil, fmt.Errorf("%s: %w", path, ErrNotIndex)
	}
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := info.Size()
	if size != int64(int(size)) {
		return nil, fmt.Errorf("%s: too large for this machine (%d bytes)", path, size)
	}
	if size == 0 {
		return &Mapping{data: []byte{}, How: "read"}, nil
	}
	if copyFirst {
		m, err := mapCopy(f, path, int(size))
		if err == nil {
			return m, nil
		}
		if errors.Is(err, ErrChanged) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	data, err := readExactly(f, int(size))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Mapping{data: data, How: "read"}, nil
}

// readExactly reads size bytes from the start of f and checks that the file
// ends there.
func readExactly(f *os.File, size int) ([]byte, error) {
	data := make([]byte, size)
	n, err := io.ReadFull(io.NewSectionReader(f, 0, int64(size)+1), data)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return nil, fmt.Errorf("%w (%d of %d bytes)", ErrChanged, n, size)
	}
	if err != nil {
		return nil, err
	}
	var one [1]byte
	if k, _ := f.ReadAt(one[:], int64(size)); k > 0 {
		return nil, ErrChanged
	}
	return data, nil
}

// Bytes returns the snapshot's bytes, which must not be modified.
func (m *Mapping) Bytes() []byte { return m.data }

// Open checks the snapshot and indexes its sections, as the package's Open
// does; a mapped snapshot's pages are released as they are checked, so
// that checking does not make the whole file resident at once.
func (m *Mapping) Open(magic string, version uint32) (*Reader, error) {
	if !m.mapped {
		return Open(m.data, magic, version)
	}
	return open(m.data, magic, version, release)
}

// Release tells the kernel that a mapped snapshot's pages need not stay in
// memory: they leave the process's resident set and are read back from the
// copy (usually from the page cache) when next touched, so that only the
// working set stays resident. Bytes read into memory are left alone.
func (m *Mapping) Release() {
	if m.mapped {
		release(m.data)
	}
}
