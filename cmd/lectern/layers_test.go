package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayers checks that imports point one way, corpus <- retrieval/index
// <- retrieval <- bot <- cmd, and that viper and discordgo stay in their
// packages, by what go list says each package imports (tests aside).
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", "lectern/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		imports[f[0]] = f[1:]
	}
	// Each rule: pkg (and the packages below it, unless exact) must not
	// import the packages of not, nor those below them; "=p" is p alone.
	upper := []string{"lectern/bot", "lectern/cmd", "lectern/config", "lectern/eval", "lectern/feedback", "lectern/metrics"}
	rules := []struct {
		pkg   string
		exact bool
		not   []string
	}{
		{pkg: "lectern/corpus", not: append([]string{"lectern/retrieval"}, upper...)},
		{pkg: "lectern/internal", not: append([]string{"lectern/retrieval"}, upper...)},
		{pkg: "lectern/retrieval/index", not: append([]string{"=lectern/retrieval"}, upper...)},
		{pkg: "lectern/retrieval", exact: true, not: upper},
		{pkg: "lectern/config", not: []string{"lectern/retrieval", "lectern/bot", "lectern/eval", "lectern/cmd"}},
		{pkg: "lectern/bot", not: []string{"lectern/config", "lectern/cmd", "lectern/eval", "lectern/feedback", "lectern/metrics", "github.com/spf13/viper"}},
	}
	checked := 0
	for pkg, deps := range imports {
		for _, r := range rules {
			if pkg != r.pkg && (r.exact || !strings.HasPrefix(pkg, r.pkg+"/")) {
				continue
			}
			checked++
			for _, d := range deps {
				for _, bad := range r.not {
					exact, ok := strings.CutPrefix(bad, "=")
					if d == exact || !ok && strings.HasPrefix(d, bad+"/") {
						t.Errorf("%s imports %s", pkg, d)
					}
				}
			}
		}
		for _, d := range deps {
			switch {
			case d == "github.com/spf13/viper" && pkg != "lectern/config":
				t.Errorf("%s imports viper: only config may", pkg)
			case strings.HasPrefix(d, "github.com/bwmarrin/discordgo") && pkg != "lectern/bot" && !strings.HasPrefix(pkg, "lectern/bot/"):
				t.Errorf("%s imports discordgo: only bot may", pkg)
			}
		}
	}
	if checked < 8 {
		t.Errorf("only %d packages checked; go list gave %d", checked, len(imports))
	}
}
