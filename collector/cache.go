package collector

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// firstWait bounds how long a scrape waits for a collector's first refresh.
const firstWait = 5 * time.Second

// goneRetry is how rarely an endpoint that answered 410 Gone is asked again.
const goneRetry = 6 * time.Hour

// overdueAfter is how many refresh intervals (and at least overdueFloor) a
// refresh may run before the collector shows as failing: a listing that
// does not end or a budget paced to a crawl must not read as OK while its
// data ages. The floor keeps a short interval's retries from flapping.
const (
	overdueAfter = 2
	overdueFloor = time.Minute
)

// overdue is how long a refresh may run before it shows as failing.
func (c *cached) overdue() time.Duration { return max(overdueAfter*c.interval, overdueFloor) }

// cached runs one collector of one target. A scrape gets the snapshot of the
// last good refresh; when it is older than the refresh interval, the scrape
// starts a refresh (or joins the one under way: concurrent scrapes share it)
// and answers from the snapshot without waiting for it. Only the first
// refresh is waited for, until the scrape's deadline or firstWait. The
// refresh itself runs on its own timeout, so a slow API never holds a
// scrape.
type cached struct {
	target   string
	name     string
	spec     *Spec
	cfg      *config.Target
	c        Collector
	interval time.Duration
	timeout  time.Duration
	logger   log.Logger
	now      func() time.Time
	baseCtx  context.Context
	// redact removes the target's credential and token shapes from what
	// the API sent (the client's Redact); nil in tests without a client.
	redact func(string) string

	mu          sync.Mutex
	metrics     []prometheus.Metric
	state       State
	running     chan struct{} // closed when the refresh under way ends
	started     time.Time     // when the refresh under way started
	nextAttempt time.Time
	said        sayOnce
}

// State is what the exporter knows of one collector, for the meta-metrics,
// the status page and the check command.
type State struct {
	Target, Collector string
	LastSuccess       time.Time // zero until the first success
	LastAttempt       time.Time
	LastDuration      time.Duration
	LastError         error // nil when the last refresh succeeded
	Failures          int   // consecutive failures
	NextAttempt       time.Time
	Refreshing        bool
	Summary           string
	// Absent means the last refresh took a 404 as "no data" (no budgets, no
	// AI credit report), which a wrong slug or a hidden resource gives too.
	Absent bool
	// Partial means the last refresh succeeded with part of the data left
	// out, as its Summary says (Partialer).
	Partial bool
	// LastScrape is when a scrape last asked for the data: data older than
	// refresh_interval is only stale if a scrape came since and found it so.
	LastScrape time.Time
	// Overdue means the refresh under way has run for longer than
	// overdueAfter refresh intervals; LastError then says for how long.
	Overdue bool
}

// Succeeded reports whether the last refresh succeeded.
func (s State) Succeeded() bool { return !s.LastAttempt.IsZero() && s.LastError == nil }

func newCached(ctx context.Context, target, name string, c Collector, interval time.Duration, logger log.Logger) *cached {
	// Generous (10 to 30 minutes): every request has its own timeout, so
	// what can make a refresh long is the pacing of a low rate-limit budget
	// (200 pages at one every 3 s), and a paced refresh cut short would waste
	// the requests it already spent. Scrapes never wait for it.
	timeout := min(max(interval, 10*time.Minute), 30*time.Minute)
	return &cached{
		target: target, name: name, c: c, interval: interval, timeout: timeout,
		logger: log.With(logger, "target", target, "collector", name),
		now:    time.Now, baseCtx: ctx,
		state: State{Target: target, Collector: name},
	}
}

