//go:build unix

package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lectern/config"
	"lectern/internal/regular"
)

// TestLoadSpecialFiles names a FIFO, /dev/zero and a huge file as the
// configuration file: each is refused at once, never read.
func TestLoadSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	os.Symlink("/dev/zero", zero)
	big := filepath.Join(dir, "big.yaml")
	f, _ := os.Create(big)
	f.Truncate(2 << 30)
	f.Close()
	for _, tt := range []struct {
		path string
		want error
	}{{fifo, regular.ErrNotRegular}, {zero, regular.ErrNotRegular}, {big, regular.ErrTooBig}} {
		done := make(chan error, 1)
		go func() { _, err := config.Load(config.Options{File: tt.path}); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, tt.want) {
				t.Errorf("Load(%s) = %v; want %v", filepath.Base(tt.path), err, tt.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("Load(%s) hangs", filepath.Base(tt.path))
		}
	}
}
