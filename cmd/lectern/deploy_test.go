package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"lectern/config"
)

// The deploy test reads the service files in deploy/ as systemd, a
// container engine and compose would, and checks that every lectern
// command line in them names commands and flags lectern has, and every
// LECTERN_* variable and lectern.yaml key is a setting that exists and
// takes the value given.

// deployDir is the repository's deploy folder.
func deployDir() string { return filepath.Join(srcDir, "..", "..", "deploy") }

func readDeploy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(deployDir(), name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// deployFile is what one file of deploy/ asks of lectern.
type deployFile struct {
	name     string
	commands [][]string        // lectern command lines, without the program
	env      map[string]string // LECTERN_* and other variables it sets
	config   string            // the configuration file its commands read, if any
}

func TestDeployFiles(t *testing.T) {
	files := []deployFile{
		parseUnit(t, "lectern.service"),
		parseEnvFile(t, "lectern.env.example"),
		parseContainerfile(t, "Containerfile"),
		parseCompose(t, "compose.yaml"),
	}
	valid := map[string]bool{}
	for _, k := range config.Keys() {
		valid[config.EnvVar(k)] = true
	}
	for _, f := range files {
		if len(f.env) == 0 && len(f.commands) == 0 {
			t.Errorf("%s: found no variables and no lectern command: is the parser wrong?", f.name)
		}
		for name := range f.env {
			if strings.HasPrefix(name, config.EnvPrefix+"_") && !valid[name] {
				t.Errorf("%s sets %s, which is no setting's variable", f.name, name)
			}
		}
		for _, args := range f.commands {
			if err := checkCommandLine(args); err != "" {
				t.Errorf("%s: lectern %s: %s", f.name, strings.Join(args, " "), err)
			}
		}
		// The values must be accepted as lectern would read them, with
		// the file the commands name; the public key stands for the one
		// the operator puts in the environment file.
		t.Run(f.name, func(t *testing.T) {
			for _, k := range config.Keys() {
				t.Setenv(config.EnvVar(k), "")
			}
			t.Setenv("LECTERN_DISCORD_PUBLIC_KEY", strings.Repeat("ab", 32))
			for k, v := range f.env {
				if strings.HasPrefix(k, config.EnvPrefix+"_") && v != "" {
					t.Setenv(k, v)
				}
			}
			t.Chdir(t.TempDir())
			t.Setenv("XDG_CONFIG_HOME", t.TempDir())
			cfg, err := config.Load(config.Options{File: f.config})
			if err != nil {
				t.Fatalf("its settings are refused: %v", err)
			}
			for _, w := range cfg.Warnings {
				t.Errorf("warning: %s", w)
			}
		})
	}
}

// checkCommandLine reports what is wrong with a lectern command line: a
// command or flag that does not exist, or arguments the command refuses.
func checkCommandLine(args []string) string {
	root := (&app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}).rootCmd()
	cmd := root
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg, "-") && arg != "-" {
			name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
			var f *pflag.Flag
			for _, set := range []*pflag.FlagSet{cmd.Flags(), cmd.InheritedFlags()} {
				if strings.HasPrefix(arg, "--") {
					f = set.Lookup(name)
				} else {
					f = set.ShorthandLookup(name)
				}
				if f != nil {
					break
				}
			}
			if f == nil {
				return "lectern " + cmd.Name() + " has no flag " + arg
			}
			if !hasValue && f.Value.Type() != "bool" {
				i++
			}
			continue
		}
		if len(positional) == 0 {
			if sub := subcommand(cmd, arg); sub != nil {
				cmd = sub
				continue
			}
			if cmd == root {
				return "lectern has no command " + arg
			}
		}
		positional = append(positional, arg)
	}
	if cmd == root {
		return "no command"
	}
	if err := cmd.ValidateArgs(positional); err != nil {
		return err.Error()
	}
	return ""
}

func subcommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || slices.Contains(c.Aliases, name) {
			return c
		}
	}
	return nil
}

