package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
)

// invertRun is about the most postings one worker inverts at a time:
// its lists take eight bytes a posting (a document number and a
// frequency), so a worker holds about 8 MiB however large the corpus,
// and the forward index is read once per run.
const invertRun = 1 << 20

// termRun is a run of consecutive terms, lo to hi-1, inverted together,
// with their postings as encode writes them; their postOff and blkOff
// are relative to the run's until invert joins the runs.
type termRun struct {
	lo, hi int
	enc    []byte
	blocks []block
}

// invert makes the postings from the forward index, whose terms ix.df
// counts: the document numbers and frequencies of each term, encoded in
// blocks with their largest tf parts, and the terms' IDFs and largest
// tf parts, as prepare computes them. It works on runs of terms holding
// about runSize postings (invertRun), on all cores, each run reading every
// document's entry for its terms (found by binary search, since an
// entry's terms are sorted), so that the postings are never held whole
// in lists before they are encoded. The norms must be set.
func (ix *Index) invert(ctx context.Context, runSize int) error {
	nt := ix.terms.len()
	if len(ix.df) != nt {
		return fmt.Errorf("index: %d document frequencies for %d terms", len(ix.df), nt)
	}
	ix.idf = make([]float32, nt)
	ix.postOff = make([]uint32, nt+1)
	ix.blkOff = make([]uint32, nt+1)
	var runs []termRun
	most := uint64(0) // the most postings in a run
	for lo := 0; lo < nt; {
		hi, sum := lo+1, uint64(ix.df[lo])
		for hi < nt && sum+uint64(ix.df[hi]) <= uint64(runSize) {
			sum += uint64(ix.df[hi])
			hi++
		}
		runs = append(runs, termRun{lo: lo, hi: hi})
		most = max(most, sum)
		lo = hi
	}
	workers := min(runtime.GOMAXPROCS(0), len(runs))
	errs := make([]error, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			docs, freqs := make([]uint32, most), make([]uint32, most)
			var at []uint32
			for {
				k := int(next.Add(1)) - 1
				if k >= len(runs) {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				if docs, freqs, at, errs[w] = ix.invertRun(&runs[k], docs, freqs, at); errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	size, nb := 0, 0
	for _, r := range runs {
		size += len(r.enc)
		nb += len(r.blocks)
	}
	if size > math.MaxUint32 || nb > math.MaxUint32 {
		return errors.New("index: the postings outgrow 4 GiB")
	}
	if size > 0 {
		ix.post = make([]byte, 0, size)
		ix.blocks = make([]block, 0, nb)
	}
	for k := range runs {
		r := &runs[k]
		base, bbase := uint32(len(ix.post)), uint32(len(ix.blocks))
		for t := r.lo; t < r.hi; t++ {
			ix.postOff[t] += base
			ix.blkOff[t] += bbase
		}
		ix.post = append(ix.post, r.enc...)
		ix.blocks = append(ix.blocks, r.blocks...)
		r.enc, r.blocks = nil, nil
	}
	ix.postOff[nt] = uint32(len(ix.post))
	ix.blkOff[nt] = uint32(len(ix.blocks))
	return nil
}

// invertRun gathers run r's postings from the forward index into docs and
// freqs, grouped by term, with at holding where each term's go, and
// encodes them into r; it returns the three lists for the next run to
// reuse.
func (ix *Index) invertRun(r *termRun, docs, freqs, at []uint32) ([]uint32, []uint32, []uint32, error) {
	at = at[:0]
	total := 0
	for t := r.lo; t < r.hi; t++ {
		at = append(at, uint32(total))
		total += int(ix.df[t])
	}
	docs, freqs = slices.Grow(docs[:0], total)[:total], slices.Grow(freqs[:0], total)[:total]
	lo, hi := uint32(r.lo), uint32(r.hi)
	for d := 0; d < ix.n; d++ {
		ids, tfs, _ := ix.docTerms(d)
		for i := SearchIDs(ids, lo); i < len(ids) && ids[i] < hi; i++ {
			j := at[ids[i]-lo]
			if int(j) >= total {
				return docs, freqs, at, fmt.Errorf("index: term %d is in more documents than its %d", ids[i], ix.df[ids[i]])
			}
			docs[j], freqs[j] = uint32(d), tfAt(tfs, i)
			at[ids[i]-lo]++
		}
	}
	// The run's exact sizes, so that its postings are written once, not
	// copied as they grow.
	size, nb, start := 0, 0, 0
	for t := r.lo; t < r.hi; t++ {
		end := start + int(ix.df[t])
		if int(at[t-r.lo]) != end {
			return docs, freqs, at, fmt.Errorf("index: term %d is in other than its %d documents", t, ix.df[t])
		}
		size += encodedSize(docs[start:end], freqs[start:end])
		nb += (end - start + blockSize - 1) / blockSize
		start = end
	}
	r.enc, r.blocks = make([]byte, 0, size), make([]block, 0, nb)
	start = 0
	for t := r.lo; t < r.hi; t++ {
		end := start + int(ix.df[t])
		ix.postOff[t] = uint32(len(r.enc))
		ix.blkOff[t] = uint32(len(r.blocks))
		ix.idf[t] = float32(IDF(int(ix.df[t]), ix.n))
		r.enc, r.blocks = ix.encode(r.enc, r.blocks, docs[start:end], freqs[start:end])
		start = end
	}
	return docs, freqs, at, nil
}

// encodedSize returns the size in bytes of a term's postings as encode
// writes them.
func encodedSize(docs, freqs []uint32) int {
	size := 0
	prev := uint32(0)
	for b := 0; b < len(docs); b += blockSize {
		e := min(b+blockSize, len(docs))
		for _, d := range docs[b:e] {
			size += uvarintLen(d - prev)
			prev = d
		}
		ones := true
		for _, f := range freqs[b:e] {
			ones = ones && f == 1
		}
		if !ones {
			for _, f := range freqs[b:e] {
				size += uvarintLen(f)
			}
		}
	}
	return size
}

// uvarintLen returns the length of v as appendUvarint writes it.
func uvarintLen(v uint32) int {
	return (bits.Len32(v|1) + 6) / 7
}

// releaseFrom is the number of texts from which building an index returns
// the memory of each stage to the system before the next (releaseMemory).
const releaseFrom = 1 << 17

// releaseMemory returns the memory no longer used to the system, when
// building an index of n texts, at the cost of a garbage collection:
// what a stage of the build lets go of is otherwise kept by the Go
// runtime, in pieces the next stage's large lists cannot use, and adds
// to the peak (a third more on a million sentences). Small builds skip
// it.
func releaseMemory(n int) {
	if n >= releaseFrom {
		debug.FreeOSMemory()
	}
}
