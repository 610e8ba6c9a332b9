package collector

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

var fakeDesc = (&Spec{}).gauge("fake_value", "A value for tests.")

// fakeCollector returns value and err as set; gate, when set, blocks Update.
type fakeCollector struct {
	calls atomic.Int32
	mu    sync.Mutex
	value float64
	err   error
	gate  chan struct{}
}

func (f *fakeCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	f.calls.Add(1)
	f.mu.Lock()
	gate, v, err := f.gate, f.value, f.err
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err != nil {
		return err
	}
	ch <- sample(fakeDesc, v, "t")
	return nil
}

func (f *fakeCollector) set(v float64, err error, gate chan struct{}) {
	f.mu.Lock()
	f.value, f.err, f.gate = v, err, gate
	f.mu.Unlock()
}

// newTestCached is a cache on the test's clock, which a refresh's goroutine
// may read while the test moves it.
func newTestCached(f *fakeCollector, interval time.Duration) (*cached, *testClock) {
	c := newCached(context.Background(), "t", "fake", f, interval, log.NewNopLogger())
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	c.now = clock.Now
	return c, clock
}

func valueOf(t *testing.T, ms []prometheus.Metric) float64 {
	t.Helper()
	if len(ms) != 1 {
		t.Fatalf("%d metrics, want 1", len(ms))
	}
	return values(t, ms)[`fake_value{target="t"}`]
}

func TestCacheServesFreshDataWithoutRefresh(t *testing.T) {
	f := &fakeCollector{value: 1}
	c, now := newTestCached(f, time.Minute)
	ms, st := c.get(context.Background())
	if valueOf(t, ms) != 1 || !st.Succeeded() || f.calls.Load() != 1 {
		t.Fatalf("first scrape: %v %+v calls %d", ms, st, f.calls.Load())
	}
	// The refresh waits at the gate until the stale scrape has been
	// served: a refresh that ran ahead of it would otherwise decide the
	// result on a busy machine.
	gate := make(chan struct{})
	f.set(2, nil, gate)
	now.Add(59 * time.Second)
	if ms, _ := c.get(context.Background()); valueOf(t, ms) != 1 || f.calls.Load() != 1 {
		t.Errorf("data younger than refresh_interval must be served from the cache")
	}
	now.Add(2 * time.Second)
	if ms, _ := c.get(context.Background()); valueOf(t, ms) != 1 {
		t.Errorf("stale data is served at once while its refresh runs")
	}
	close(gate)
	settle(c)
	if ms, _ := c.get(context.Background()); valueOf(t, ms) != 2 || f.calls.Load() != 2 {
		t.Errorf("stale data must be refreshed")
	}
}

// TestCacheNotesScrapes: the status page tells data waiting for a scrape
// from stale data by when a scrape last asked; a refresh alone is no scrape.
func TestCacheNotesScrapes(t *testing.T) {
	c, now := newTestCached(&fakeCollector{value: 1}, time.Minute)
	c.refreshNow(context.Background())
	if st := c.snapshot(); !st.LastScrape.IsZero() {
		t.Errorf("a refresh without a scrape set LastScrape %v", st.LastScrape)
	}
	now.Add(time.Second)
	if _, st := c.get(context.Background()); !st.LastScrape.Equal(now.Now()) {
		t.Errorf("LastScrape = %v, want %v", st.LastScrape, now.Now())
	}
}

// settle waits for the refresh under way, if any.
func settle(c *cached) {
	c.mu.Lock()
	w := c.running
	c.mu.Unlock()
	if w != nil {
		<-w
	}
}

// TestCacheServesStaleAtOnce: with last good data, a scrape without any
// deadline returns at once while a refresh hangs; the state says the data
// is being refreshed and how old it is.
func TestCacheServesStaleAtOnce(t *testing.T) {
	f := &fakeCollector{value: 1}
	c, now := newTestCached(f, time.Minute)
	c.get(context.Background())
	gate := make(chan struct{})
	defer close(gate)
	f.set(2, nil, gate)
	now.Add(10 * time.Minute)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ms, st := c.get(context.Background())
		if valueOf(t, ms) != 1 || !st.Refreshing || now.Now().Sub(st.LastSuccess) != 10*time.Minute {
			t.Errorf("stale data while refreshing: %v %+v", ms, st)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the scrape waited for a hanging refresh although it had data to serve")
	}
}

