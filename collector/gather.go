package collector

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// served indexes every descriptor a scrape may send, built once from the
// specs (registerCollector drops it when a collector joins, as tests do).
type served struct {
	list   []*prometheus.Desc // for Describe, in the order of Metrics
	byDesc map[*prometheus.Desc]*Metric
}

var servedIndex atomic.Pointer[served]

func servedDescs() *served {
	if s := servedIndex.Load(); s != nil {
		return s
	}
	s := &served{byDesc: map[*prometheus.Desc]*Metric{}}
	for _, m := range Metrics() {
		if m.desc != nil {
			s.list = append(s.list, m.desc)
		}
	}
	for _, spec := range append(Specs(), selfMetrics) {
		for _, m := range spec.metrics {
			if m.desc != nil {
				s.byDesc[m.desc] = m
			}
		}
	}
	servedIndex.Store(s)
	return s
}

// describeAll sends every collector's descriptors once.
func describeAll(ch chan<- *prometheus.Desc) {
	for _, d := range servedDescs().list {
		ch <- d
	}
}

// families turns one scrape's metrics into metric families as a registry's
// Gather does (families by name, each family's series by label values),
// without building a registry and re-describing every metric per scrape.
// What a registry would refuse is left out and reported: a metric whose
// descriptor no spec declares, one whose type or help differs from its
// family's, and a second series with the same labels.
func families(metrics <-chan prometheus.Metric) ([]*dto.MetricFamily, error) {
	idx := servedDescs()
	byName := map[string]*dto.MetricFamily{}
	var errs prometheus.MultiError
	for m := range metrics {
		spec, ok := idx.byDesc[m.Desc()]
		if !ok {
			errs.Append(fmt.Errorf("collected metric with a descriptor no spec declares: %s", m.Desc()))
			continue
		}
		pb := &dto.Metric{}
		if err := m.Write(pb); err != nil {
			errs.Append(fmt.Errorf("%s: %w", spec.Name, err))
			continue
		}
		t := typeOf(pb)
		mf := byName[spec.Name]
		if mf == nil {
			mf = &dto.MetricFamily{Name: &spec.Name, Help: &spec.Help, Type: &t}
			byName[spec.Name] = mf
		} else if mf.GetType() != t || mf.GetHelp() != spec.Help {
			errs.Append(fmt.Errorf("%s: a series of another type or help than its family's", spec.Name))
			continue
		}
		mf.Metric = append(mf.Metric, pb)
	}
	out := make([]*dto.MetricFamily, 0, len(byName))
	for _, mf := range byName {
		slices.SortStableFunc(mf.Metric, compareLabels)
		mf.Metric = slices.CompactFunc(mf.Metric, func(a, b *dto.Metric) bool {
			if compareLabels(a, b) != 0 {
				return false
			}
			errs.Append(fmt.Errorf("%s: a series collected twice with the same labels", mf.GetName()))
			return true
		})
		out = append(out, mf)
	}
	slices.SortFunc(out, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out, errs.MaybeUnwrap()
}

// compareLabels orders series by their label values, as client_golang does
// (a series' labels are sorted by name, and a family's share their names).
func compareLabels(a, b *dto.Metric) int {
	if len(a.Label) != len(b.Label) {
		return len(a.Label) - len(b.Label)
	}
	for i, l := range a.Label {
		if c := strings.Compare(l.GetValue(), b.Label[i].GetValue()); c != 0 {
			return c
		}
	}
	return 0
}

func typeOf(m *dto.Metric) dto.MetricType {
	switch {
	case m.Gauge != nil:
		return dto.MetricType_GAUGE
	case m.Counter != nil:
		return dto.MetricType_COUNTER
	case m.Histogram != nil:
		return dto.MetricType_HISTOGRAM
	case m.Summary != nil:
		return dto.MetricType_SUMMARY
	}
	return dto.MetricType_UNTYPED
}

// mergeFamilies puts the exporter's families beside another gatherer's,
// sorted by name; where both have a family of one name it leaves the merge
// (and its consistency checks) to client_golang's Gatherers.
func mergeFamilies(ours, theirs []*dto.MetricFamily) ([]*dto.MetricFamily, error) {
	out := make([]*dto.MetricFamily, 0, len(ours)+len(theirs))
	out = append(append(out, ours...), theirs...)
	slices.SortFunc(out, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	for i := 1; i < len(out); i++ {
		if out[i].GetName() == out[i-1].GetName() {
			return prometheus.Gatherers{fixed(ours), fixed(theirs)}.Gather()
		}
	}
	return out, nil
}

type fixed []*dto.MetricFamily

func (f fixed) Gather() ([]*dto.MetricFamily, error) { return f, nil }
