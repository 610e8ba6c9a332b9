package collector

import (
	"encoding/json"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestCostCentersGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "cost_centers", fixtureTarget(url)), "cost_centers")
}

func TestCostCentersLargeEnterprise(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	c := newCollector(t, "cost_centers", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	if got[`github_enterprise_cost_centers{target="test"}`] != 5 {
		t.Errorf("cost centers = %v, want 5 (the deleted one left out)", got[`github_enterprise_cost_centers{target="test"}`])
	}
	k := `github_enterprise_cost_center_resources{cost_center="Cost center 4",cost_center_id="00000000-0000-4000-8000-000000000004",resource_type="user",target="test"}`
	if got[k] != 50 {
		t.Errorf("%s = %v, want 50", k, got[k])
	}
}

func TestCostCentersOddValues(t *testing.T) {
	body := `{"costCenters": [
	  {"id": 42, "name": null, "state": null, "resources": [{"type": "USER"}, {"type": "user", "name": 7}, {"type": null}]},
	  {"id": "x", "name": "gone", "state": "Deleted", "resources": [{"type": "User"}]},
	  {"id": "y", "name": "empty", "resources": null}
	]}`
	var l costCenterList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	got := values(t, drain(func(ch chan<- prometheus.Metric) { l.collect("t", ch) }))
	want := map[string]float64{
		`github_enterprise_cost_center_resources{cost_center="",cost_center_id="42",resource_type="user",target="t"}`:    2,
		`github_enterprise_cost_center_resources{cost_center="",cost_center_id="42",resource_type="unknown",target="t"}`: 1,
		`github_enterprise_cost_centers{target="t"}`: 2,
	}
	if len(got) != len(want) {
		t.Errorf("series = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func FuzzCostCenters(f *testing.F) {
	f.Add(simulator.Fixture("ghec-billing-cost-centers.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var l costCenterList
		if json.Unmarshal(b, &l) != nil {
			return
		}
		drain(func(ch chan<- prometheus.Metric) { l.collect("t", ch) })
	})
}
