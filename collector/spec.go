package collector

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
)

// Spec is everything the exporter knows of one collector, declared once in
// the collector's file: the targets it serves, what its credential needs and
// the metrics it exports. Describe, the hints of check and the status page,
// the README's tables and the dashboards' and rules' tests derive from it.
type Spec struct {
	config.CollectorSpec
	// Needs is what the token (or GitHub App) must have.
	Needs Needs
	// Endpoint is the API path the collector reads, for the docs.
	Endpoint string
	// ReplacedBy names the collector that carries this one's data once the
	// vendor retires its endpoint (410 Gone).
	ReplacedBy string
	// Org is set where the collector serves github_org targets too (org.go).
	Org *OrgVariant

	metrics  []*Metric
	orgTwins map[*prometheus.Desc]*Metric // github_enterprise_ metric → github_org_ twin
}

// Needs is what a collector's credential must have, as the vendor documents
// it for the collector's endpoints (GitHub: the OpenAPI description's
// operation text and x-github.enabledForGitHubApps; GitLab: the API docs).
type Needs struct {
	// Role is who the token's user must be.
	Role string
	// Scopes are the scopes a classic personal access token (GitHub) or a
	// personal access token (GitLab) needs.
	Scopes string
	// Permission is what a fine-grained token or a GitHub App needs; empty
	// when GitHub says they cannot call the endpoint.
	Permission string
	// Unconfirmed is a fine-grained permission that one of GitHub's sources
	// documents while another says only classic tokens work: the hint names
	// it as such, and the classic token stays the requirement.
	Unconfirmed string
}

// Fix is the one-line advice for a 401/403/404: who and which scopes, and
// what a fine-grained token or GitHub App needs.
func (n Needs) Fix() string {
	var parts []string
	if n.Role != "" {
		parts = append(parts, "the token's user must be "+n.Role)
	}
	if n.Scopes != "" {
		parts = append(parts, "a classic token needs the scope "+n.Scopes)
	}
	switch {
	case n.Permission != "":
		parts = append(parts, "a fine-grained token or GitHub App needs "+n.Permission)
	case n.Unconfirmed != "":
		parts = append(parts, "a fine-grained token with "+n.Unconfirmed+" is documented but unconfirmed (GitHub's pages disagree), and GitHub Apps cannot call this endpoint: use a classic token")
	case n.Role != "" || n.Scopes != "":
		parts = append(parts, "fine-grained tokens and GitHub Apps cannot call this endpoint")
	}
	return strings.Join(parts, "; ")
}

// Metric is one metric a collector (or the exporter itself) serves: its
// descriptor and what the docs say of it. Data metrics carry the target
// label first.
type Metric struct {
	Name   string
	Help   string
	Kind   string   // gauge, counter or histogram, as the exposition format writes it
	Labels []string // every variable label, target included

	vt   prometheus.ValueType
	desc *prometheus.Desc // nil for metrics registered elsewhere
}

// Desc is the metric's descriptor.
func (m *Metric) Desc() *prometheus.Desc { return m.desc }

// cacheNote ends every data metric's HELP text: values come from a cache.
const cacheNote = " Values may be up to the target's refresh_interval old."

func newMetric(t prometheus.ValueType, name, help string, labels []string) *Metric {
	kind := "gauge"
	if t == prometheus.CounterValue {
		kind = "counter"
	}
	return &Metric{Name: name, Help: help, Kind: kind, Labels: labels, vt: t,
		desc: prometheus.NewDesc(name, help, labels, nil)}
}

// gauge adds a data metric to the spec; labels follow the target.
func (s *Spec) gauge(name, help string, labels ...string) *Metric {
	return s.add(prometheus.GaugeValue, name, help, labels)
}

// counter adds a data metric for a cumulative figure the API reports.
func (s *Spec) counter(name, help string, labels ...string) *Metric {
	return s.add(prometheus.CounterValue, name, help, labels)
}

// histogram adds a data metric sent as a const histogram.
func (s *Spec) histogram(name, help string, labels ...string) *Metric {
	m := s.add(prometheus.UntypedValue, name, help, labels)
	m.Kind = "histogram"
	return m
}

func (s *Spec) add(t prometheus.ValueType, name, help string, labels []string) *Metric {
	m := newMetric(t, name, help+cacheNote, append([]string{"target"}, labels...))
	s.metrics = append(s.metrics, m)
	return m
}

// Metrics are the collector's metrics, in the order its file declares them.
func (s *Spec) Metrics() []*Metric { return s.metrics }

type registration struct {
	spec    *Spec
	factory Factory
}

var (
	registryMu sync.Mutex
	registry   = map[string]registration{}
)

// registerCollector is called from each collector file's init, after the
// file's package variables have added the spec's metrics.
func registerCollector(s *Spec, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[s.Name]; dup {
		panic("collector registered twice: " + s.Name)
	}
	registry[s.Name] = registration{spec: s, factory: f}
	servedIndex.Store(nil)
}

// Specs lists every registered collector's spec, by name.
func Specs() []*Spec {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make([]*Spec, 0, len(registry))
	for _, r := range registry {
		out = append(out, r.spec)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SpecOf returns the spec of a registered collector.
func SpecOf(name string) (*Spec, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	r, ok := registry[name]
	return r.spec, ok
}

// Catalog lists every registered collector, for the configuration checker.
func Catalog() config.Catalog {
	specs := Specs()
	out := make(config.Catalog, len(specs))
	for i, s := range specs {
		out[i] = s.CollectorSpec
	}
	return out
}

// Metrics lists every metric the exporter can serve: each collector's, then
// the exporter's own. A name appears once.
func Metrics() []*Metric {
	var out []*Metric
	seen := map[string]bool{}
	for _, s := range Specs() {
		for _, m := range s.metrics {
			if !seen[m.Name] {
				seen[m.Name] = true
				out = append(out, m)
			}
		}
	}
	return append(out, selfMetrics.metrics...)
}

// MetricByName finds a metric the exporter can serve, and the collector that
// serves it ("" for the exporter's own).
func MetricByName(name string) (m *Metric, collector string, ok bool) {
	for _, s := range Specs() {
		for _, m := range s.metrics {
			if m.Name == name {
				return m, s.Name, true
			}
		}
	}
	for _, m := range selfMetrics.metrics {
		if m.Name == name {
			return m, "", true
		}
	}
	return nil, "", false
}

func (s *Spec) String() string { return fmt.Sprintf("collector %s", s.Name) }
