package api

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts API requests. They live across scrapes, so unlike the data
// metrics they are real counters and histograms, registered once.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

var (
	requestsOpts = prometheus.CounterOpts{
		Name: "license_exporter_api_requests_total",
		Help: "API requests sent, by target and HTTP status code (\"error\" when no answer came).",
	}
	requestsLabels = []string{"target", "code"}
	durationOpts   = prometheus.HistogramOpts{
		Name:    "license_exporter_api_request_duration_seconds",
		Help:    "Duration of API requests, headers and body, by target.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}
	durationLabels = []string{"target"}
)

// MetricDoc describes one of the client's metrics, for the docs.
type MetricDoc struct {
	Name, Help, Kind string
	Labels           []string
}

// MetricDocs describes the client's metrics.
func MetricDocs() []MetricDoc {
	return []MetricDoc{
		{Name: requestsOpts.Name, Help: requestsOpts.Help, Kind: "counter", Labels: requestsLabels},
		{Name: durationOpts.Name, Help: durationOpts.Help, Kind: "histogram", Labels: durationLabels},
	}
}

// NewMetrics registers the client metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(requestsOpts, requestsLabels),
		duration: prometheus.NewHistogramVec(durationOpts, durationLabels),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.duration)
	}
	return m
}

// Forget drops the series of a target that is no longer configured.
func (m *Metrics) Forget(target string) {
	if m == nil {
		return
	}
	m.requests.DeletePartialMatch(prometheus.Labels{"target": target})
	m.duration.DeleteLabelValues(target)
}

func (m *Metrics) observe(target, code string, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(target, code).Inc()
	m.duration.WithLabelValues(target).Observe(d.Seconds())
}
