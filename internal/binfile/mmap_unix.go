//go:build unix

package binfile

import (
	"fmt"
	"os"
	"syscall"
)

// Mapping is a file's bytes, memory-mapped read-only where the system
// allows, read into memory otherwise.
type Mapping struct {
	data   []byte
	mapped bool
}

// Map maps the file at path into memory. The bytes stay valid for the life
// of the process: index files are replaced by renaming, never rewritten in
// place, so a mapping never sees its file change.
func Map(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := info.Size()
	if size == 0 {
		return &Mapping{data: []byte{}}, nil
	}
	if size != int64(int(size)) {
		return nil, fmt.Errorf("%s: too large to map", path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		// Some file systems cannot map: read instead.
		data, err := os.ReadFile(path)
		return &Mapping{data: data}, err
	}
	return &Mapping{data: data, mapped: true}, nil
}

// Open checks the file and indexes its sections, as the package's Open
// does, releasing each part of a mapped file once it is checked, so that
// checking does not make the whole file resident at once.
func (m *Mapping) Open(magic string, version uint32) (*Reader, error) {
	if !m.mapped {
		return Open(m.data, magic, version)
	}
	return open(m.data, magic, version, release)
}

// Release tells the kernel that a mapped file's pages need not stay in
// memory: they leave the process's resident set and are read back from the
// file (usually from the page cache) when next touched, so that only the
// working set stays resident, as for any memory-mapped index. Bytes read
// into memory rather than mapped are left alone.
func (m *Mapping) Release() {
	if m.mapped {
		release(m.data)
	}
}

func release(b []byte) {
	if len(b) > 0 {
		_ = syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
}
