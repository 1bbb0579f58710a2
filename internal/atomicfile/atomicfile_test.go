//go:build unix

package atomicfile_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"lectern/internal/atomicfile"
)

// leftovers returns the temporary files Write left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWrite(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) (path string, protect []string)
		want    error  // nil: written
		check   string // the file that must then hold the new data
		mode    os.FileMode
		keepOld string // a file that must still hold "old"
	}{
		{
			name:  "new file gets 0666 less the umask",
			setup: func(t *testing.T, dir string) (string, []string) { return filepath.Join(dir, "new.idx"), nil },
			check: "new.idx", mode: 0o644,
		},
		{
			name: "existing file keeps its mode",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "x.idx")
				write(t, p, "old", 0o640)
				return p, nil
			},
			check: "x.idx", mode: 0o640,
		},
		{
			name: "symlink: the target is replaced, the link stays",
			setup: func(t *testing.T, dir string) (string, []string) {
				write(t, filepath.Join(dir, "real.idx"), "old", 0o600)
				link(t, "real.idx", filepath.Join(dir, "link.idx"))
				return filepath.Join(dir, "link.idx"), nil
			},
			check: "real.idx", mode: 0o600,
		},
		{
			name: "dangling symlink: its target is created",
			setup: func(t *testing.T, dir string) (string, []string) {
				link(t, "made.idx", filepath.Join(dir, "link.idx"))
				return filepath.Join(dir, "link.idx"), nil
			},
			check: "made.idx", mode: 0o644,
		},
		{
			name: "a file Replaceable refuses",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "notes.txt")
				write(t, p, "keep me", 0o644)
				return p, nil
			},
			want: errNotOld,
		},
		{
			name: "folder refused",
			setup: func(t *testing.T, dir string) (string, []string) {
				os.Mkdir(filepath.Join(dir, "books"), 0o755)
				return filepath.Join(dir, "books"), nil
			},
			want: atomicfile.ErrNotRegular,
		},
		{
			name: "FIFO refused",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "fifo")
				if err := syscall.Mkfifo(p, 0o644); err != nil {
					t.Skip(err)
				}
				return p, nil
			},
			want: atomicfile.ErrNotRegular,
		},
		{
			name: "device refused, through a symlink too",
			setup: func(t *testing.T, dir string) (string, []string) {
				link(t, "/dev/null", filepath.Join(dir, "null.idx"))
				return filepath.Join(dir, "null.idx"), nil
			},
			want: atomicfile.ErrNotRegular,
		},
		{
			name: "protected file refused",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "chapter1.txt")
				write(t, p, "old", 0o644)
				return p, []string{filepath.Join(dir, "other.txt"), p}
			},
			want: atomicfile.ErrProtected, keepOld: "chapter1.txt",
		},
		{
			name: "protected file refused through a symlink and a hard link",
			setup: func(t *testing.T, dir string) (string, []string) {
				p := filepath.Join(dir, "chapter1.txt")
				write(t, p, "old", 0o644)
				if err := os.Link(p, filepath.Join(dir, "hard.idx")); err != nil {
					t.Fatal(err)
				}
				link(t, "hard.idx", filepath.Join(dir, "out.idx"))
				return filepath.Join(dir, "out.idx"), []string{p}
			},
			want: atomicfile.ErrProtected, keepOld: "chapter1.txt",
		},
		{
			name: "symlink loop refused",
			setup: func(t *testing.T, dir string) (string, []string) {
				link(t, "b", filepath.Join(dir, "a"))
				link(t, "a", filepath.Join(dir, "b"))
				return filepath.Join(dir, "a"), nil
			},
			want: atomicfile.ErrLinkLoop,
		},
		{
			name: "missing folder",
			setup: func(t *testing.T, dir string) (string, []string) {
				return filepath.Join(dir, "no", "such", "x.idx"), nil
			},
			want: os.ErrNotExist,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path, protect := tt.setup(t, dir)
			err := atomicfile.Write(context.Background(), path, []byte("new"), atomicfile.Options{Protect: protect, Replaceable: onlyOld})
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Write = %v; want %v", err, tt.want)
				}
			} else if err != nil {
				t.Fatalf("Write = %v", err)
			}
			if tt.check != "" {
				p := filepath.Join(dir, tt.check)
				b, err := os.ReadFile(p)
				if err != nil || string(b) != "new" {
					t.Errorf("%s holds %q, %v; want new", tt.check, b, err)
				}
				fi, err := os.Lstat(p)
				if err != nil || fi.Mode() != tt.mode {
					t.Errorf("%s mode = %v, %v; want %v", tt.check, fi.Mode(), err, tt.mode)
				}
				if fi, err := os.Lstat(path); err == nil && path != p && fi.Mode()&os.ModeSymlink == 0 {
					t.Errorf("%s is no longer a symbolic link", path)
				}
			}
			if tt.keepOld != "" {
				if b, _ := os.ReadFile(filepath.Join(dir, tt.keepOld)); string(b) != "old" {
					t.Errorf("%s holds %q; want it untouched", tt.keepOld, b)
				}
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}
}

func TestWriteCancelled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.idx")
	write(t, path, "old", 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := atomicfile.Write(ctx, path, make([]byte, 10<<20), atomicfile.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write after cancel = %v; want context.Canceled", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("file holds %d bytes; want it untouched", len(b))
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

func TestWriteUnwritableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if err := atomicfile.Write(context.Background(), filepath.Join(dir, "x.idx"), []byte("new"), atomicfile.Options{}); !errors.Is(err, os.ErrPermission) {
		t.Errorf("Write in a read-only folder = %v; want ErrPermission", err)
	}
}

func write(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func link(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

var errNotOld = errors.New("holds something other than old")

// onlyOld lets Write replace files holding "old" only.
func onlyOld(f *os.File) error {
	b, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if string(b) != "old" {
		return errNotOld
	}
	return nil
}
