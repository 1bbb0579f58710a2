package workload

import (
	"os"
	"strconv"
	"strings"
)

// ProcStatus returns a size field of /proc/self/status ("VmRSS", "VmHWM",
// "RssFile") in bytes, or 0 if it cannot be read (on systems without /proc).
func ProcStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name != field {
			continue
		}
		f := strings.Fields(value) // "123456 kB"
		if len(f) != 2 || f[1] != "kB" {
			return 0
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0
		}
		return kb << 10
	}
	return 0
}
