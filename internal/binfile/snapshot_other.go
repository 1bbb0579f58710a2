//go:build !linux

package binfile

import (
	"errors"
	"os"
)

// oNonblock is O_NONBLOCK where the system has it, so that opening a FIFO
// does not wait for a writer.
const oNonblock = oNonblockSys

// mapCopy is Linux only: elsewhere Map reads the file into memory.
func mapCopy(f *os.File, path string, size int) (*Mapping, error) {
	return nil, errors.New("private copies are made on Linux only")
}

func release(b []byte) {}
