package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func rateHeaders(limit, remaining int, reset time.Time) http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	return h
}

func TestPacingSpreadsWhenBudgetLow(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var s rateState
	// 25 % left: no pacing.
	s.observe(rateHeaders(5000, 1250, now.Add(time.Hour)), now)
	if d, b := s.wait(now); d != 0 || !b.IsZero() {
		t.Fatalf("above 20 %%: delay %s blocked %v", d, b)
	}
	// 9 left of 100, reset in 10 s: one request a second, and concurrent
	// callers queue one interval apart instead of leaving together.
	s.observe(rateHeaders(100, 9, now.Add(10*time.Second)), now)
	for i := range 5 {
		d, b := s.wait(now)
		if !b.IsZero() || d != time.Duration(i)*time.Second {
			t.Errorf("request %d: delay %s, want %ds", i, d, i)
		}
	}
	// Long waits are capped so a refresh does not stall for minutes on one.
	var s2 rateState
	s2.observe(rateHeaders(5000, 1, now.Add(time.Hour)), now)
	if d, _ := s2.wait(now); d != 0 {
		t.Errorf("first paced request: %s", d)
	}
	if d, _ := s2.wait(now); d != 30*time.Second {
		t.Errorf("second paced request: %s, want the 30 s cap", d)
	}
}

func TestSpentBudgetBlocksUntilReset(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var s rateState
	s.observe(rateHeaders(5000, 0, now.Add(90*time.Second)), now)
	if _, b := s.wait(now.Add(89 * time.Second)); !b.Equal(now.Add(90 * time.Second)) {
		t.Errorf("blocked until %v, want the reset", b)
	}
	if d, b := s.wait(now.Add(91 * time.Second)); d != 0 || !b.IsZero() {
		t.Errorf("after the reset: delay %s blocked %v", d, b)
	}
	// A bogus reset far away blocks at most an hour.
	var s2 rateState
	s2.observe(rateHeaders(5000, 0, now.Add(1000*time.Hour)), now)
	if _, b := s2.wait(now); b.Sub(now) != time.Hour {
		t.Errorf("blocked for %s, want at most an hour", b.Sub(now))
	}
	// Nonsense headers change nothing.
	var s3 rateState
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "NaN")
	h.Set("X-RateLimit-Remaining", "-Inf")
	s3.observe(h, now)
	if d, b := s3.wait(now); d != 0 || !b.IsZero() {
		t.Errorf("nonsense headers: delay %s blocked %v", d, b)
	}
}

// TestClientSendsNothingWhileLimited runs the client against a server that
// answers a secondary rate limit with a Retry-After too long to wait out in
// a refresh: the next requests fail at once, without reaching the server,
// until Retry-After has passed on the (fake) clock.
func TestClientSendsNothingWhileLimited(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := testClient(t, srv.URL)
	clock := clockOf(c)
	start := clock.Now()
	var v map[string]any
	_, err := c.GetJSON(context.Background(), "/x", nil, &v)
	e, ok := AsError(err)
	if !ok || e.Kind != KindRateLimit || !e.RetryAt.Equal(start.Add(30*time.Second)) {
		t.Fatalf("err = %v", err)
	}
	for range 3 {
		if _, err := c.GetJSON(context.Background(), "/other", nil, &v); !IsKind(err, KindRateLimit) {
			t.Errorf("while limited: %v", err)
		}
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests reached the server during Retry-After", hits.Load())
	}
	clock.set(start.Add(31 * time.Second))
	if _, err := c.GetJSON(context.Background(), "/x", nil, &v); err != nil {
		t.Errorf("after Retry-After: %v", err)
	}
}

func TestRetryAfterForms(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		h    map[string]string
		want time.Duration
	}{
		{map[string]string{"Retry-After": "30"}, 30 * time.Second},
		{map[string]string{"Retry-After": now.Add(2 * time.Minute).UTC().Format(http.TimeFormat)}, 2 * time.Minute},
		{map[string]string{"Retry-After": "99999999999999999999999"}, time.Minute}, // overflow: unusable, default
		{map[string]string{"Retry-After": "86400"}, time.Hour},                     // capped
		{map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": strconv.FormatInt(now.Add(5*time.Minute).Unix(), 10)}, 5 * time.Minute},
		{map[string]string{}, time.Minute}, // GitHub: wait at least a minute
	} {
		h := http.Header{}
		for k, v := range tc.h {
			h.Set(k, v)
		}
		if got := retryAt(h, now).Sub(now); got != tc.want {
			t.Errorf("%v: wait %s, want %s", tc.h, got, tc.want)
		}
	}
}

