package collector

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
)

// HandlerOptions tune the /metrics handler.
type HandlerOptions struct {
	// DefaultTimeout applies when the scraper sends no
	// X-Prometheus-Scrape-Timeout-Seconds header.
	DefaultTimeout time.Duration
	// TimeoutOffset is kept back from the scraper's deadline, to leave time
	// to encode and send the answer.
	TimeoutOffset time.Duration
	// MaxTimeout caps the wait a scraper's header can ask for; 0 means
	// DefaultMaxTimeout.
	MaxTimeout time.Duration
	// MaxRequests is how many scrapes are served at once; beyond it the
	// answer is 503. 0 means no limit.
	MaxRequests int
	// Gatherer serves the exporter's own metrics (process, Go, build info,
	// API request counters) beside the data.
	Gatherer prometheus.Gatherer
}

// Handler serves /metrics. Each request collects under its own deadline, as
// mysqld_exporter's does, so a slow refresh never holds a scrape past the
// time Prometheus waits; the metric families are built without a registry
// per request (families), which warm scrapes spent most of their time on.
func (e *Exporter) Handler(o HandlerOptions) http.Handler {
	if o.DefaultTimeout <= 0 {
		o.DefaultTimeout = 10 * time.Second
	}
	if o.MaxTimeout <= 0 {
		o.MaxTimeout = DefaultMaxTimeout
	}
	// One semaphore for all requests, as promhttp's MaxRequestsInFlight
	// does (which cannot be used here: a promhttp handler is built per
	// scrape, for its deadline).
	var inFlight chan struct{}
	if o.MaxRequests > 0 {
		inFlight = make(chan struct{}, o.MaxRequests)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if inFlight != nil {
			select {
			case inFlight <- struct{}{}:
				defer func() { <-inFlight }()
			default:
				http.Error(w, fmt.Sprintf("Limit of concurrent requests reached (%d), try again later.", o.MaxRequests), http.StatusServiceUnavailable)
				return
			}
		}
		timeout := scrapeTimeout(r.Header.Get("X-Prometheus-Scrape-Timeout-Seconds"), o.DefaultTimeout, o.MaxTimeout, o.TimeoutOffset)
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()

		gather := prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
			metrics := make(chan prometheus.Metric, 64)
			go func() {
				e.Scrape(ctx).Collect(metrics)
				close(metrics)
			}()
			ours, err := families(metrics)
			if o.Gatherer == nil {
				return ours, err
			}
			theirs, err2 := o.Gatherer.Gather()
			merged, err3 := mergeFamilies(ours, theirs)
			errs := prometheus.MultiError{}
			errs.Append(err)
			errs.Append(err2)
			errs.Append(err3)
			return merged, errs.MaybeUnwrap()
		})
		promhttp.HandlerFor(gather, promhttp.HandlerOpts{
			ErrorLog:      promLogger{e},
			ErrorHandling: promhttp.ContinueOnError,
		}).ServeHTTP(w, r)
	})
}

// DefaultMaxTimeout bounds what a scraper's header can ask for: a scrape
// holds a connection (and one of MaxRequests) while it waits, and a larger
// (or absurd) value would otherwise overflow time.Duration into the past.
const DefaultMaxTimeout = 2 * time.Minute

// scrapeTimeout is how long a scrape may wait: the scraper's
// X-Prometheus-Scrape-Timeout-Seconds (or def), at most maxWait, minus
// offset when that leaves time.
func scrapeTimeout(header string, def, maxWait, offset time.Duration) time.Duration {
	timeout := def
	if secs, err := strconv.ParseFloat(header, 64); err == nil && secs > 0 && !math.IsInf(secs, 0) {
		timeout = time.Duration(min(secs, maxWait.Seconds()) * float64(time.Second))
	}
	timeout = min(timeout, maxWait)
	if timeout-offset > 0 {
		timeout -= offset
	}
	return timeout
}

type promLogger struct{ e *Exporter }

func (l promLogger) Println(v ...interface{}) {
	level.Error(l.e.opts.Logger).Log("msg", "serving metrics", "err", v)
}
