package corpus

import (
	"context"
	"testing"
	"time"
)

// ReadPDF is readPDF, for the tests.
func ReadPDF(ctx context.Context, name, path string, data []byte) (*Paged, error) {
	return readPDF(ctx, name, path, data)
}

// PDFEngineUses returns how many documents asked for the PDF engine, and
// whether it was started.
func PDFEngineUses() (uses int64, started bool) {
	return pdfEngine.uses.Load(), pdfEngine.starts.Load() > 0
}

// SetPDFTimeouts sets the time limits for reading a PDF until t ends.
// Tests that use it must not run in parallel.
func SetPDFTimeouts(t testing.TB, base, perPage time.Duration) {
	pdfTimeout, pdfTimeoutPerPage = base, perPage
	t.Cleanup(func() { pdfTimeout, pdfTimeoutPerPage = PDFTimeout, PDFTimeoutPerPage })
}
