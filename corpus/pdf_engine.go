package corpus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// The PDF engine is PDFium compiled to WebAssembly, run by wazero: pure Go,
// no cgo. It starts the first time a corpus holds a PDF, and stays for the
// life of the process: text and Markdown corpora never start it.
//
// Its first start compiles the module: some 5 s and 350 MB. The compiled
// code (22 MB) is kept on disk under the user's cache folder
// (os.UserCacheDir()/lectern/wazero), so that later starts take about
// 0.15 s and 75 MB. Where that folder cannot be written, the code is kept
// in memory and each process compiles it again.
//
// PDFium is single-threaded: each worker is an instance of the module with
// its own memory (a new one takes some 5 ms), and reads one document at a
// time. The module sees no file system (documents are handed to it as
// bytes) and its output is discarded.

// maxPDFWorkers is the most workers the engine runs at once, fewer on a
// machine with fewer cores. Load parses a folder's files side by side
// (LoadOptions.Workers), so two PDFs of a folder may take both; a PDF
// waiting for a worker has not started its time limit yet.
const maxPDFWorkers = 2

// pdfKeepBytes is the largest document after which a worker is kept for the
// next: a WebAssembly memory grows but never shrinks, so a worker that read
// a larger document is dropped, and its memory with it.
const pdfKeepBytes = 8 << 20

// pdfEngine is the process's PDF engine.
var pdfEngine struct {
	once sync.Once
	pool pdfium.Pool
	err  error
	// starts counts the engine's starts, uses the documents that asked for
	// it: tests check that text never does.
	starts, uses atomic.Int64
}

// pdfPool returns the PDF engine, starting it on first use. Once ctx is
// cancelled it returns ctx's error at once, and a start under way goes on
// without it.
func pdfPool(ctx context.Context) (pdfium.Pool, error) {
	pdfEngine.uses.Add(1)
	started := make(chan struct{})
	go func() {
		pdfEngine.once.Do(func() {
			pdfEngine.starts.Add(1)
			pdfEngine.pool, pdfEngine.err = startPDF()
		})
		close(started)
	}()
	select {
	case <-started:
		return pdfEngine.pool, pdfEngine.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// startPDF starts the engine, with its compiled code cached on disk if it
// can be, else in memory.
func startPDF() (pdfium.Pool, error) {
	features := api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling
	config := func(cache wazero.CompilationCache) webassembly.Config {
		return webassembly.Config{
			MinIdle:  0,
			MaxIdle:  1,
			MaxTotal: min(runtime.GOMAXPROCS(0), maxPDFWorkers),
			// Stopping a document's context interrupts PDFium at once,
			// even in the middle of a page.
			RuntimeConfig: wazero.NewRuntimeConfig().WithCoreFeatures(features).
				WithCloseOnContextDone(true).WithCompilationCache(cache),
			FSConfig:     wazero.NewFSConfig(), // no file system: documents come as bytes
			Stdout:       io.Discard,
			Stderr:       io.Discard,
			ReuseWorkers: true,
		}
	}
	if dir, err := os.UserCacheDir(); err == nil && writable(filepath.Join(dir, "lectern", "wazero")) {
		if cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(dir, "lectern", "wazero")); err == nil {
			pool, err := webassembly.Init(config(cache))
			if err == nil {
				return pool, nil
			}
			cache.Close(context.Background())
		}
	}
	pool, err := webassembly.Init(config(wazero.NewCompilationCache()))
	if err != nil {
		return nil, fmt.Errorf("the PDF engine cannot start: %w", err)
	}
	return pool, nil
}

// writable reports whether files can be written in the folder dir, made
// if need be: wazero fails to compile when it cannot save the code.
func writable(dir string) bool {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false
	}
	f, err := os.CreateTemp(dir, "probe-*")
	if err != nil {
		return false
	}
	f.Close()
	os.Remove(f.Name())
	return true
}

// errPDFEngine marks an error of the engine rather than of a document.
var errPDFEngine = errors.New("the PDF engine failed")
