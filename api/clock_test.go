package api

import (
	"sync"
	"time"
)

// testTimeout is the request timeout of the test clients: long enough that
// it never decides a test on a busy machine (a test that wants a timeout
// makes the server hold the request until the client gives up).
const testTimeout = time.Minute

// fakeClock is a Clock whose time moves only when something waits on it:
// After moves it on by d at once, and records d. It starts at the real
// time, so that rate-limit resets built from time.Now() stay ahead of it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
	hold  bool // After leaves the time as it is: concurrent waits all start at one instant
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	if !f.hold {
		f.now = f.now.Add(d)
	}
	ch := make(chan time.Time, 1)
	ch <- f.now
	return ch
}

// Waits returns what was waited for, in order.
func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.waits...)
}

// set moves the clock to t.
func (f *fakeClock) set(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

// clockOf is the fake clock of a test client.
func clockOf(c *Client) *fakeClock { return c.opts.Clock.(*fakeClock) }
