package collector

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestPremiumRequestsGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	c := newCollector(t, "premium_requests", fixtureTarget(url)).(*premiumRequestsCollector)
	c.now = func() time.Time { return fixedClock }
	assertGolden(t, c, "premium_requests")
	if got := c.Summary(); got != "100 premium requests over 1 model this month, $4.00 net" {
		t.Errorf("summary = %q", got)
	}
}

func TestPremiumRequestsLargeEnterprise(t *testing.T) {
	_, url := startSim(t, simulator.Options{LargeUsers: 1000})
	c := newCollector(t, "premium_requests", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	if got[`github_enterprise_premium_requests{model="Gemini 2.5 Pro",target="test"}`] != 3000 ||
		!near(got[`github_enterprise_premium_requests_net_amount_dollars{model="GPT-5",target="test"}`], 80) {
		t.Errorf("values = %v", got)
	}
}

func TestPremiumTotalsOddValues(t *testing.T) {
	// The same model under two SKUs adds up; a missing model is "unknown";
	// a null netAmount leaves that series out.
	body := `{"usageItems": [
	  {"model": "GPT-5", "sku": "a", "grossQuantity": 1.5, "netAmount": "0.06"},
	  {"model": "GPT-5", "sku": "b", "grossQuantity": "2", "netAmount": 0.08},
	  {"model": null, "quantity": 3, "netAmount": null}
	]}`
	var r usageReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	p := newPremiumTotals()
	p.add(&r)
	got := values(t, drain(func(ch chan<- prometheus.Metric) { p.collect("t", ch) }))
	want := map[string]float64{
		`github_enterprise_premium_requests{model="GPT-5",target="t"}`:                    3.5,
		`github_enterprise_premium_requests_net_amount_dollars{model="GPT-5",target="t"}`: 0.14,
		`github_enterprise_premium_requests{model="unknown",target="t"}`:                  3,
	}
	for k, v := range want {
		if !near(got[k], v) {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("series = %v", got)
	}
}
