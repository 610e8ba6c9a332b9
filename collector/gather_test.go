package collector

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestHandlerAsRegistry: /metrics, built without a registry per scrape,
// serves byte for byte what a pedantic registry holding the scrape and the
// other gatherer would: the same families, order, series and values.
func TestHandlerAsRegistry(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	e := newTestExporter(t, `
targets:
  - {name: good, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s}
  - {name: wrong-slug, type: github, api_url: %[1]s, enterprise: no-such-corp, token_file: %[2]s, collectors: [consumed_licenses]}
`, url, tokenFile(t))
	e.RefreshAll(context.Background())
	other := prometheus.NewPedanticRegistry()
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "aaa_other", Help: "Served beside."}, []string{"b", "a"})
	g.WithLabelValues("2", "1").Set(1)
	g.WithLabelValues("1", "2").Set(2)
	other.MustRegister(g)

	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(e.Scrape(context.Background()))
	mfs, err := prometheus.Gatherers{reg, other}.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := expfmt.NewEncoder(&want, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	w := httptest.NewRecorder()
	e.Handler(HandlerOptions{Gatherer: other}).ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if got := w.Body.String(); got != want.String() {
		t.Errorf("the handler serves\n%s\nwhere a registry serves\n%s", got, want.String())
	}
	if n := strings.Count(want.String(), "\n# TYPE "); n < 20 {
		t.Errorf("only %d families: the comparison says little", n)
	}
}

// TestFamiliesRefuse: what a registry would refuse is left out, and said.
func TestFamiliesRefuse(t *testing.T) {
	ch := make(chan prometheus.Metric, 8)
	ch <- sample(successDesc, 1, "t", "b")
	ch <- sample(successDesc, 1, "t", "a")
	ch <- sample(successDesc, 0, "t", "a") // the same series again
	ch <- prometheus.MustNewConstMetric(undeclaredDesc, prometheus.GaugeValue, 1, "t")
	close(ch)
	mfs, err := families(ch)
	if err == nil || !strings.Contains(err.Error(), "license_exporter_test_undeclared") || !strings.Contains(err.Error(), "collected twice") {
		t.Errorf("err = %v, want the undeclared metric and the duplicate named", err)
	}
	if len(mfs) != 1 || len(mfs[0].Metric) != 2 || mfs[0].Metric[0].Label[0].GetValue() != "a" || mfs[0].Metric[0].GetGauge().GetValue() != 1 {
		t.Errorf("families = %v, want the two series of license_exporter_collector_success, a (first seen) before b", mfs)
	}
}
