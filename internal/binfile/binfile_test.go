package binfile_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"lectern/internal/binfile"
)

func TestRoundTrip(t *testing.T) {
	w := binfile.NewWriter("TESTMAGIC", 3)
	w.Bytes("raw", []byte{1, 2, 3})
	w.String("text", "héllo")
	w.Uint32s("u32", []uint32{1, 1 << 31})
	w.Int32s("i32", []int32{-1, 7})
	w.Float32s("f32", []float32{0.5, -2})
	w.Uint64s("u64", []uint64{1 << 40})
	w.Uint32s("empty", nil)
	data := w.Finish()
	r, err := binfile.Open(data, "TESTMAGIC", 3)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := r.Bytes("raw")
	text, _ := r.String("text")
	u32, _ := r.Uint32s("u32")
	i32, _ := r.Int32s("i32")
	f32, _ := r.Float32s("f32")
	u64, _ := r.Uint64s("u64")
	empty, _ := r.Uint32s("empty")
	got := []any{raw, text, u32, i32, f32, u64, len(empty)}
	want := []any{[]byte{1, 2, 3}, "héllo", []uint32{1, 1 << 31}, []int32{-1, 7}, []float32{0.5, -2}, []uint64{1 << 40}, 0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back %v; want %v", got, want)
	}
	if _, err := r.Bytes("missing"); !errors.Is(err, binfile.ErrCorrupt) {
		t.Errorf("missing section: %v; want ErrCorrupt", err)
	}
	if _, err := r.Uint64s("raw"); !errors.Is(err, binfile.ErrCorrupt) {
		t.Errorf("3 bytes as uint64s: %v; want ErrCorrupt", err)
	}
}

func TestOpenErrors(t *testing.T) {
	w := binfile.NewWriter("TESTMAGIC", 3)
	w.Bytes("raw", []byte("some bytes here"))
	data := w.Finish()
	flip := append([]byte(nil), data...)
	flip[30] ^= 1
	tests := []struct {
		name    string
		data    []byte
		magic   string
		version uint32
		want    error
	}{
		{"wrong magic", data, "OTHERMAGIC", 3, binfile.ErrNotIndex},
		{"wrong version", data, "TESTMAGIC", 4, binfile.ErrVersion},
		{"truncated", data[:len(data)-1], "TESTMAGIC", 3, binfile.ErrTruncated},
		{"short", data[:10], "TESTMAGIC", 3, binfile.ErrTruncated},
		{"flipped", flip, "TESTMAGIC", 3, binfile.ErrCorrupt},
	}
	for _, tt := range tests {
		if _, err := binfile.Open(tt.data, tt.magic, tt.version); !errors.Is(err, tt.want) {
			t.Errorf("%s: Open error = %v; want %v", tt.name, err, tt.want)
		}
	}
}

func FuzzOpen(f *testing.F) {
	w := binfile.NewWriter("TESTMAGIC", 1)
	w.Uint32s("a", []uint32{1, 2, 3})
	w.String("b", "text")
	f.Add(w.Finish())
	f.Fuzz(func(t *testing.T, data []byte) {
		binfile.Reseal(data)
		r, err := binfile.Open(data, "TESTMAGIC", 1)
		if err != nil {
			return
		}
		r.Uint32s("a")
		r.String("b")
		r.Uint64s("a")
	})
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestStreamMatchesMemory(t *testing.T) {
	big := make([]uint32, 100_003) // several chunks, and an odd count
	for i := range big {
		big[i] = uint32(i * 2654435761)
	}
	long := strings.Repeat("abcdefg", 20_001)
	tests := []struct {
		name  string
		write func(w *binfile.Writer)
	}{
		{"empty", func(w *binfile.Writer) {}},
		{"small", func(w *binfile.Writer) {
			w.Bytes("raw", []byte{1, 2, 3})
			w.String("text", "héllo")
			w.Int32s("i32", []int32{-1, 7})
			w.Float32s("f32", []float32{0.5, -2})
			w.Uint16s("u16", []uint16{1, 2, 3})
			w.Uint64s("u64", []uint64{1 << 40})
			w.Uint32s("none", nil)
		}},
		{"large", func(w *binfile.Writer) {
			w.Uint32s("big", big)
			w.String("long", long)
			w.Bytes("bytes", []byte(long[:70_001]))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mw := binfile.NewWriter("TESTMAGIC", 3)
			tt.write(mw)
			want := mw.Finish()
			var buf bytes.Buffer
			sw := binfile.NewStream(&buf, "TESTMAGIC", 3)
			tt.write(sw)
			n, err := sw.Close()
			if err != nil || n != int64(buf.Len()) || !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("stream wrote %d bytes (Close %d, %v), equal %v; want %d bytes", buf.Len(), n, err, bytes.Equal(buf.Bytes(), want), len(want))
			}
			if _, err := binfile.Open(buf.Bytes(), "TESTMAGIC", 3); err != nil {
				t.Fatal(err)
			}
			if len(want) > 40 {
				sw := binfile.NewStream(&failWriter{n: len(want) / 2}, "TESTMAGIC", 3)
				tt.write(sw)
				if _, err := sw.Close(); err == nil {
					t.Error("a failing writer: Close gave no error")
				}
			}
		})
	}
}