// isLectern reports whether a program path is lectern's binary.
func isLectern(program string) bool { return filepath.Base(program) == "lectern" }

// parseUnit reads a systemd unit: its Environment= assignments, the
// command lines of its Exec*= lines that run lectern, and the file named
// by --config, which is deploy/'s copy. It also checks what the PDF
// engine needs of the sandbox.
func parseUnit(t *testing.T, name string) deployFile {
	f := deployFile{name: name, env: map[string]string{}}
	directives := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(readDeploy(t, name)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("%s: not a directive: %s", name, line)
			continue
		}
		directives[key] = append(directives[key], value)
		switch {
		case key == "Environment":
			for _, a := range shellFields(value) {
				k, v, _ := strings.Cut(a, "=")
				f.env[k] = v
			}
		case strings.HasPrefix(key, "Exec"):
			words := shellFields(strings.TrimLeft(value, "-@:+!"))
			if len(words) > 0 && isLectern(words[0]) {
				f.commands = append(f.commands, words[1:])
			}
		}
	}
	for _, args := range f.commands {
		if i := slices.Index(args, "--config"); i >= 0 && i+1 < len(args) {
			if args[i+1] != "/etc/lectern/lectern.yaml" {
				t.Errorf("%s: --config %s; the README installs deploy/lectern.yaml as /etc/lectern/lectern.yaml", name, args[i+1])
			}
			f.config = filepath.Join(deployDir(), "lectern.yaml")
		}
	}
	// The PDF engine writes machine code and then runs it; denied that,
	// it interprets PDFium, ten times slower.
	for _, v := range directives["MemoryDenyWriteExecute"] {
		if v == "yes" || v == "true" {
			t.Errorf("%s sets MemoryDenyWriteExecute=%s: lectern would read PDF files ten times slower", name, v)
		}
	}
	// Files lectern writes must be in its state directory.
	state := "/var/lib/" + strings.Join(directives["StateDirectory"], "")
	for _, k := range []string{"LECTERN_INDEX", "LECTERN_FEEDBACK_PATH"} {
		if v := f.env[k]; v != "" && !strings.HasPrefix(v, state+"/") {
			t.Errorf("%s: %s=%s is outside the state directory %s, where the sandbox lets lectern write", name, k, v, state)
		}
	}
	return f
}

// shellFields splits a line into words at spaces, keeping double-quoted
// words whole, as systemd does.
func shellFields(s string) []string {
	var out []string
	var b strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				out = append(out, b.String())
				b.Reset()
				inWord = false
			}
		default:
			b.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, b.String())
	}
	return out
}

