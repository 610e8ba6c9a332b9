package api

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Limits are the secondary rate limits the scheduler keeps one credential
// under. GitHub documents three ("Rate limits for the REST API", secondary
// rate limits): at most 100 concurrent requests, 900 points a minute per REST
// endpoint (a GET is 1 point), and 90 s of CPU time per 60 s of real time,
// which it says to estimate as the total response time of one's requests.
// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
type Limits struct {
	// Concurrency caps requests in flight. The 100 GitHub allows are shared
	// with every other tool that uses the token, so the default is modest.
	Concurrency int
	// Window is the sliding window of the two limits below.
	Window time.Duration
	// ResponseBudget is the total response time allowed per Window: 60 s,
	// a margin under GitHub's 90.
	ResponseBudget time.Duration
	// PerEndpoint is the number of requests allowed per Window to one
	// endpoint (one path, whatever its query).
	PerEndpoint int
}

// DefaultMaxConcurrency is max_concurrent_requests' default.
const DefaultMaxConcurrency = 10

// DefaultLimits keeps a credential at two thirds of GitHub's response-time
// limit, at its per-endpoint limit, and at a tenth of its concurrency limit.
func DefaultLimits() Limits {
	return Limits{Concurrency: DefaultMaxConcurrency, Window: time.Minute, ResponseBudget: time.Minute, PerEndpoint: 900}
}

// initialEstimate is the response time assumed before any was measured.
const initialEstimate = time.Second

// Scheduler decides when each request of one credential may start. Every
// client whose targets share the credential shares its Scheduler, so that
// they do not each think they have the whole budget. It also holds the
// credential's primary budget (x-ratelimit-*) and any Retry-After.
type Scheduler struct {
	lim   Limits
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
	rate  rateState

	mu       sync.Mutex
	inflight map[*slot]struct{}
	spans    []span                 // finished requests, by end time, within the window
	starts   map[string][]time.Time // request starts per endpoint, within the window
	est      time.Duration          // moving average of response times
	changed  chan struct{}          // closed when a request finishes or the cap rises
	waiting  int                    // requests waiting in Acquire's loop
}

type slot struct {
	start    time.Time
	endpoint string
}

type span struct {
	end time.Time
	dur time.Duration
}

// NewScheduler builds a scheduler; zero fields of lim take the defaults.
func NewScheduler(lim Limits) *Scheduler {
	d := DefaultLimits()
	if lim.Concurrency <= 0 {
		lim.Concurrency = d.Concurrency
	}
	if lim.Window <= 0 {
		lim.Window = d.Window
	}
	if lim.ResponseBudget <= 0 {
		lim.ResponseBudget = d.ResponseBudget
	}
	if lim.PerEndpoint <= 0 {
		lim.PerEndpoint = d.PerEndpoint
	}
	return &Scheduler{
		lim: lim, now: time.Now, after: time.After,
		inflight: map[*slot]struct{}{}, starts: map[string][]time.Time{},
		est: initialEstimate, changed: make(chan struct{}),
	}
}

// Limits returns the limits the scheduler keeps.
func (s *Scheduler) Limits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lim
}

// setConcurrency changes the cap on requests in flight, at once (lowered,
// the requests in flight finish).
func (s *Scheduler) setConcurrency(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 || n == s.lim.Concurrency {
		return
	}
	s.lim.Concurrency = n
	close(s.changed) // requests waiting for a slot may start now
	s.changed = make(chan struct{})
}

// admitLocked starts a request to endpoint at now if every limit allows it.
// Otherwise it returns when to try again; zero means when a request ends.
//
// A finished request counts with its whole response time for a window after
// it ended, and one in flight with the larger of its age and the average
// response time: that is never less than its overlap with any window, so the
// sum stays within the budget whichever way GitHub slices the minute.
func (s *Scheduler) admitLocked(now time.Time, endpoint string) (*slot, time.Time) {
	s.pruneLocked(now)
	if len(s.inflight) >= s.lim.Concurrency {
		return nil, time.Time{}
	}
	// The primary budget: each request in flight will spend one of the
	// requests the latest answer left, so none starts unless one is left
	// over; the answers coming in say how many really are.
	if left, ok := s.rate.left(now); ok && len(s.inflight) > 0 && left <= float64(len(s.inflight)) {
		return nil, time.Time{}
	}
	var retry time.Time
	// Plan against 95 % of the per-endpoint limit too: GitHub counts
	// requests as they arrive, and their arrivals lag our starts by a delay
	// that varies, so a window full to the last request here can hold one
	// more there (the harness saw a 403 at exactly 900).
	perEndpoint := max(s.lim.PerEndpoint*19/20, 1)
	if st := s.starts[endpoint]; len(st) >= perEndpoint {
		retry = st[len(st)-perEndpoint].Add(s.lim.Window)
	}
	var used time.Duration
	for _, sp := range s.spans {
		used += sp.dur
	}
	var flying time.Duration
	for sl := range s.inflight {
		flying += max(now.Sub(sl.start), s.est)
	}
	// Plan against 95 % of the budget: the estimate of requests in flight
	// lags behind an API that is slowing down.
	if over := used + flying + s.est - s.lim.ResponseBudget*19/20; over > 0 && (len(s.inflight) > 0 || used > 0) {
		if over > used && len(s.inflight) > 0 { // only requests in flight can free enough
			return nil, time.Time{}
		}
		var freed time.Duration
		for _, sp := range s.spans {
			freed += sp.dur
			retry = later(retry, sp.end.Add(s.lim.Window))
			if freed >= over {
				break
			}
		}
	}
	if !retry.IsZero() {
		return nil, retry
	}
	sl := &slot{start: now, endpoint: endpoint}
	s.inflight[sl] = struct{}{}
	s.starts[endpoint] = append(s.starts[endpoint], now)
	return sl, time.Time{}
}

