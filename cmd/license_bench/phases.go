package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// api is a simulator on a loopback server that records when each request
// arrived, for the per-minute rate.
type api struct {
	sim *simulator.Server
	srv *httptest.Server
	mu  sync.Mutex
	at  []time.Time
}

func startAPI(users int, latency time.Duration) *api {
	a := &api{sim: simulator.New(simulator.Options{LargeUsers: users, Latency: latency})}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.at = append(a.at, time.Now())
		a.mu.Unlock()
		a.sim.ServeHTTP(w, r)
	}))
	return a
}

// peakMinute is the most requests that arrived within any 60 s.
func (a *api) peakMinute() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	peak := 0
	for i, j := 0, 0; j < len(a.at); j++ {
		for a.at[j].Sub(a.at[i]) >= time.Minute {
			i++
		}
		peak = max(peak, j-i+1)
	}
	return peak
}

// rtt times one page fetched on its own: the round trip of the serial ideal.
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

// exporter builds the exporter the way main does, from a configuration file
// text, and serves its /metrics on loopback.
func exporter(apiURL, token string, refresh time.Duration, collectors string) (*collector.Exporter, *httptest.Server, error) {
	yml := fmt.Sprintf("targets:\n  - name: large\n    type: github\n    api_url: %s\n    enterprise: %s\n    token_file: %s\n    refresh_interval: %s\n    collectors: [%s]\n",
		apiURL, simulator.LargeEnterprise, token, refresh, collectors)
	cfg, err := config.Parse([]byte(yml), collector.Catalog())
	if err != nil {
		return nil, nil, err
	}
	e := collector.New(collector.Options{})
	if err := e.ApplyConfig(cfg); err != nil {
		return nil, nil, err
	}
	return e, httptest.NewServer(e.Handler(collector.HandlerOptions{})), nil
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
	for _, s := range e.States() {
		if !s.Succeeded() {
			return fmt.Errorf("%s did not succeed: %w", s.Collector, s.LastError)
		}
	}
	return nil
}

type coldResult struct {
	pages                   int
	took, rtt, serial       time.Duration
	maxInFlight, peakMinute int
	p50, p99                time.Duration
	scrapeCalls             int64
}

// coldRefresh times the first refresh of a large enterprise, then scrapes
// of the fresh data.
func coldRefresh(f flags) (*coldResult, error) {
	a := startAPI(f.users, f.latency)
	defer a.srv.Close()
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	r := &coldResult{pages: (f.users + 99) / 100}
	if r.rtt, err = a.rtt(); err != nil {
		return nil, err
	}
	r.serial = time.Duration(r.pages) * r.rtt
	e, srv, err := exporter(a.srv.URL, tok, time.Hour, "consumed_licenses")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	defer e.Close()
	if _, err := scrape(srv.URL, 5*time.Minute); err != nil {
		return nil, err
	}
	if err := failed(e); err != nil {
		return nil, err
	}
	r.took = e.States()[0].LastDuration
	r.maxInFlight, r.peakMinute = a.sim.MaxInFlight(), a.peakMinute()

	before := a.sim.Total()
	lat := make([]time.Duration, 0, f.scrapes)
	for range f.scrapes {
		d, err := scrape(srv.URL, 10*time.Second)
		if err != nil {
			return nil, err
		}
		lat = append(lat, d)
	}
	r.scrapeCalls = a.sim.Total() - before
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
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
	a := startAPI(f.rateUsers, f.latency)
	defer a.srv.Close()
	e, srv, err := exporter(a.srv.URL, tok, f.refresh, "consumed_licenses, license_sync_status")
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
	r.perHour = float64(a.sim.Total()) / time.Since(start).Hours()
	return r, nil
}
