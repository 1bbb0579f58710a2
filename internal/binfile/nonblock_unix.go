//go:build unix && !linux

package binfile

import "syscall"

const oNonblockSys = syscall.O_NONBLOCK
