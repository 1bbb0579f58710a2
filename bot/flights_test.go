package bot

import (
	"testing"
	"time"
)

// TestFlights: close waits for the work in flight, and no work begins
// after it.
func TestFlights(t *testing.T) {
	var f flights
	if !f.begin() || f.isClosing() {
		t.Fatal("an open flights refused work, or says it is closing")
	}
	done := f.close()
	if !f.isClosing() || f.begin() {
		t.Fatal("a closing flights took new work")
	}
	select {
	case <-done:
		t.Fatal("close did not wait for the work in flight")
	case <-time.After(20 * time.Millisecond):
	}
	f.end()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("close did not end once the work in flight did")
	}
}
