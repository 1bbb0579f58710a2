//go:build unix

package feedback

import (
	"os"
	"syscall"
)

// openFlags open without waiting for a FIFO's reader and without making a
// terminal the controlling one.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// clearNonblock makes writes blocking again, as usual.
func clearNonblock(f *os.File) {
	_ = syscall.SetNonblock(int(f.Fd()), false)
}