func testClient(t testing.TB, url string, opts ...func(*Options)) *Client {
	t.Helper()
	o := Options{Target: "t", BaseURL: url, Token: staticToken("ghp_testTokenSecret0123456789"), Timeout: testTimeout, Clock: newFakeClock()}
	for _, f := range opts {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClientSpreadsLowBudget: once the API reports less than 20 % of the
// budget left, concurrent requests leave one pacing interval apart: each
// waits, on the client's clock, one interval longer than the one before.
func TestClientSpreadsLowBudget(t *testing.T) {
	clock := newFakeClock()
	clock.hold = true
	reset := clock.Now().Add(21 * time.Second)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range rateHeaders(1000, 20, reset) { // 2 % left
			w.Header()[k] = v
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c := testClient(t, srv.URL, func(o *Options) { o.Clock = clock })
	var v any
	if _, err := c.GetJSON(context.Background(), "/first", nil, &v); err != nil {
		t.Fatal(err)
	}
	// The header's reset has whole seconds: 20 s to 21 s ahead, 21 slots.
	interval := reset.Truncate(time.Second).Sub(clock.Now()) / 21
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var v any
			if _, err := c.GetJSON(context.Background(), "/paced", nil, &v); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	waits := clock.Waits()
	slices.Sort(waits)
	// The first of the four leaves at once, the others 1, 2 and 3
	// intervals later.
	if len(waits) != 3 {
		t.Fatalf("waits %v, want 3", waits)
	}
	for i, w := range waits {
		if want := time.Duration(i+1) * interval; w != want {
			t.Errorf("wait %d: %s, want %s", i, w, want)
		}
	}
}

// TestNoStartPastRemaining: no request starts once the answers seen leave
// no more requests than are in flight. With 10 in flight and 4 waiting, an
// answer that says remaining: 0 fails the 4 at once (they used to start as
// the 10 ended); with 6 left and 6 in flight, the next one waits until a
// request ends.
func TestNoStartPastRemaining(t *testing.T) {
	s := NewScheduler(Limits{Concurrency: 10})
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	var tickets []*Ticket
	for range 10 {
		tk, err := s.Acquire(context.Background(), "/x")
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk)
	}
	results := make(chan error, 4)
	for range 4 {
		go func() {
			tk, err := s.Acquire(context.Background(), "/x")
			if tk != nil {
				tk.Done()
			}
			results <- err
		}()
	}
	for waiting := 0; waiting < 4; {
		runtime.Gosched()
		s.mu.Lock()
		waiting = s.waiting
		s.mu.Unlock()
	}
	s.rate.observe(rateHeaders(5000, 0, now.Add(time.Hour)), now)
	for _, tk := range tickets {
		tk.Done()
	}
	for range 4 {
		if err := <-results; !IsKind(err, KindRateLimit) {
			t.Errorf("a request waiting when remaining: 0 came in: %v, want rate_limited", err)
		}
	}

	s = NewScheduler(Limits{Concurrency: 10})
	var slots []*slot
	for range 6 {
		sl, _ := s.admitLocked(now, "/x")
		slots = append(slots, sl)
	}
	s.rate.observe(rateHeaders(5000, 6, now.Add(time.Hour)), now)
	if sl, _ := s.admitLocked(now, "/x"); sl != nil {
		t.Error("6 requests left and 6 in flight: another one started")
	}
	s.finishLocked(slots[0], now)
	if sl, _ := s.admitLocked(now, "/x"); sl == nil {
		t.Error("6 requests left and 5 in flight: none started")
	}
	// Once the window has reset, the count no longer holds.
	if left, ok := s.rate.left(now.Add(time.Hour + time.Second)); ok {
		t.Errorf("after the reset: %g left still holds", left)
	}
}

// TestRateResourcesBounded: the budgets kept, and exported as a label, are
// the resources GitHub documents and one "other" for any name it does not,
// however many names the answers carry.
func TestRateResourcesBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var s rateState
	for i, name := range []string{"", "core", "search", "graphql", "evil-1", "evil-2", "Core", strings.Repeat("x", 1<<10)} {
		h := rateHeaders(5000, 4000-i, now.Add(time.Hour))
		h.Set("X-RateLimit-Resource", name)
		s.observe(h, now)
	}
	var got []string
	for _, rl := range s.snapshot() {
		got = append(got, rl.Resource)
	}
	if want := []string{"core", "graphql", OtherRateResource, "search"}; !slices.Equal(got, want) {
		t.Errorf("resources %q, want %q", got, want)
	}
}
