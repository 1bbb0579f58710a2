//go:build unix

package corpus

import (
	"errors"
	"io/fs"
	"syscall"
)

// openFlags open a file for reading without waiting: opening a named pipe
// with no writer would otherwise block for ever, and a terminal would
// become the process's controlling terminal.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// isLoop reports whether err says symbolic links loop.
func isLoop(err error) bool { return errors.Is(err, syscall.ELOOP) }

// isNoDevice reports whether err is what opening a socket or a missing
// device gives.
func isNoDevice(err error) bool {
	return errors.Is(err, syscall.ENXIO) || errors.Is(err, syscall.ENODEV)
}

// fileID returns the device and inode of a file, if the system has them.
func fileID(fi fs.FileInfo) (id [2]uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return id, false
	}
	return [2]uint64{uint64(st.Dev), uint64(st.Ino)}, true
}
