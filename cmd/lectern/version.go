package main

import (
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version, when set at build time with -ldflags "-X main.version=v1.2.3",
// is lectern's version; otherwise it comes from the build information Go
// records in the binary (see readVersion).
var version string

// buildVersion is what the binary knows of how it was built.
type buildVersion struct {
	// Version is a release tag ("v1.2.3", "v1.2.3+dirty"), the commit
	// with "-dirty" when the work tree had changes ("22c5230a1b2c-dirty"),
	// a pseudo-version (a build without VCS information at an untagged
	// commit), or "dev" when nothing is known (go run, go test).
	Version string
	// Revision is the commit, its first 12 hex digits; "" when unknown.
	Revision string
	// Modified reports that the work tree had uncommitted changes.
	Modified bool
	// Time is the commit's time, RFC 3339; "" when unknown. Go records no
	// build time, so that builds are reproducible.
	Time string
	// Go is the Go release and platform: "go1.26.8 linux/amd64".
	Go string
}

// pseudoVersion matches a Go pseudo-version, such as
// v0.0.0-20260301100000-22c5230a1b2c: not a release tag.
var pseudoVersion = regexp.MustCompile(`(^|[-.])\d{14}-[0-9a-f]{12}(\+incompatible)?(\+dirty)?$`)

// readVersion turns the binary's build information into a buildVersion:
// a non-empty override (main.version) first, then the module's version
// when it is a release tag (go build or go install in a clone checked out
// at a tag: Go 1.24 and later stamp it, with "+dirty" for a modified work
// tree), then the VCS revision go build records in
// a checkout, then a pseudo-version, and "dev" when there is nothing (go
// run and go test record no VCS information; ok is false without any
// build information).
func readVersion(info *debug.BuildInfo, ok bool, override string) buildVersion {
	v := buildVersion{Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	var module string
	if ok && info != nil {
		if info.GoVersion != "" {
			v.Go = info.GoVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
		}
		module = info.Main.Version
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value[:min(len(s.Value), 12)]
			case "vcs.modified":
				v.Modified = s.Value == "true"
			case "vcs.time":
				v.Time = s.Value
			}
		}
	}
	switch {
	case override != "":
		v.Version = override
	case module != "" && module != "(devel)" && !pseudoVersion.MatchString(module):
		v.Version = module
	case v.Revision != "":
		v.Version = v.Revision
		if v.Modified {
			v.Version += "-dirty"
		}
	case module != "" && module != "(devel)":
		v.Version = module
	default:
		v.Version = "dev"
	}
	return v
}

// String is the version as `lectern version` prints it, after "lectern ":
//
//	v1.2.3 (22c5230a1b2c), committed 2026-03-01T10:00:00Z, go1.26.8 linux/amd64
//	22c5230a1b2c-dirty, committed 2026-03-01T10:00:00Z, go1.26.8 linux/amd64
//	dev, go1.26.8 linux/amd64
func (v buildVersion) String() string {
	s := v.Version
	if v.Revision != "" && v.Version != v.Revision && v.Version != v.Revision+"-dirty" {
		s += " (" + v.Revision
		if v.Modified && !strings.Contains(v.Version, "dirty") {
			s += ", modified"
		}
		s += ")"
	}
	if v.Time != "" {
		s += ", committed " + v.Time
	}
	return s + ", " + v.Go
}

// currentVersion is this binary's version.
func currentVersion() buildVersion {
	info, ok := debug.ReadBuildInfo()
	return readVersion(info, ok, version)
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print lectern's version",
		Long: `version prints lectern's version: the release tag it was installed at
(go build or go install in a clone checked out at a tag), or else the
commit it was built from, with "-dirty" when the clone had uncommitted
changes; the commit's time; and the Go release and platform. lectern
--version prints the same. A build may set the version with
-ldflags "-X main.version=v1.2.3".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "lectern %s\n", currentVersion())
			return nil
		},
	}
}
