package bot

import "sync"

// flights counts the work a door has in flight (events, deferred answers)
// and refuses new work once closing, for a graceful shutdown. The zero
// value is open and idle.
type flights struct {
	mu      sync.Mutex
	closing bool
	wg      sync.WaitGroup
}

// begin registers one piece of work; it returns false, registering
// nothing, once closing. Each true must be matched by an end.
func (f *flights) begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing {
		return false
	}
	f.wg.Add(1)
	return true
}

// end ends one piece of work begin registered.
func (f *flights) end() { f.wg.Done() }

// isClosing reports whether close was called.
func (f *flights) isClosing() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closing
}

// close refuses new work from now on and returns a channel closed once
// the work in flight has ended.
func (f *flights) close() <-chan struct{} {
	f.mu.Lock()
	f.closing = true
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	return done
}