func TestCacheKeepsLastGoodDataAndBacksOff(t *testing.T) {
	f := &fakeCollector{value: 7}
	c, now := newTestCached(f, time.Minute)
	c.get(context.Background())
	f.set(0, errors.New("boom"), nil)
	now.Add(2 * time.Minute)
	c.get(context.Background())
	settle(c)
	ms, st := c.get(context.Background())
	if valueOf(t, ms) != 7 || st.Succeeded() || st.LastError == nil || st.Failures != 1 {
		t.Fatalf("after a failed refresh: value %v state %+v", ms, st)
	}
	// In backoff: scrapes do not call the API again.
	for range 5 {
		c.get(context.Background())
	}
	if f.calls.Load() != 2 {
		t.Errorf("a failing collector was called %d times during its backoff", f.calls.Load())
	}
	now.Add(backoff(time.Minute, 1))
	f.set(8, nil, nil)
	c.get(context.Background())
	settle(c)
	if ms, st := c.get(context.Background()); valueOf(t, ms) != 8 || !st.Succeeded() || st.Failures != 0 {
		t.Errorf("after the backoff the collector recovers: %v %+v", ms, st)
	}
}

func TestCacheScrapeDeadline(t *testing.T) {
	f := &fakeCollector{value: 1}
	c, now := newTestCached(f, time.Minute)
	c.get(context.Background())

	gate := make(chan struct{})
	f.set(2, nil, gate)
	now.Add(2 * time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	ms, st := c.get(ctx)
	// The refresh hangs until the gate opens: a scrape that waited for it
	// would never return. The bound is generous, so that only that decides.
	if time.Since(start) > 30*time.Second {
		t.Errorf("the scrape waited %v, past its deadline", time.Since(start))
	}
	if valueOf(t, ms) != 1 || !st.Refreshing {
		t.Errorf("a scrape past its deadline gets the last good data while the refresh goes on: %v %+v", ms, st)
	}
	close(gate) // the refresh finishes in the background
	waitFor(t, func() bool { _, st := c.get(context.Background()); return !st.Refreshing })
	if ms, _ := c.get(context.Background()); valueOf(t, ms) != 2 {
		t.Error("the background refresh's data is served next")
	}
	if f.calls.Load() != 2 {
		t.Errorf("calls = %d, want 2", f.calls.Load())
	}
}

func TestConcurrentScrapesShareOneRefresh(t *testing.T) {
	gate := make(chan struct{})
	f := &fakeCollector{value: 3, gate: gate}
	c, _ := newTestCached(f, time.Minute)
	var wg sync.WaitGroup
	results := make([]float64, 10)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ms, _ := c.get(context.Background())
			results[i] = valueOf(t, ms)
		}()
	}
	waitFor(t, func() bool { return f.calls.Load() == 1 })
	time.Sleep(20 * time.Millisecond) // let every scrape join
	close(gate)
	wg.Wait()
	if f.calls.Load() != 1 {
		t.Errorf("10 concurrent scrapes started %d refreshes, want 1", f.calls.Load())
	}
	for _, v := range results {
		if v != 3 {
			t.Errorf("a scrape got %v", v)
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: only a condition never met decides
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCacheCancelledRefreshIsNoFailure: a refresh cut short by a reload or by
// shutdown is logged at debug and leaves the state as it was: it is not an
// API failure, and must not look like one in the logs or the metrics.
func TestCacheCancelledRefreshIsNoFailure(t *testing.T) {
	logs := &testdeps.SyncBuffer{}
	base, stop := context.WithCancel(context.Background())
	f := &fakeCollector{value: 1}
	c := newCached(base, "t", "fake", f, time.Minute, log.NewLogfmtLogger(logs))
	c.get(context.Background())
	before := c.snapshot()

	gate := make(chan struct{})
	f.set(2, nil, gate)
	c.mu.Lock()
	done := c.startLocked()
	c.mu.Unlock()
	stop() // what a reload does to the target it replaces
	<-done
	st := c.snapshot()
	if st.Failures != 0 || st.LastError != nil || st.LastAttempt != before.LastAttempt || !st.Succeeded() {
		t.Errorf("a cancelled refresh counted as a failure: %+v", st)
	}
	if strings.Contains(logs.String(), "level=error") || !regexp.MustCompile(`level=debug .*msg="refresh cancelled by a reload or shutdown"`).MatchString(logs.String()) {
		t.Errorf("logs:\n%s", logs)
	}
}

// TestCacheRecoveryLogged: after failures, the first success says so once.
func TestCacheRecoveryLogged(t *testing.T) {
	logs := &testdeps.SyncBuffer{}
	f := &fakeCollector{value: 1, err: errors.New("boom")}
	c := newCached(context.Background(), "t", "fake", f, time.Minute, log.NewLogfmtLogger(logs))
	now := &testClock{t: time.Unix(1_700_000_000, 0)}
	c.now = now.Now
	// Each refresh runs in the background once there was a first attempt:
	// settle waits for it before the clock moves.
	c.get(context.Background())
	now.Add(time.Hour)
	c.get(context.Background())
	settle(c)
	f.set(1, nil, nil)
	now.Add(time.Hour)
	c.get(context.Background())
	settle(c)
	now.Add(time.Hour)
	c.get(context.Background())
	settle(c)
	if n := strings.Count(logs.String(), `msg="refresh succeeded again" failures_before=2`); n != 1 {
		t.Errorf("%d recovery lines, want 1:\n%s", n, logs)
	}
}

// testClock is a clock the test moves; safe to read from a refresh's
// goroutine while the test sets it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestCacheOverdueRefreshFails: a refresh still running after twice the
// refresh interval shows as failing (state, success metric and the fix that
// check and the status page print), not as the last refresh's OK; it is OK
// again once the refresh ends well. The clock is the test's: nothing waits.
func TestCacheOverdueRefreshFails(t *testing.T) {
	f := &fakeCollector{value: 1}
	c := newCached(context.Background(), "t", "fake", f, time.Hour, log.NewNopLogger())
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	c.now = clock.Now
	if _, st := c.get(context.Background()); !st.Succeeded() {
		t.Fatalf("first refresh: %+v", st)
	}
	gate := make(chan struct{})
	f.set(2, nil, gate)
	clock.Add(time.Hour)
	started, cancel := context.WithCancel(context.Background())
	cancel() // start the refresh without waiting for it
	c.refreshNow(started)

	success := func() float64 {
		_, st := c.get(context.Background())
		return values(t, drain(func(ch chan<- prometheus.Metric) { sendState(ch, st) }))[`license_exporter_collector_success{collector="fake",target="t"}`]
	}
	clock.Add(2*time.Hour - time.Second)
	if st := c.snapshot(); !st.Refreshing || st.Overdue || !st.Succeeded() || success() != 1 {
		t.Fatalf("a refresh within twice the interval is no failure: %+v", st)
	}
	clock.Add(time.Second)
	st := c.snapshot()
	if !st.Refreshing || !st.Overdue || st.Succeeded() || success() != 0 {
		t.Fatalf("a refresh running for twice the interval must show as failing: %+v", st)
	}
	if fix := c.explain(st.LastError); !strings.Contains(fix, "has run for 2h0m0s, longer than 2h0m0s") || !strings.Contains(fix, "a listing does not end") {
		t.Errorf("fix = %q", fix)
	}
	close(gate)
	settle(c)
	if ms, st := c.get(context.Background()); !st.Succeeded() || valueOf(t, ms) != 2 {
		t.Errorf("after the refresh ended well: %v %+v", ms, st)
	}
}

// TestNotAvailableMetric: license_exporter_collector_not_available is 1 while
// the last refresh took a 404 as "no data", 0 when it found data, and left
// out before any refresh succeeded (a restart must not read as "it was
// there" to LicenseExporterDataNoLongerAvailable).
func TestNotAvailableMetric(t *testing.T) {
	const series = `license_exporter_collector_not_available{collector="budgets",target="t"}`
	at := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name string
		st   State
		want float64
		sent bool
	}{
		{"before the first success", State{LastAttempt: at, LastError: errors.New("boom")}, 0, false},
		{"data", State{LastAttempt: at, LastSuccess: at}, 0, true},
		{"404 taken as no data", State{LastAttempt: at, LastSuccess: at, Absent: true}, 1, true},
		{"failing since a 404", State{LastAttempt: at, LastSuccess: at.Add(-time.Hour), Absent: true, LastError: errors.New("boom")}, 1, true},
	} {
		tc.st.Target, tc.st.Collector = "t", "budgets"
		got := values(t, drain(func(ch chan<- prometheus.Metric) { sendState(ch, tc.st) }))
		if v, ok := got[series]; ok != tc.sent || v != tc.want {
			t.Errorf("%s: %v (sent %v), want %v (sent %v)", tc.name, v, ok, tc.want, tc.sent)
		}
	}
}
