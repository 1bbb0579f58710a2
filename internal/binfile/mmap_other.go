//go:build !unix

package binfile

import "os"

// Mapping is a file's bytes, read into memory: memory mapping is used on
// Unix only.
type Mapping struct{ data []byte }

// Map reads the file at path.
func Map(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	return &Mapping{data: data}, err
}

// Open checks the file and indexes its sections.
func (m *Mapping) Open(magic string, version uint32) (*Reader, error) {
	return Open(m.data, magic, version)
}

// Release does nothing where files are read rather than mapped.
func (m *Mapping) Release() {}
