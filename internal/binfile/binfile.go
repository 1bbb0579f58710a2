// Package binfile is the container format of lectern's saved index: a
// magic string and version, then named sections of bytes or of fixed-size
// little-endian numbers, each aligned to 8 bytes, then a CRC-32C checksum
// of everything before it. Reading checks the magic, the version, every
// length and the checksum before handing out a section, so a truncated,
// corrupted or foreign file is an error, never a crash. Number sections are
// handed out without copying where the machine allows.
package binfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"unsafe"
)

// Errors Open returns, wrapped with details.
var (
	ErrNotIndex  = errors.New("not a lectern index file")
	ErrVersion   = errors.New("index file version not supported")
	ErrCorrupt   = errors.New("index file is corrupt")
	ErrTruncated = errors.New("index file is truncated")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const (
	tagLen     = 16
	headerLen  = 16 // magic (12) + version (4)
	trailerLen = 16 // "END." (4) + CRC-32C (4) + total length (8)
)

// Writer builds a file in memory (NewWriter) or writes it out as it goes
// (NewStream).
type Writer struct {
	buf     []byte    // the file so far, in memory
	out     io.Writer // or where it goes
	crc     uint32    // of what went out
	n       int64     // bytes gone out
	err     error     // the first error writing out
	scratch []byte
}

// NewWriter starts a file in memory with a 12-byte magic string and a
// version; Finish returns it.
func NewWriter(magic string, version uint32) *Writer {
	w := &Writer{buf: make([]byte, 0, 1<<20)}
	w.start(magic, version)
	return w
}

// NewStream starts a file written to out as its sections are added, so
// that it is never held in memory whole; Close ends it.
func NewStream(out io.Writer, magic string, version uint32) *Writer {
	w := &Writer{out: out}
	w.start(magic, version)
	return w
}

func (w *Writer) start(magic string, version uint32) {
	var m [headerLen]byte
	copy(m[:12], magic)
	binary.LittleEndian.PutUint32(m[12:], version)
	w.write(m[:])
}

// write adds p to the file.
func (w *Writer) write(p []byte) {
	if w.out == nil {
		w.buf = append(w.buf, p...)
		return
	}
	if w.err != nil {
		return
	}
	w.crc = crc32.Update(w.crc, castagnoli, p)
	w.n += int64(len(p))
	_, w.err = w.out.Write(p)
}

// header starts a section of n bytes.
func (w *Writer) header(tag string, n int) {
	if len(tag) > tagLen {
		panic("binfile: tag too long: " + tag)
	}
	var h [tagLen + 8]byte
	copy(h[:], tag)
	binary.LittleEndian.PutUint64(h[tagLen:], uint64(n))
	w.write(h[:])
}

var zeros [8]byte

func pad(n int) int { return (8 - n%8) % 8 }

// Bytes adds a section of bytes.
func (w *Writer) Bytes(tag string, b []byte) {
	w.header(tag, len(b))
	w.write(b)
	w.write(zeros[:pad(len(b))])
}

// String adds a section holding a string.
func (w *Writer) String(tag string, s string) {
	w.header(tag, len(s))
	n := len(s)
	for len(s) > 0 {
		k := min(len(s), 1<<16)
		w.scratch = append(w.scratch[:0], s[:k]...)
		w.write(w.scratch)
		s = s[k:]
	}
	w.write(zeros[:pad(n)])
}

// putNumbers adds a section of numbers of size bytes each, put in place by
// put.
func putNumbers[T any](w *Writer, tag string, v []T, size int, put func([]byte, T)) {
	n := size * len(v)
	w.header(tag, n)
	for len(v) > 0 {
		k := min(len(v), (1<<16)/size)
		if cap(w.scratch) < k*size {
			w.scratch = make([]byte, 1<<16)
		}
		b := w.scratch[:k*size]
		for i, x := range v[:k] {
			put(b[i*size:], x)
		}
		w.write(b)
		v = v[k:]
	}
	w.write(zeros[:pad(n)])
}

// Uint32s adds a section of uint32s.
func (w *Writer) Uint32s(tag string, v []uint32) {
	putNumbers(w, tag, v, 4, binary.LittleEndian.PutUint32)
}

// Uint16s adds a section of uint16s.
func (w *Writer) Uint16s(tag string, v []uint16) {
	putNumbers(w, tag, v, 2, binary.LittleEndian.PutUint16)
}

// Int32s adds a section of int32s.
func (w *Writer) Int32s(tag string, v []int32) {
	putNumbers(w, tag, v, 4, func(b []byte, x int32) { binary.LittleEndian.PutUint32(b, uint32(x)) })
}

// Float32s adds a section of float32s.
func (w *Writer) Float32s(tag string, v []float32) {
	putNumbers(w, tag, v, 4, func(b []byte, x float32) { binary.LittleEndian.PutUint32(b, math.Float32bits(x)) })
}

// Uint64s adds a section of uint64s.
func (w *Writer) Uint64s(tag string, v []uint64) {
	putNumbers(w, tag, v, 8, binary.LittleEndian.PutUint64)
}

// Finish appends the trailer and returns the file's bytes, for a file
// NewWriter started.
func (w *Writer) Finish() []byte {
	sum := crc32.Checksum(w.buf, castagnoli)
	w.buf = append(w.buf, "END."...)
	w.buf = binary.LittleEndian.AppendUint32(w.buf, sum)
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(len(w.buf)+8))
	return w.buf
}

