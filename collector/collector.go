// Package collector turns API answers into Prometheus metrics: one collector
// per file, each refreshed on its own schedule and served from a cache.
package collector

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Collector fetches one kind of data for one target. Update sends const
// metrics to ch; the framework keeps them as the collector's snapshot only
// when Update returns nil, so a failed refresh never replaces good data.
type Collector interface {
	Update(ctx context.Context, ch chan<- prometheus.Metric) error
}

// Factory builds a collector for a target.
type Factory func(t *Source) (Collector, error)

// Summarizer is implemented by collectors that can say in one line what they
// found (for the check command and the status page).
type Summarizer interface {
	Summary() string
}

type registration struct {
	spec    config.CollectorSpec
	factory Factory
}

var (
	registryMu sync.Mutex
	registry   = map[string]registration{}
)

// registerCollector is called from each collector file's init.
func registerCollector(spec config.CollectorSpec, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[spec.Name]; dup {
		panic("collector registered twice: " + spec.Name)
	}
	registry[spec.Name] = registration{spec: spec, factory: f}
}

// Catalog lists every registered collector, for the configuration checker.
func Catalog() config.Catalog {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make(config.Catalog, 0, len(registry))
	for _, r := range registry {
		out = append(out, r.spec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Source is one target's API as a collector sees it: the target's
// configuration, its API client and its logger.
type Source struct {
	Config *config.Target
	Client *api.Client
	Logger log.Logger
}

// Name is the value of the target label.
func (t *Source) Name() string { return t.Config.Name }

// enterprisePath builds /enterprises/{slug}/rest, escaping the slug.
func (t *Source) enterprisePath(rest string) string {
	return "/enterprises/" + url.PathEscape(t.Config.Enterprise) + "/" + strings.TrimLeft(rest, "/")
}

// cacheNote ends every data metric's HELP text: values come from a cache.
const cacheNote = " Values may be up to the target's refresh_interval old."

// newDesc builds a data metric's descriptor. Every data metric carries the
// target label first.
func newDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help+cacheNote, append([]string{"target"}, labels...), nil)
}

// gauge builds a const gauge; labels follow the target.
func gauge(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

// counter builds a const counter, for cumulative figures the API reports.
func counter(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
}

// sendNumber sends a gauge only when the API gave a usable number: a missing
// or worded value ("unlimited") is left out rather than exported as 0.
func sendNumber(ch chan<- prometheus.Metric, d *prometheus.Desc, n api.Number, labels ...string) {
	if n.Valid {
		ch <- gauge(d, n.Value, labels...)
	}
}

// label turns an API string into a label value: trimmed, and "unknown" when
// empty, so that a missing field never yields an empty label.
func label(s api.String) string {
	if v := strings.TrimSpace(string(s)); v != "" {
		return v
	}
	return "unknown"
}

// lowerLabel is label, lower-cased, for values whose case the API varies
// (operating systems, states, plans).
func lowerLabel(s api.String) string { return strings.ToLower(label(s)) }

// wrap adds the collector's context to an error.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// summaryHolder gives a collector the Summarizer method; Update sets it.
type summaryHolder struct {
	mu      sync.Mutex
	summary string
}

func (h *summaryHolder) setSummary(format string, args ...any) {
	h.mu.Lock()
	h.summary = fmt.Sprintf(format, args...)
	h.mu.Unlock()
}

// Summary implements Summarizer.
func (h *summaryHolder) Summary() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.summary
}
