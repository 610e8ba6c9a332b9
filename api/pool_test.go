package api

import (
	"runtime"
	"testing"
)

// TestPoolConcurrencyFollowsReload: a reload builds the new target before it
// releases the old one; once it has, the credential's cap is the new
// max_concurrent_requests, raised as well as lowered. Targets sharing the
// credential keep the smallest cap among them.
func TestPoolConcurrencyFollowsReload(t *testing.T) {
	p := NewPool(Limits{})
	s, releaseOld := p.Scheduler("cred", 5)
	if got := s.Limits().Concurrency; got != 5 {
		t.Fatalf("cap %d, want 5", got)
	}
	for _, want := range []int{20, 3, DefaultMaxConcurrency} {
		ask := want
		if want == DefaultMaxConcurrency {
			ask = 0 // the key left out: the default
		}
		s2, releaseNew := p.Scheduler("cred", ask)
		if s2 != s {
			t.Fatal("a reload of the same credential got another scheduler")
		}
		releaseOld()
		if got := s.Limits().Concurrency; got != want {
			t.Errorf("reloaded to %d: cap %d", want, got)
		}
		releaseOld = releaseNew
	}
	// A second target on the same credential with a lower cap holds it down
	// while it lives.
	_, releaseLow := p.Scheduler("cred", 2)
	if got := s.Limits().Concurrency; got != 2 {
		t.Errorf("with a second target at 2: cap %d", got)
	}
	releaseLow()
	if got := s.Limits().Concurrency; got != DefaultMaxConcurrency {
		t.Errorf("after it left: cap %d, want %d", got, DefaultMaxConcurrency)
	}
	releaseOld()
	if _, n := p.Len(); n != 0 {
		t.Errorf("%d schedulers held after every target let go", n)
	}
}

// TestRaisedCapAdmitsWaiting: requests waiting for a slot start as soon as
// the cap is raised, not when a request ends.
func TestRaisedCapAdmitsWaiting(t *testing.T) {
	s := NewScheduler(Limits{Concurrency: 1})
	if _, err := s.Acquire(t.Context(), "/x"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		_, err := s.Acquire(t.Context(), "/x")
		done <- err
	}()
	for waiting := 0; waiting < 1; {
		runtime.Gosched()
		s.mu.Lock()
		waiting = s.waiting
		s.mu.Unlock()
	}
	s.setConcurrency(2)
	if err := <-done; err != nil {
		t.Error(err)
	}
}
