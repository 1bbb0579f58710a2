//go:build unix

package binfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestMapSurvivesChanges takes a snapshot of a file, then truncates it,
// rewrites it in place and replaces it, and checks after each change that
// the snapshot still holds the original bytes. Reading a plain memory map
// of a truncated file kills the process with SIGBUS.
func TestMapSurvivesChanges(t *testing.T) {
	for _, byCopy := range []bool{true, false} {
		name := map[bool]string{true: "copy", false: "read"}[byCopy]
		t.Run(name, func(t *testing.T) {
			defer func(old bool) { copyFirst = old }(copyFirst)
			copyFirst = byCopy
			path := filepath.Join(t.TempDir(), "x.idx")
			want := bytes.Repeat([]byte("lectern index bytes "), 100_000) // 2 MB, many pages
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := Map(path, "lectern")
			if err != nil {
				t.Fatal(err)
			}
			if byCopy && runtime.GOOS == "linux" && m.How != "copy" {
				t.Logf("no private copy on this file system (%s): read instead", m.How)
			}
			if !byCopy && m.How != "read" {
				t.Fatalf("How = %q; want read", m.How)
			}
			m.Release()
			changes := []struct {
				what string
				do   func() error
			}{
				{"truncated", func() error { return os.Truncate(path, 0) }},
				{"rewritten in place", func() error {
					return os.WriteFile(path, bytes.Repeat([]byte("other bytes entirely"), 50_000), 0o644)
				}},
				{"truncated to half", func() error { return os.Truncate(path, int64(len(want)/2)) }},
				{"replaced", func() error {
					tmp := path + ".new"
					if err := os.WriteFile(tmp, []byte("new"), 0o644); err != nil {
						return err
					}
					return os.Rename(tmp, path)
				}},
				{"removed", func() error { return os.Remove(path) }},
			}
			for _, c := range changes {
				if err := c.do(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(m.data, want) {
					t.Fatalf("after the file was %s, the snapshot changed", c.what)
				}
			}
		})
	}
}

func TestMapRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.idx")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "link.idx")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.idx")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, link, zero, dir} {
		done := make(chan error, 1)
		go func() { _, err := Map(path, "lectern"); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("Map(%s) = %v; want ErrNotRegular", filepath.Base(path), err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Map(%s) hangs", filepath.Base(path))
		}
	}
	if _, err := Map(filepath.Join(dir, "missing.idx"), "lectern"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Map(missing) = %v; want ErrNotExist", err)
	}
}

func TestReadExactlyChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, size := range []int{5, 20} { // the file grew, the file shrank
		if _, err := readExactly(f, size); !errors.Is(err, ErrChanged) {
			t.Errorf("readExactly(10-byte file, %d) = %v; want ErrChanged", size, err)
		}
	}
	if b, err := readExactly(f, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("readExactly(10) = %q, %v", b, err)
	}
}

// TestMapNotIndex checks that a file without the magic is refused before
// it is copied: a 3 GiB sparse file must not cost 3 GiB of disk or time.
func TestMapNotIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.idx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(3 << 30)
	f.Close()
	if _, err := Map(path, "LECTERNINDEX"); !errors.Is(err, ErrNotIndex) {
		t.Errorf("Map(3 GiB of zeros) = %v; want ErrNotIndex", err)
	}
}
