package collector

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestSharedReuse: a result is reused within maxAge and fetched afresh
// after it; a failure is not kept; askers at once share one fetch.
func TestSharedReuse(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	s := newShared()
	s.now = func() time.Time { return now }
	var fetches atomic.Int32
	fail := false
	get := func(context.Context) (any, error) {
		n := fetches.Add(1)
		if fail {
			return nil, errors.New("500")
		}
		return int(n), nil
	}
	ask := func(maxAge time.Duration) (any, error) {
		return s.get(context.Background(), "k", maxAge, get)
	}
	if v, _ := ask(time.Hour); v != 1 {
		t.Fatalf("first: %v", v)
	}
	now = now.Add(29 * time.Minute)
	if v, _ := ask(30 * time.Minute); v != 1 {
		t.Errorf("within maxAge: %v, want the kept 1", v)
	}
	if v, _ := ask(20 * time.Minute); v != 2 {
		t.Errorf("older than the asker's maxAge: %v, want a fresh 2", v)
	}
	fail = true
	now = now.Add(time.Hour)
	if _, err := ask(time.Minute); err == nil {
		t.Error("a failed fetch succeeded")
	}
	fail = false
	if v, err := ask(time.Hour); v != 4 || err != nil {
		t.Errorf("after a failure: %v, %v; want a fresh fetch, not the failure kept", v, err)
	}

	// Askers at once: one fetch between them.
	now = now.Add(2 * time.Hour)
	release := make(chan struct{})
	slow := func(context.Context) (any, error) { <-release; return int(fetches.Add(1)), nil }
	var wg sync.WaitGroup
	got := make([]any, 5)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = s.get(context.Background(), "k", time.Minute, slow)
		}()
	}
	waitJoined(t, s, 4)
	close(release)
	wg.Wait()
	for _, v := range got {
		if v != 5 {
			t.Errorf("askers at once got %v, want the one fetch's 5", got)
			break
		}
	}
}

// TestSharedCancelledFetcher: when the collector that fetches is cancelled,
// one that joined it fetches for itself instead of failing.
func TestSharedCancelledFetcher(t *testing.T) {
	s := newShared()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		_, _ = s.get(ctx, "k", time.Hour, func(ctx context.Context) (any, error) {
			close(started)
			<-ctx.Done()
			return nil, ctx.Err()
		})
	}()
	<-started
	done := make(chan any)
	go func() {
		v, _ := s.get(context.Background(), "k", time.Hour, func(context.Context) (any, error) { return "mine", nil })
		done <- v
	}()
	waitJoined(t, s, 1)
	cancel()
	if v := <-done; v != "mine" {
		t.Errorf("joined a cancelled fetch: %v", v)
	}
}

// TestSharedNil: a source without a store fetches every time.
func TestSharedNil(t *testing.T) {
	var s *shared
	n := 0
	for range 2 {
		_, _ = s.get(context.Background(), "k", time.Hour, func(context.Context) (any, error) { n++; return n, nil })
	}
	if n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

// waitJoined returns once n askers wait for another's fetch. Each pass
// yields to the other goroutines, so the bound on passes is no clock: it
// only ends a test whose askers never join (sharing broken).
func waitJoined(t *testing.T, s *shared, n int) {
	t.Helper()
	for range 1_000_000 {
		s.mu.Lock()
		joined := s.joined
		s.mu.Unlock()
		if joined >= n {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("%d askers joined a fetch in flight, want %d", s.joined, n)
}
