//go:build !unix

package regular

import "os"

const openFlags = 0

func clearNonblock(f *os.File) {}
