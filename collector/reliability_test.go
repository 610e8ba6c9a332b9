package collector

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/license-exporter/license_exporter/internal/testdeps"
	"github.com/prometheus/client_golang/prometheus"
)

func TestBackoffExponentialAndBounded(t *testing.T) {
	for _, tc := range []struct {
		interval time.Duration
		want     []time.Duration // after failure 1, 2, 3, …
	}{
		{5 * time.Minute, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 20 * time.Minute, 20 * time.Minute}},
		{time.Hour, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 30 * time.Minute, 30 * time.Minute}},
		{30 * time.Second, []time.Duration{7500 * time.Millisecond, 15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 2 * time.Minute}},
		{250 * time.Millisecond, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}},
	} {
		for i, want := range tc.want {
			if got := backoff(tc.interval, i+1); got != want {
				t.Errorf("backoff(%s, %d) = %s, want %s", tc.interval, i+1, got, want)
			}
		}
		ceiling := min(4*tc.interval, 30*time.Minute)
		prev := time.Duration(0)
		for _, n := range []int{1, 2, 5, 10, 64, 1000, 1 << 30} {
			got := backoff(tc.interval, n)
			if got < prev || got > ceiling || got <= 0 {
				t.Errorf("backoff(%s, %d) = %s: must grow and stay in (0, %s]", tc.interval, n, got, ceiling)
			}
			prev = got
		}
	}
}

// TestBrokenEndpointNotHammered scrapes far more often than the refresh
// interval while an endpoint fails: the attempts follow the backoff, not
// the scrapes. The caches run on the test's clock, moved 20 ms a scrape,
// and each scrape's refresh ends before the clock moves on: the count of
// attempts is exact, however slow the machine.
func TestBrokenEndpointNotHammered(t *testing.T) {
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	r := newRigWith(t, faultToken, "", rigOptions{now: clock.Now})
	r.eventually(faultDeadline, "a first good scrape", func(s map[string]float64) bool { return s[faultSuccess("consumed_licenses")] == 1 })
	// 500, which the client does not retry: the attempts counted are refreshes.
	r.sim.SetFault(licensesPath, jsonFault(500, `{"message":"Server Error"}`)(t))
	r.settle()
	clock.Add(faultRefresh)
	before := r.sim.Hits(licensesPath)
	const step, scrapes = 20 * time.Millisecond, 100
	for range scrapes {
		r.scrape()
		r.settle()
		clock.Add(step)
	}
	// Backoff from 100 ms doubling to 1 s: attempts at 0, 0.1, 0.3, 0.7 and
	// 1.5 s of the 2 s; without it every scrape would hit the API.
	attempts := r.sim.Hits(licensesPath) - before
	if attempts != 5 {
		t.Errorf("%d attempts in %s under %d scrapes; want 5 (exponential backoff)", attempts, scrapes*step, scrapes)
	}
	if f := r.state("consumed_licenses").Failures; f != attempts {
		t.Errorf("failures = %d, attempts = %d", f, attempts)
	}
}

type panicky struct{ secret string }

func (p panicky) Update(context.Context, chan<- prometheus.Metric) error {
	panic("cannot handle token " + p.secret)
}

func TestCollectorPanicContained(t *testing.T) {
	logs := &testdeps.SyncBuffer{}
	c := newCached(context.Background(), "acme", "panicky", panicky{faultToken}, time.Minute, log.NewLogfmtLogger(logs))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, st := c.get(ctx)
	if !errors.Is(st.LastError, errPanic) {
		t.Fatalf("error = %v, want the panic turned into an error", st.LastError)
	}
	if !strings.Contains(logs.String(), "collector panicked") {
		t.Errorf("the panic was not logged: %s", logs)
	}
	if strings.Contains(logs.String(), faultToken) || strings.Contains(st.LastError.Error(), faultToken) {
		t.Errorf("the value a collector panicked with (here a token) reached the logs or the error")
	}
}
