package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestReadVersion(t *testing.T) {
	const rev = "22c5230b3458faa8fb69e8001962fbb96adc1029"
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-03-01T10:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	info := func(module string, settings []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "lectern", Version: module}, Settings: settings}
	}
	tests := []struct {
		name     string
		info     *debug.BuildInfo
		ok       bool
		override string
		want     string
	}{
		{"tag", info("v1.2.3", vcs("false")), true, "",
			"v1.2.3 (22c5230b3458), committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"tag, modified", info("v1.2.3+dirty", vcs("true")), true, "",
			"v1.2.3+dirty (22c5230b3458), committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"tag without VCS information", info("v1.2.3", nil), true, "",
			"v1.2.3, go1.26.8 " + platform},
		{"untagged commit", info("v0.0.0-20260301100000-22c5230b3458", vcs("false")), true, "",
			"22c5230b3458, committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"untagged, modified", info("v0.0.0-20260301100000-22c5230b3458+dirty", vcs("true")), true, "",
			"22c5230b3458-dirty, committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"after a tag", info("v1.2.4-0.20260301100000-22c5230b3458", vcs("false")), true, "",
			"22c5230b3458, committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"devel with VCS (Go before 1.24)", info("(devel)", vcs("true")), true, "",
			"22c5230b3458-dirty, committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"pseudo-version without VCS", info("v0.0.0-20260301100000-22c5230b3458", nil), true, "",
			"v0.0.0-20260301100000-22c5230b3458, go1.26.8 " + platform},
		{"go run", info("(devel)", nil), true, "", "dev, go1.26.8 " + platform},
		{"ldflags", info("(devel)", vcs("true")), true, "v2.0.0",
			"v2.0.0 (22c5230b3458, modified), committed 2026-03-01T10:00:00Z, go1.26.8 " + platform},
		{"no build information", nil, false, "", "dev, " + runtime.Version() + " " + platform},
	}
	for _, tt := range tests {
		if got := readVersion(tt.info, tt.ok, tt.override).String(); got != tt.want {
			t.Errorf("%s: readVersion(...).String() = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// TestVersionFlag checks that lectern --version prints what lectern
// version prints.
func TestVersionFlag(t *testing.T) {
	code, flag, stderr := lectern(t, "", "--version")
	if code != 0 || stderr != "" {
		t.Fatalf("lectern --version: exit %d, stderr %q", code, stderr)
	}
	_, cmd, _ := lectern(t, "", "version")
	if flag != cmd || !strings.HasPrefix(flag, "lectern ") || strings.Count(flag, "\n") != 1 {
		t.Errorf("lectern --version = %q; lectern version = %q; want the same one line", flag, cmd)
	}
}

// TestVersionStamped builds lectern as a newcomer does, with go build in
// the clone, and checks that it reports the commit it was built from: a
// test binary has no VCS information of its own.
func TestVersionStamped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds lectern")
	}
	// go test puts its own go command first in PATH.
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	git := func(args ...string) (string, error) {
		c := exec.Command("git", args...)
		c.Dir = srcDir
		out, err := c.Output()
		return strings.TrimSpace(string(out)), err
	}
	head, err := git("rev-parse", "HEAD")
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	before, _ := git("status", "--porcelain")
	bin := filepath.Join(t.TempDir(), "lectern")
	// -buildvcs=true: stamping is the default (auto), but GOFLAGS may
	// turn it off.
	build := exec.Command(gobin, "build", "-buildvcs=true", "-o", bin, ".")
	build.Dir = srcDir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	after, _ := git("status", "--porcelain")
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("lectern version: %v", err)
	}
	got := string(out)
	if !strings.HasPrefix(got, "lectern ") || !strings.Contains(got, head[:12]) {
		t.Errorf("lectern version = %q; want the commit %s", got, head[:12])
	}
	switch dirty := strings.Contains(got, "dirty") || strings.Contains(got, "modified"); {
	case before != "" && after != "" && !dirty:
		t.Errorf("lectern version = %q, built from a modified work tree; want it said", got)
	case before == "" && after == "" && dirty:
		t.Errorf("lectern version = %q, built from a clean work tree; want no -dirty", got)
	}
	flag, err := exec.Command(bin, "--version").Output()
	if err != nil || string(flag) != got {
		t.Errorf("lectern --version = %q, %v; want %q", flag, err, got)
	}
}
