//go:build unix

package regular_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lectern/internal/regular"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.yaml")
	os.WriteFile(file, []byte("corpus: books\n"), 0o644)
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	os.Symlink("/dev/zero", zero)
	sparse := filepath.Join(dir, "big.yaml")
	f, _ := os.Create(sparse)
	f.Truncate(3 << 30)
	f.Close()
	tests := []struct {
		path string
		want error
	}{
		{file, nil},
		{fifo, regular.ErrNotRegular},
		{zero, regular.ErrNotRegular},
		{dir, regular.ErrNotRegular},
		{sparse, regular.ErrTooBig},
		{filepath.Join(dir, "missing"), os.ErrNotExist},
	}
	for _, tt := range tests {
		done := make(chan error, 1)
		go func() { _, err := regular.ReadFile(tt.path, 1<<20); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
				t.Errorf("ReadFile(%s) = %v; want %v", filepath.Base(tt.path), err, tt.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(%s) hangs", filepath.Base(tt.path))
		}
	}
	if b, err := regular.ReadFile(file, 1<<20); err != nil || string(b) != "corpus: books\n" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
}
