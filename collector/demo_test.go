package collector

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestDemoConfigTargets checks that every target of the --demo
// configuration loads and that each of its collectors succeeds against the
// simulator: Enterprise Cloud, an organization outside any enterprise,
// Enterprise Server (under /api/v3), a GitLab instance and a GitLab.com group.
func TestDemoConfigTargets(t *testing.T) {
	_, url := startSim(t, simulator.Options{LargeUsers: 500})
	cfg, err := config.Parse([]byte(simulator.DemoConfig(url, tokenFile(t))), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{})
	t.Cleanup(e.Close)
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(e.Scrape(context.Background())); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"octo-server/server_license": false, "octo-server/admin_stats": false, "octo-server/runners": false,
		"gitlab/gitlab_license": false, "octo-corp/runners": false, "large-corp/runners": false,
		"gitlab-group/gitlab_subscription": false, "gitlab-group/gitlab_add_ons": false,
		"github-org/org_seats": false, "github-org/org_copilot": false, "github-org/copilot_seats": false,
		"github-org/billing_usage": false, "github-org/ai_credits": false, "github-org/budgets": false,
	}
	for _, mf := range mfs {
		if mf.GetName() != "license_exporter_collector_success" {
			continue
		}
		for _, m := range mf.GetMetric() {
			var target, coll string
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "target":
					target = l.GetValue()
				case "collector":
					coll = l.GetValue()
				}
			}
			if m.GetGauge().GetValue() != 1 {
				t.Errorf("%s/%s failed", target, coll)
			}
			if _, ok := want[target+"/"+coll]; ok {
				want[target+"/"+coll] = true
			}
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("%s did not run in the demo", k)
		}
	}
}

// undeclared sends a metric that no spec declares.
type undeclared struct{}

var undeclaredDesc = prometheus.NewDesc("license_exporter_test_undeclared", "Declared by no spec.", []string{"target"}, nil)

func (undeclared) Update(_ context.Context, ch chan<- prometheus.Metric) error {
	ch <- prometheus.MustNewConstMetric(undeclaredDesc, prometheus.GaugeValue, 1, "t")
	return nil
}

// TestScrapeIsChecked: the scrape describes what the specs declare, so the
// pedantic registry of the tests refuses a metric no spec declared.
func TestScrapeIsChecked(t *testing.T) {
	registerCollector(&Spec{CollectorSpec: config.CollectorSpec{Name: "test_undeclared", Types: []string{config.TypeGitHub}}},
		func(*Source) (Collector, error) { return undeclared{}, nil })
	t.Cleanup(func() {
		registryMu.Lock()
		delete(registry, "test_undeclared")
		registryMu.Unlock()
	})
	_, url := startSim(t, simulator.Options{})
	e := newTestExporter(t, `
targets:
  - {name: t, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [test_undeclared, license_sync_status]}
`, url, tokenFile(t))
	e.RefreshAll(context.Background())
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(e.Scrape(context.Background())); err != nil {
		t.Fatal(err)
	}
	_, err := reg.Gather()
	if err == nil || !strings.Contains(err.Error(), "license_exporter_test_undeclared") {
		t.Fatalf("gather = %v, want an error naming the undeclared metric", err)
	}
}