var envLineRE = regexp.MustCompile(`^#?\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)

// parseEnvFile reads an environment file: its assignments, and those
// commented out, which document variables too.
func parseEnvFile(t *testing.T, name string) deployFile {
	f := deployFile{name: name, env: map[string]string{}}
	for _, line := range strings.Split(readDeploy(t, name), "\n") {
		if m := envLineRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			f.env[m[1]] = m[2]
		}
	}
	return f
}

// parseContainerfile reads a Containerfile's final stage: ENV, and the
// ENTRYPOINT with CMD and HEALTHCHECK command lines, in exec form.
func parseContainerfile(t *testing.T, name string) deployFile {
	f := deployFile{name: name, env: map[string]string{}}
	text := strings.ReplaceAll(readDeploy(t, name), "\\\n", " ")
	var entrypoint, cmd []string
	var health [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		exec := func(s string) []string {
			var words []string
			if err := json.Unmarshal([]byte(s), &words); err != nil {
				t.Errorf("%s: %s %s: not in exec form: %v", name, instr, s, err)
			}
			return words
		}
		switch strings.ToUpper(instr) {
		case "FROM":
			f.env = map[string]string{} // only the final stage counts
			entrypoint, cmd, health = nil, nil, nil
		case "ENV":
			for _, a := range strings.Fields(rest) {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					t.Errorf("%s: ENV %s: write NAME=value", name, rest)
				}
				f.env[k] = v
			}
		case "ENTRYPOINT":
			entrypoint = exec(rest)
		case "CMD":
			cmd = exec(rest)
		case "HEALTHCHECK":
			if i := strings.Index(rest, "CMD "); i >= 0 {
				health = append(health, exec(strings.TrimSpace(rest[i+len("CMD "):])))
			} else if rest != "NONE" {
				t.Errorf("%s: HEALTHCHECK %s: no CMD", name, rest)
			}
		}
	}
	for _, words := range append([][]string{append(entrypoint, cmd...)}, health...) {
		if len(words) == 0 || !isLectern(words[0]) {
			t.Errorf("%s: %q does not run lectern", name, words)
			continue
		}
		f.commands = append(f.commands, words[1:])
	}
	return f
}

// parseCompose reads a compose file's services: their environment, and
// their commands (after the image's ENTRYPOINT, lectern) and health checks.
func parseCompose(t *testing.T, name string) deployFile {
	f := deployFile{name: name, env: map[string]string{}}
	var doc struct {
		Services map[string]struct {
			Build struct {
				Context    string `yaml:"context"`
				Dockerfile string `yaml:"dockerfile"`
			} `yaml:"build"`
			Command     any      `yaml:"command"`
			Entrypoint  any      `yaml:"entrypoint"`
			Environment any      `yaml:"environment"`
			EnvFile     []string `yaml:"env_file"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(readDeploy(t, name)), &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	words := func(v any) []string {
		switch v := v.(type) {
		case nil:
			return nil
		case string:
			return strings.Fields(v)
		case []any:
			var out []string
			for _, w := range v {
				s, _ := w.(string)
				out = append(out, s)
			}
			return out
		}
		t.Errorf("%s: %v is not a command", name, v)
		return nil
	}
	for svc, s := range doc.Services {
		if s.Build.Dockerfile != "" {
			if _, err := os.Stat(filepath.Join(deployDir(), s.Build.Context, s.Build.Dockerfile)); err != nil {
				t.Errorf("%s: service %s builds from %s: %v", name, svc, s.Build.Dockerfile, err)
			}
		}
		for _, ef := range s.EnvFile {
			if _, err := os.Stat(filepath.Join(deployDir(), ef+".example")); err != nil {
				t.Errorf("%s: service %s reads %s, and there is no %s.example to copy", name, svc, ef, ef)
			}
		}
		switch env := s.Environment.(type) {
		case map[string]any:
			for k, v := range env {
				f.env[k], _ = v.(string)
			}
		case []any:
			for _, a := range env {
				s, _ := a.(string)
				k, v, _ := strings.Cut(s, "=")
				f.env[k] = v
			}
		}
		cmd := append(words(s.Entrypoint), words(s.Command)...)
		if len(cmd) > 0 && isLectern(cmd[0]) {
			cmd = cmd[1:]
		}
		if len(cmd) > 0 {
			f.commands = append(f.commands, cmd)
		}
		if test := s.Healthcheck.Test; len(test) > 1 && test[0] == "CMD" && isLectern(test[1]) {
			f.commands = append(f.commands, test[2:])
		}
	}
	return f
}

// TestCheckCommandLine checks that the deploy test's checker finds
// mistakes.
func TestCheckCommandLine(t *testing.T) {
	tests := []struct {
		args []string
		ok   bool
	}{
		{[]string{"serve", "--config", "/etc/lectern/lectern.yaml"}, true},
		{[]string{"--config=/x.yaml", "serve"}, true},
		{[]string{"healthcheck", "--timeout", "5s"}, true},
		{[]string{"serve", "--confg", "/x.yaml"}, false},
		{[]string{"serve", "now"}, false},
		{[]string{"serv"}, false},
		{nil, false},
	}
	for _, tt := range tests {
		if err := checkCommandLine(tt.args); (err == "") != tt.ok {
			t.Errorf("checkCommandLine(%q) = %q; want ok %v", tt.args, err, tt.ok)
		}
	}
}
