package workload_test

import (
	"runtime"
	"testing"

	"lectern/bench/internal/workload"
)

// TestProcStatus reads this process's resident memory and peak, which
// must be positive and in order on Linux, and 0 for a field that does not
// exist.
func TestProcStatus(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/status is Linux's")
	}
	rss, peak := workload.ProcStatus("VmRSS"), workload.ProcStatus("VmHWM")
	if rss <= 0 || peak < rss {
		t.Errorf("VmRSS %d, VmHWM %d: want 0 < VmRSS <= VmHWM", rss, peak)
	}
	if got := workload.ProcStatus("NoSuchField"); got != 0 {
		t.Errorf("ProcStatus(NoSuchField) = %d; want 0", got)
	}
}
