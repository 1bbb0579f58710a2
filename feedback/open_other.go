//go:build !unix

package feedback

import "os"

const openFlags = 0

func clearNonblock(f *os.File) {}
