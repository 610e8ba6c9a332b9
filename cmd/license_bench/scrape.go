package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/license-exporter/license_exporter/collector"
)

// minimalGauges is how many gauges the minimal handler serves from memory:
// about what the exporter serves of one large enterprise's licenses.
const minimalGauges = 150

// latencies are the timed scrapes of one handler.
type latencies struct {
	p50, p99 time.Duration
	series   int
}

type scrapeResult struct {
	exporter, minimal latencies
	calls             int64 // API requests during the scrapes
}

// scrapeLatency times scrapes of fresh data, side by side with a minimal
// client_golang handler serving minimalGauges gauges from memory beside the
// same Go and process collectors: scrapes alternate between the two (in
// turn first), so a busy machine slows both alike.
func scrapeLatency(users, scrapes int) (*scrapeResult, error) {
	a := startAPI(users, 0, 1)
	defer a.srv.Close()
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	e, srv, err := exporter(a.srv.URL, tok, "1h", "consumed_licenses", collector.Options{Registerer: runtimeRegistry()})
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	defer e.Close()
	e.RefreshAll(context.Background())
	if err := failed(e); err != nil {
		return nil, err
	}
	minimal := httptest.NewServer(minimalHandler(minimalGauges))
	defer minimal.Close()

	r := &scrapeResult{}
	for _, l := range []struct {
		url string
		n   *int
	}{{srv.URL, &r.exporter.series}, {minimal.URL, &r.minimal.series}} {
		if *l.n, err = seriesCount(l.url); err != nil {
			return nil, err
		}
	}
	for range 20 { // warm both: connections, buffers, the Go collector's first read
		if _, err := scrape(srv.URL, 10*time.Second); err != nil {
			return nil, err
		}
		if _, err := scrape(minimal.URL, 10*time.Second); err != nil {
			return nil, err
		}
	}
	before := a.sim.Total()
	exp := make([]time.Duration, 0, scrapes)
	mini := make([]time.Duration, 0, scrapes)
	for i := range scrapes {
		urls := []string{srv.URL, minimal.URL}
		if i%2 == 1 {
			urls[0], urls[1] = urls[1], urls[0]
		}
		for _, u := range urls {
			d, err := scrape(u, 10*time.Second)
			if err != nil {
				return nil, err
			}
			if u == srv.URL {
				exp = append(exp, d)
			} else {
				mini = append(mini, d)
			}
		}
	}
	r.calls = a.sim.Total() - before
	r.exporter.p50, r.exporter.p99 = percentiles(exp)
	r.minimal.p50, r.minimal.p99 = percentiles(mini)
	return r, nil
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2], d[len(d)*99/100]
}

// runtimeRegistry holds the Go and process collectors, as main's does.
func runtimeRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// minimalHandler is the least a client_golang exporter can do: n gauges set
// in memory, served by promhttp beside the Go and process collectors.
func minimalHandler(n int) http.Handler {
	reg := runtimeRegistry()
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "minimal_value", Help: "A value held in memory."}, []string{"target", "i"})
	reg.MustRegister(g)
	for i := range n {
		g.WithLabelValues("large", fmt.Sprint(i)).Set(float64(i))
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// seriesCount is how many samples a /metrics answer holds.
func seriesCount(url string) (int, error) {
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	n := 0
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	return n, err
}
