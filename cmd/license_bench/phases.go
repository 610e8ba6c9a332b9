package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	apiclient "github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// GitHub's secondary limits, as GitHub enforces them (the exporter keeps
// under its own, lower, Limits).
const (
	githubConcurrency  = 100
	githubPerEndpoint  = 900
	githubResponseTime = 90 * time.Second
)

// api is a simulator on a loopback server that records every request and
// answers 403 "secondary rate limit" as GitHub would to one that exceeds a
// secondary limit. Time may run scale times faster than GitHub's: the
// window and the response-time limit shrink by scale.
type api struct {
	sim   *simulator.Server
	srv   *httptest.Server
	scale float64

	mu       sync.Mutex
	spans    []span
	inFlight int
	maxIn    int
	limited  int
}

type span struct {
	start, end time.Time // end is zero while in flight
	path       string
}

func startAPI(users int, latency time.Duration, scale float64) *api {
	// The synthetic data holds still during a run (Copilot seats' last
	// activity follows the simulator's clock), so that repeats see it
	// unchanged.
	start := time.Now()
	a := &api{sim: simulator.New(simulator.Options{LargeUsers: users, Latency: latency, RateLimit: 1 << 30, Now: func() time.Time { return start }}), scale: scale}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		a.mu.Lock()
		if a.overLimitLocked(now, r.URL.Path) {
			a.limited++
			a.mu.Unlock()
			simulator.JSONFault(http.StatusForbidden, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`, "Retry-After", "60")(w, r)
			return
		}
		i := len(a.spans)
		a.spans = append(a.spans, span{start: now, path: r.URL.Path})
		a.inFlight++
		a.maxIn = max(a.maxIn, a.inFlight)
		a.mu.Unlock()
		a.sim.ServeHTTP(w, r)
		a.mu.Lock()
		a.spans[i].end = time.Now()
		a.inFlight--
		a.mu.Unlock()
	}))
	return a
}

func (a *api) window() time.Duration { return time.Duration(float64(time.Minute) / a.scale) }

func (a *api) overLimitLocked(now time.Time, path string) bool {
	if a.inFlight >= githubConcurrency {
		return true
	}
	from := now.Add(-a.window())
	count := 0
	var resp time.Duration
	for _, s := range a.spans {
		end := s.end
		if end.IsZero() {
			end = now
		}
		if end.After(from) {
			resp += end.Sub(later(s.start, from))
		}
		if s.path == path && s.start.After(from) {
			count++
		}
	}
	return count >= githubPerEndpoint || float64(resp) >= float64(githubResponseTime)/a.scale
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// peaks are the highest response time (in GitHub's time) and number of
// requests to one endpoint in any window, over the whole run.
func (a *api) peaks() (resp time.Duration, perEndpoint int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	w := a.window()
	for _, anchor := range a.spans {
		from, to := anchor.start, anchor.start.Add(w)
		var r time.Duration
		counts := map[string]int{}
		for _, s := range a.spans {
			lo, hi := later(s.start, from), s.end
			if to.Before(hi) {
				hi = to
			}
			if hi.After(lo) {
				r += hi.Sub(lo)
			}
			if !s.start.Before(from) && s.start.Before(to) {
				counts[s.path]++
				perEndpoint = max(perEndpoint, counts[s.path])
			}
		}
		resp = max(resp, r)
	}
	return time.Duration(float64(resp) * a.scale), perEndpoint
}

// meanResponse is the mean time the API took per answer.
func (a *api) meanResponse() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var sum time.Duration
	n := 0
	for _, s := range a.spans {
		if !s.end.IsZero() {
			sum += s.end.Sub(s.start)
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / time.Duration(n)
}

// rtt times one page fetched on its own: the latency the ideal assumes.
func (a *api) rtt() (time.Duration, error) {
	const n = 5
	var total time.Duration
	for range n {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/enterprises/"+simulator.LargeEnterprise+"/consumed-licenses?per_page=100&page=2", nil)
		req.Header.Set("Authorization", "Bearer "+simulator.DemoToken)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		total += time.Since(start)
	}
	a.mu.Lock()
	a.spans = nil // not part of the run
	a.mu.Unlock()
	return total / n, nil
}

func tokenFile() (string, func(), error) {
	dir, err := os.MkdirTemp("", "license_bench-")
	if err != nil {
		return "", nil, err
	}
	p := filepath.Join(dir, "token")
	return p, func() { os.RemoveAll(dir) }, os.WriteFile(p, []byte(simulator.DemoToken), 0o600)
}

// scaledLimits are the exporter's default limits in time running scale
// times faster.
func scaledLimits(scale float64) apiclient.Limits {
	lim := apiclient.DefaultLimits()
	lim.Window = time.Duration(float64(lim.Window) / scale)
	lim.ResponseBudget = time.Duration(float64(lim.ResponseBudget) / scale)
	return lim
}

// exporter builds the exporter the way main does, from a configuration file
// text, and serves its /metrics on loopback. refresh "" leaves each
// collector its default interval.
func exporter(apiURL, token, refresh, collectors string, o collector.Options) (*collector.Exporter, *httptest.Server, error) {
	yml := fmt.Sprintf("targets:\n  - name: large\n    type: github\n    api_url: %s\n    enterprise: %s\n    token_file: %s\n",
		apiURL, simulator.LargeEnterprise, token)
	if refresh != "" {
		yml += "    refresh_interval: " + refresh + "\n"
	}
	if collectors != "" {
		yml += "    collectors: [" + collectors + "]\n"
	}
	cfg, err := config.Parse([]byte(yml), collector.Catalog())
	if err != nil {
		return nil, nil, err
	}
	e := collector.New(o)
	if err := e.ApplyConfig(cfg); err != nil {
		return nil, nil, err
	}
	// As main: the registry that takes the API client's metrics also serves
	// them, beside the Go and process collectors it holds.
	var h collector.HandlerOptions
	if g, ok := o.Registerer.(prometheus.Gatherer); ok {
		h.Gatherer = g
	}
	return e, httptest.NewServer(e.Handler(h)), nil
}

// scrape fetches /metrics as Prometheus does, with a scrape timeout.
func scrape(url string, timeout time.Duration) (time.Duration, error) {
	req, _ := http.NewRequest(http.MethodGet, url+"/metrics", nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", fmt.Sprint(timeout.Seconds()))
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return time.Since(start), err
}

func failed(e *collector.Exporter) error {
	for _, s := range e.Statuses() {
		if !s.Succeeded() {
			return fmt.Errorf("%s did not succeed: %w", s.Collector, s.LastError)
		}
	}
	return nil
}

type coldResult struct {
	users, pages            int
	latency                 time.Duration
	scale                   float64
	took, ideal, rtt        time.Duration // in GitHub's time
	meanResp, idealUnloaded time.Duration
	peakResp                time.Duration
	peakEndpoint            int
	maxInFlight             int
	limited                 int
}

// chooseScale picks how much faster than GitHub's time a run goes, so that
// it takes about 20 s, without making pages faster than floor. The timing
// runs use 50 ms: below that, the exporter's own work per page (decoding
// 100 users, about 4 ms on a shared machine) would weigh more than a tenth
// of the latency being simulated and distort the comparison.
func chooseScale(pages int, latency, floor time.Duration) float64 {
	ideal := apiclient.IdealDuration(apiclient.DefaultLimits(), pages, latency)
	return max(1, min(float64(ideal)/float64(20*time.Second), float64(latency)/float64(floor)))
}

// coldRefresh times the first refresh of consumed_licenses for users users
// and compares it with the fastest schedule the exporter's limits allow.
func coldRefresh(users int, latency time.Duration) (*coldResult, error) {
	r := &coldResult{users: users, pages: (users + 99) / 100, latency: latency}
	r.scale = chooseScale(r.pages, latency, 50*time.Millisecond)
	a := startAPI(users, time.Duration(float64(latency)/r.scale), r.scale)
	defer a.srv.Close()
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	rtt, err := a.rtt()
	if err != nil {
		return nil, err
	}
	lim := scaledLimits(r.scale)
	e, srv, err := exporter(a.srv.URL, tok, "1h", "consumed_licenses", collector.Options{Limits: lim})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	defer e.Close()
	e.RefreshAll(context.Background())
	if err := failed(e); err != nil {
		return nil, err
	}
	up := func(d time.Duration) time.Duration { return time.Duration(float64(d) * r.scale) }
	r.took, r.rtt = up(e.Statuses()[0].LastDuration), up(rtt)
	// The ideal takes the response time the API actually gave during the
	// run (on a shared machine, pages in parallel answer slower than one
	// alone); the one at the unloaded round trip is shown beside it.
	r.meanResp = up(a.meanResponse())
	r.ideal = up(apiclient.IdealDuration(lim, r.pages, a.meanResponse()))
	r.idealUnloaded = up(apiclient.IdealDuration(lim, r.pages, rtt))
	r.peakResp, r.peakEndpoint = a.peaks()
	a.mu.Lock()
	r.maxInFlight, r.limited = a.maxIn, a.limited
	a.mu.Unlock()
	return r, nil
}

type rateResult struct {
	scrapes           int
	perHour, expected float64
}

// requestRate runs two exporters side by side, one scraped by one server and
// one by several, and extrapolates their API requests to an hour.
func requestRate(f flags) (one, many *rateResult, err error) {
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, nil, err
	}
	defer cleanup()
	var wg sync.WaitGroup
	results := make([]*rateResult, 2)
	errs := make([]error, 2)
	for i, scrapers := range []int{1, f.scrapers} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = rateRun(f, tok, scrapers)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return results[0], results[1], nil
}

func rateRun(f flags, tok string, scrapers int) (*rateResult, error) {
	a := startAPI(f.rateUsers, f.latency, 1)
	defer a.srv.Close()
	e, srv, err := exporter(a.srv.URL, tok, f.refresh.String(), "consumed_licenses, license_sync_status", collector.Options{})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	defer e.Close()
	perRefresh := float64((f.rateUsers+99)/100 + 1)
	r := &rateResult{expected: time.Hour.Seconds() / f.refresh.Seconds() * perRefresh}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for s := range scrapers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Stagger the servers over the interval, as independent ones are.
			time.Sleep(f.scrapeEvery * time.Duration(s) / time.Duration(scrapers))
			for t := time.NewTicker(f.scrapeEvery); time.Since(start) < f.duration; <-t.C {
				if _, err := scrape(srv.URL, 10*time.Second); err == nil {
					mu.Lock()
					r.scrapes++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := failed(e); err != nil {
		return nil, err
	}
	// Repeat requests are answered 304 (ETags): count every request, as
	// the secondary limits do.
	r.perHour = float64(a.sim.Total()) / time.Since(start).Hours()
	return r, nil
}