func (s *Scheduler) pruneLocked(now time.Time) {
	cut := now.Add(-s.lim.Window)
	i := 0
	for i < len(s.spans) && !s.spans[i].end.After(cut) {
		i++
	}
	s.spans = s.spans[i:]
	for ep, st := range s.starts {
		j := 0
		for j < len(st) && !st[j].After(cut) {
			j++
		}
		if j == len(st) {
			delete(s.starts, ep)
		} else {
			s.starts[ep] = st[j:]
		}
	}
}

// finishLocked ends a request and records its response time. A secondary
// rate limit answer needs nothing here: its Retry-After (a minute at least)
// holds every request of the credential (rateState.block).
func (s *Scheduler) finishLocked(sl *slot, now time.Time) {
	if _, ok := s.inflight[sl]; !ok {
		return
	}
	delete(s.inflight, sl)
	d := now.Sub(sl.start)
	s.spans = append(s.spans, span{end: now, dur: d})
	s.est = (s.est*3 + d) / 4
	close(s.changed)
	s.changed = make(chan struct{})
}

// Ticket is one admitted request; Done must be called once it has ended.
type Ticket struct {
	s  *Scheduler
	sl *slot
}

// Done records the request's response time.
func (t *Ticket) Done() {
	t.s.mu.Lock()
	defer t.s.mu.Unlock()
	t.s.finishLocked(t.sl, t.s.now())
}

// Acquire waits until a request to path may start under every limit, or ctx
// ends. A credential whose budget is spent, or that was told to retry after
// a time, fails at once: a refresh never waits out a rate limit.
func (s *Scheduler) Acquire(ctx context.Context, path string) (*Ticket, error) {
	if err := s.pace(ctx, path); err != nil {
		return nil, err
	}
	for {
		s.mu.Lock()
		now := s.now()
		// An answer that came in while this request waited may have spent
		// the budget or asked to retry later.
		if until := s.rate.until(now); !until.IsZero() {
			s.mu.Unlock()
			return nil, rateLimited(path, until)
		}
		sl, retry := s.admitLocked(now, path)
		changed := s.changed
		if sl == nil {
			s.waiting++
		}
		s.mu.Unlock()
		if sl != nil {
			return &Ticket{s: s, sl: sl}, nil
		}
		var timer <-chan time.Time
		if !retry.IsZero() {
			timer = s.after(retry.Sub(now))
		}
		var err error
		select {
		case <-changed:
		case <-timer:
		case <-ctx.Done():
			err = &Error{Kind: KindTimeout, Method: http.MethodGet, Path: path, Err: ctx.Err(),
				Hint: "waited for the rate limits (primary budget, response time, requests per endpoint, concurrency) until the deadline"}
		}
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
}

// pace applies the primary budget: a spent budget or a Retry-After fails at
// once; a low budget spreads the requests left until the reset.
func (s *Scheduler) pace(ctx context.Context, path string) error {
	delay, blocked := s.rate.wait(s.now())
	if !blocked.IsZero() {
		return rateLimited(path, blocked)
	}
	if delay <= 0 {
		return nil
	}
	select {
	case <-s.after(delay):
		return nil
	case <-ctx.Done():
		return &Error{Kind: KindTimeout, Method: http.MethodGet, Path: path, Err: ctx.Err(), Hint: "paced to spare the rate-limit budget"}
	}
}

func rateLimited(path string, until time.Time) *Error {
	return &Error{Kind: KindRateLimit, Method: http.MethodGet, Path: path, RetryAt: until,
		Hint: "rate limited: nothing is sent until " + until.UTC().Format(time.RFC3339)}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// IdealDuration is the fastest any schedule can fetch n pages that each take
// latency, under lim, all to one endpoint: the yardstick the benchmark and
// the tests hold the Scheduler to. A window admits at most as many requests
// as its response-time budget and its per-endpoint count allow; when the
// concurrency cap cannot fill a window, it is the only bound.
func IdealDuration(lim Limits, n int, latency time.Duration) time.Duration {
	if n <= 0 || latency <= 0 {
		return 0
	}
	c := lim.Concurrency
	rounds := func(k int) time.Duration { return time.Duration((k+c-1)/c) * latency }
	perWindow := min(int(lim.ResponseBudget/latency), lim.PerEndpoint)
	if perWindow < 1 {
		perWindow = 1
	}
	if float64(c)*float64(lim.Window)/float64(latency) <= float64(perWindow) || n <= perWindow {
		return rounds(n)
	}
	full := (n - 1) / perWindow
	return time.Duration(full)*lim.Window + rounds(n-full*perWindow)
}
