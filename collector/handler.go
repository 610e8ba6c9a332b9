package collector

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HandlerOptions tune the /metrics handler.
type HandlerOptions struct {
	// DefaultTimeout applies when the scraper sends no
	// X-Prometheus-Scrape-Timeout-Seconds header.
	DefaultTimeout time.Duration
	// TimeoutOffset is kept back from the scraper's deadline, to leave time
	// to encode and send the answer.
	TimeoutOffset time.Duration
	// Gatherer serves the exporter's own metrics (process, Go, build info,
	// API request counters) beside the data.
	Gatherer prometheus.Gatherer
}

// Handler serves /metrics. Each request gets a registry bound to its own
// deadline, as mysqld_exporter does, so a slow refresh never holds a scrape
// past the time Prometheus waits.
func (e *Exporter) Handler(o HandlerOptions) http.Handler {
	if o.DefaultTimeout <= 0 {
		o.DefaultTimeout = 10 * time.Second
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		timeout := scrapeTimeout(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), o.DefaultTimeout, o.TimeoutOffset)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()

		reg := prometheus.NewRegistry()
		reg.MustRegister(e.Scrape(ctx))
		gatherers := prometheus.Gatherers{reg}
		if o.Gatherer != nil {
			gatherers = append(gatherers, o.Gatherer)
		}
		promhttp.HandlerFor(gatherers, promhttp.HandlerOpts{
			ErrorLog:      promLogger{e},
			ErrorHandling: promhttp.ContinueOnError,
		}).ServeHTTP(w, r)
	})
}

// maxScrapeTimeout bounds what a scraper's header can ask for; a larger (or
// absurd) value would otherwise overflow time.Duration into the past.
const maxScrapeTimeout = 10 * time.Minute

// scrapeTimeout is how long a scrape may wait: the scraper's
// X-Prometheus-Scrape-Timeout-Seconds (or def) minus offset, when that leaves
// time.
func scrapeTimeout(header string, def, offset time.Duration) time.Duration {
	timeout := def
	if secs, err := strconv.ParseFloat(header, 64); err == nil && secs > 0 && !math.IsInf(secs, 0) {
		timeout = time.Duration(min(secs, maxScrapeTimeout.Seconds()) * float64(time.Second))
	}
	if timeout-offset > 0 {
		timeout -= offset
	}
	return timeout
}

type promLogger struct{ e *Exporter }

func (l promLogger) Println(v ...interface{}) {
	level.Error(l.e.opts.Logger).Log("msg", "serving metrics", "err", v)
}
