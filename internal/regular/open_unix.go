//go:build unix

package regular

import (
	"os"
	"syscall"
)

// openFlags open without waiting for a FIFO's other end and without making a
// terminal the controlling one.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// clearNonblock makes reads and writes of a regular file blocking again, as usual
// (for regular files it makes no difference, but it keeps the file in the
// mode the rest of the program expects).
func clearNonblock(f *os.File) {
	_ = syscall.SetNonblock(int(f.Fd()), false)
}