// Close writes the trailer of a file NewStream started and returns the
// file's size, or the first error writing it.
func (w *Writer) Close() (int64, error) {
	if w.out == nil {
		return 0, errors.New("binfile: Close of a file in memory; use Finish")
	}
	var t [trailerLen]byte
	copy(t[:], "END.")
	binary.LittleEndian.PutUint32(t[4:], w.crc)
	binary.LittleEndian.PutUint64(t[8:], uint64(w.n+trailerLen))
	if w.err == nil {
		_, w.err = w.out.Write(t[:])
	}
	return w.n + trailerLen, w.err
}

// Reader gives access to the sections of a checked file. The slices it
// returns share the file's bytes, which must not change.
type Reader struct {
	sections map[string][]byte
}

// ErrByteOrder is returned on big-endian machines: readers view sections
// of structures in place, which needs the file's little-endian order.
var ErrByteOrder = errors.New("index files are little-endian and this machine is not")

// Open checks data and indexes its sections.
func Open(data []byte, magic string, version uint32) (*Reader, error) {
	return open(data, magic, version, nil)
}

// open is Open calling release, if not nil, on each chunk of data once its
// checksum is taken.
func open(data []byte, magic string, version uint32, release func([]byte)) (*Reader, error) {
	if !littleEndian {
		return nil, ErrByteOrder
	}
	if len(data) < headerLen+trailerLen {
		if len(data) >= len(magic) && string(data[:len(magic)]) != magic {
			return nil, ErrNotIndex
		}
		return nil, fmt.Errorf("%w (%d bytes)", ErrTruncated, len(data))
	}
	var m [12]byte
	copy(m[:], magic)
	if string(data[:12]) != string(m[:]) {
		return nil, ErrNotIndex
	}
	if v := binary.LittleEndian.Uint32(data[12:]); v != version {
		return nil, fmt.Errorf("%w: the file has version %d, this lectern reads version %d", ErrVersion, v, version)
	}
	end := len(data) - trailerLen
	if string(data[end:end+4]) != "END." {
		return nil, fmt.Errorf("%w: no end marker", ErrTruncated)
	}
	if total := binary.LittleEndian.Uint64(data[end+8:]); total != uint64(len(data)) {
		return nil, fmt.Errorf("%w: %d bytes of %d", ErrTruncated, len(data), total)
	}
	var got uint32
	const chunk = 4 << 20 // a multiple of any page size
	for off := 0; off < end; off += chunk {
		part := data[off:min(off+chunk, end)]
		got = crc32.Update(got, castagnoli, part)
		if release != nil {
			release(part)
		}
	}
	if want := binary.LittleEndian.Uint32(data[end+4:]); got != want {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	r := &Reader{sections: map[string][]byte{}}
	for pos := headerLen; pos < end; {
		if end-pos < tagLen+8 {
			return nil, fmt.Errorf("%w: section header cut", ErrCorrupt)
		}
		tag := string(trimZero(data[pos : pos+tagLen]))
		n := binary.LittleEndian.Uint64(data[pos+tagLen:])
		pos += tagLen + 8
		if n > uint64(end-pos) {
			return nil, fmt.Errorf("%w: section %q overruns the file", ErrCorrupt, tag)
		}
		r.sections[tag] = data[pos : pos+int(n) : pos+int(n)]
		pos += int(n) + pad(int(n))
	}
	return r, nil
}

func trimZero(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// Bytes returns a section's bytes.
func (r *Reader) Bytes(tag string) ([]byte, error) {
	b, ok := r.sections[tag]
	if !ok {
		return nil, fmt.Errorf("%w: no section %q", ErrCorrupt, tag)
	}
	return b, nil
}

// String returns a section as a string sharing the file's bytes.
func (r *Reader) String(tag string) (string, error) {
	b, err := r.Bytes(tag)
	if err != nil || len(b) == 0 {
		return "", err
	}
	return unsafe.String(&b[0], len(b)), nil
}

// Uint32s returns a section of uint32s.
func (r *Reader) Uint32s(tag string) ([]uint32, error) { return numbers[uint32](r, tag, 4) }

// Uint16s returns a section of uint16s.
func (r *Reader) Uint16s(tag string) ([]uint16, error) { return numbers[uint16](r, tag, 2) }

// Int32s returns a section of int32s.
func (r *Reader) Int32s(tag string) ([]int32, error) { return numbers[int32](r, tag, 4) }

// Float32s returns a section of float32s.
func (r *Reader) Float32s(tag string) ([]float32, error) { return numbers[float32](r, tag, 4) }

// Uint64s returns a section of uint64s.
func (r *Reader) Uint64s(tag string) ([]uint64, error) { return numbers[uint64](r, tag, 8) }

// littleEndian reports whether the machine stores numbers as the file
// does, so that sections can be used in place.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

func numbers[T uint16 | uint32 | int32 | float32 | uint64](r *Reader, tag string, size int) ([]T, error) {
	b, err := r.Bytes(tag)
	if err != nil {
		return nil, err
	}
	if len(b)%size != 0 {
		return nil, fmt.Errorf("%w: section %q has %d bytes, not a multiple of %d", ErrCorrupt, tag, len(b), size)
	}
	n := len(b) / size
	if n == 0 {
		return []T{}, nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%uintptr(size) == 0 {
		return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n), nil
	}
	out := make([]T, n)
	for i := range out {
		switch size {
		case 2:
			v := binary.LittleEndian.Uint16(b[2*i:])
			*(*uint16)(unsafe.Pointer(&out[i])) = v
		case 4:
			v := binary.LittleEndian.Uint32(b[4*i:])
			*(*uint32)(unsafe.Pointer(&out[i])) = v
		case 8:
			v := binary.LittleEndian.Uint64(b[8*i:])
			*(*uint64)(unsafe.Pointer(&out[i])) = v
		}
	}
	return out, nil
}

// Section is where one section's contents lie in a file.
type Section struct {
	Tag         string
	Offset, Len int
}

// Layout lists the sections of a file whose header and section headers are
// well formed, without checking its checksum: for tests that change the
// contents of one section and reseal the file. It stops at the first header
// that does not fit.
func Layout(data []byte) []Section {
	if len(data) < headerLen+trailerLen {
		return nil
	}
	var out []Section
	end := len(data) - trailerLen
	for pos := headerLen; end-pos >= tagLen+8; {
		tag := string(trimZero(data[pos : pos+tagLen]))
		n := binary.LittleEndian.Uint64(data[pos+tagLen:])
		pos += tagLen + 8
		if n > uint64(end-pos) {
			break
		}
		out = append(out, Section{Tag: tag, Offset: pos, Len: int(n)})
		pos += int(n) + pad(int(n))
	}
	return out
}

// Reseal rewrites the trailer of a file whose end marker is in place so
// that its checksum and length match its bytes again: for fuzz tests that
// mutate what lies inside a file and must get past the checksum.
func Reseal(data []byte) {
	if len(data) < headerLen+trailerLen {
		return
	}
	end := len(data) - trailerLen
	copy(data[end:], "END.")
	binary.LittleEndian.PutUint32(data[end+4:], crc32.Checksum(data[:end], castagnoli))
	binary.LittleEndian.PutUint64(data[end+8:], uint64(len(data)))
}
