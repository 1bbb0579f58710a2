// Package regular opens and reads regular files only. Opening a FIFO for
// reading waits for a writer, and reading a device such as /dev/zero never
// ends: a path a user names (a configuration file, an index file, a
// question set) must not do either, even through a symbolic link, nor make
// lectern hold more than a limit.
package regular

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Errors Open and ReadFile return, wrapped with the path.
var (
	// ErrNotRegular: the path names a folder, FIFO, socket or device.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooBig: the file is over the limit ReadFile was given.
	ErrTooBig = errors.New("file too big")
)

// Open opens the file at path for reading without waiting (a FIFO with no
// writer would block) and returns it only if it is a regular file, judged
// on the opened file so that a file swapped after a check is caught too.
func Open(path string) (*os.File, error) {
	return OpenFile(path, os.O_RDONLY, 0)
}

// OpenFile is Open with os.OpenFile's flag and perm, such as
// os.O_WRONLY|os.O_APPEND|os.O_CREATE to append to a log: it does not wait
// for a FIFO's other end, and returns the file only if it is a regular one.
func OpenFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := os.OpenFile(path, flag|openFlags, perm)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: %w (%s)", path, ErrNotRegular, Kind(fi.Mode()))
	}
	clearNonblock(f)
	return f, nil
}

// ReadFile reads the regular file at path, failing with ErrTooBig, without
// reading it all, when it holds more than max bytes.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		return nil, fmt.Errorf("%s: %w (%d bytes; the limit is %d)", path, ErrTooBig, fi.Size(), max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w (over %d bytes)", path, ErrTooBig, max)
	}
	return data, nil
}

// Kind names a file mode's type for messages: "a folder", "a FIFO", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}
