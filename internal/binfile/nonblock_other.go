//go:build !unix

package binfile

const oNonblockSys = 0
