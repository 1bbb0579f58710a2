//go:build !unix

package corpus

import "io/fs"

// openFlags: elsewhere, opening a file does not wait for a writer.
const openFlags = 0

func isLoop(err error) bool { return false }

func isNoDevice(err error) bool { return false }

func fileID(fs.FileInfo) (id [2]uint64, ok bool) { return id, false }