// get returns the snapshot to serve, refreshing first when it is stale and
// the refresh finishes before ctx does.
func (c *cached) get(ctx context.Context) ([]prometheus.Metric, State) {
	c.mu.Lock()
	now := c.now()
	c.state.LastScrape = now
	fresh := !c.state.LastSuccess.IsZero() && now.Sub(c.state.LastSuccess) < c.interval
	wait := c.running
	if !fresh && !now.Before(c.nextAttempt) {
		wait = c.startLocked()
	}
	first := c.state.LastAttempt.IsZero()
	c.mu.Unlock()

	// Last good data is served at once while its refresh runs, whatever its
	// age (the meta-metrics show it): one slow or hanging target must not
	// hold every scrape. Only a collector's first refresh is waited for,
	// and only briefly, so that a fresh start has data to show.
	if wait != nil && first {
		ctx, cancel := context.WithTimeout(ctx, firstWait)
		await(ctx, wait)
		cancel()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.metrics, c.stateLocked()
}

// refreshNow starts a refresh unless one is under way and waits for it
// until ctx ends; the refresh itself runs on its own timeout.
func (c *cached) refreshNow(ctx context.Context) {
	c.mu.Lock()
	wait := c.startLocked()
	c.mu.Unlock()
	await(ctx, wait)
}

// startLocked starts a refresh unless one is under way (concurrent callers
// share it) and returns the channel closed when it ends. c.mu is held.
func (c *cached) startLocked() chan struct{} {
	if c.running == nil {
		c.running = make(chan struct{})
		c.started = c.now()
		go c.refresh(c.running, c.started)
	}
	return c.running
}

// await returns when the refresh behind done ends or ctx does.
func await(ctx context.Context, done <-chan struct{}) {
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// snapshot is the collector's state, for the status page and check.
func (c *cached) snapshot() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stateLocked()
}

func (c *cached) stateLocked() State {
	st := c.state
	st.Refreshing = c.running != nil
	st.NextAttempt = c.nextAttempt
	if ran := c.now().Sub(c.started); st.Refreshing && ran >= c.overdue() {
		st.LastError = &overdueError{ran: ran, limit: c.overdue(), timeout: c.timeout}
		st.Overdue = true
	}
	return st
}

// overdueError is the state of a refresh that has run for more than
// overdueAfter refresh intervals: shown as a failure until it ends.
type overdueError struct {
	ran, limit, timeout time.Duration
}

func (e *overdueError) Error() string {
	return fmt.Sprintf("the refresh under way has run for %s, longer than %s (%d refresh intervals, at least %s)", e.ran.Round(time.Second), e.limit, overdueAfter, overdueFloor)
}

// refresh runs Update once and keeps its metrics if it succeeded.
func (c *cached) refresh(done chan struct{}, start time.Time) {
	ctx, cancel := context.WithTimeout(c.baseCtx, c.timeout)
	defer cancel()

	ch := make(chan prometheus.Metric, 64)
	var fresh []prometheus.Metric
	collected := make(chan struct{})
	go func() {
		for m := range ch {
			fresh = append(fresh, m)
		}
		close(collected)
	}()
	err := c.safeUpdate(ctx, ch)
	close(ch)
	<-collected
	dropped := 0
	if c.redact != nil {
		err = redactErr(err, c.redact)
		fresh, dropped = withoutSecrets(fresh, c.redact)
	}

	end := c.now()
	c.mu.Lock()
	defer func() {
		c.running = nil
		close(done)
		c.mu.Unlock()
	}()
	if err != nil && c.baseCtx.Err() != nil {
		// A reload replaced the target or the exporter is stopping: the
		// API did not fail, so the state stays as it was.
		level.Debug(c.logger).Log("msg", "refresh cancelled by a reload or shutdown", "err", err)
		return
	}
	c.state.LastAttempt = end
	c.state.LastDuration = end.Sub(start)
	c.state.LastError = err
	if err == nil {
		if c.state.Failures > 0 {
			level.Info(c.logger).Log("msg", "refresh succeeded again", "failures_before", c.state.Failures)
		}
		c.metrics = fresh
		c.state.LastSuccess = end
		c.state.Failures = 0
		c.nextAttempt = time.Time{}
		if s, ok := c.c.(Summarizer); ok {
			c.state.Summary, c.state.Absent = s.Summary(), s.Absent()
			if p, ok := c.c.(Partialer); ok {
				c.state.Partial = p.Partial()
			}
			if c.redact != nil {
				c.state.Summary = c.redact(c.state.Summary)
			}
		}
		if dropped > 0 {
			level.Warn(c.logger).Log("msg", "series left out: a label value the API sent holds the credential or looks like a token", "series", dropped)
		}
		level.Debug(c.logger).Log("msg", "refreshed", "duration", c.state.LastDuration, "series", len(fresh))
		return
	}
	c.state.Failures++
	c.nextAttempt = end.Add(backoff(c.interval, c.state.Failures))
	if e, ok := api.AsError(err); ok {
		if e.RetryAt.After(c.nextAttempt) {
			c.nextAttempt = e.RetryAt
		}
		if e.Kind == api.KindGone {
			c.nextAttempt = end.Add(goneRetry)
			c.said.Log("410", level.Warn(c.logger), "msg", "GitHub retired this endpoint; asking again only every "+goneRetry.String(), "err", err)
			return
		}
	}
	lvl := level.Error
	if c.state.Failures > 1 {
		lvl = level.Debug // said already; the metrics keep showing it
	}
	msg := "refresh failed; serving the last good data"
	if c.state.LastSuccess.IsZero() {
		msg = "refresh failed; no data to serve yet"
	}
	lvl(c.logger).Log("msg", msg, "failures", c.state.Failures, "retry_at", c.nextAttempt.UTC().Format(time.RFC3339), "fix", c.explain(err), "err", err)
}

// explain is Explain for this collector: the fix that the log, check and the
// status page show.
func (c *cached) explain(err error) string {
	spec, cfg := c.spec, c.cfg
	if spec == nil {
		spec = &Spec{CollectorSpec: config.CollectorSpec{Name: c.name}}
	}
	if cfg == nil {
		cfg = &config.Target{Name: c.target}
	}
	return Explain(err, spec, cfg)
}

// safeUpdate turns a panic in a collector into an error: one collector's bug
// must not take the exporter down.
func (c *cached) safeUpdate(ctx context.Context, ch chan<- prometheus.Metric) (err error) {
	defer func() {
		if r := recover(); r != nil {
			// Log where it broke, but the value only when the runtime made
			// it: a value the code panicked with might hold anything.
			what := fmt.Sprintf("%T", r)
			if re, ok := r.(runtime.Error); ok {
				what = re.Error()
			}
			level.Error(c.logger).Log("msg", "collector panicked", "panic", what, "stack", string(debug.Stack()))
			err = errPanic
		}
	}()
	return c.c.Update(ctx, ch)
}

type panicError struct{}

func (panicError) Error() string {
	return "the collector failed unexpectedly (a bug: please report it)"
}

var errPanic error = panicError{}

// backoff is the wait after the n-th consecutive failure: exponential from a
// quarter of the refresh interval (at most a minute), capped at four intervals
// (and 30 minutes), so a broken endpoint is not hammered and a healed one is
// soon seen again.
func backoff(interval time.Duration, n int) time.Duration {
	base := min(max(interval/4, 100*time.Millisecond), time.Minute)
	ceiling := max(min(interval*4, 30*time.Minute), base)
	d := base
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}
