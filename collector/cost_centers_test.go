package collector

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
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

func TestCostCentersSpendAndAICreditPools(t *testing.T) {
	const users = 20000
	sim, url := startSim(t, simulator.Options{LargeUsers: users})
	c := newCollector(t, "cost_centers", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	cc := func(name string, i int, extra string) string {
		return fmt.Sprintf(`%s{cost_center="Cost center %d",cost_center_id="00000000-0000-4000-8000-00000000000%d",%starget="test"}`, name, i, i, extra)
	}
	for k, want := range map[string]float64{
		// Cost center 4: 50 users at 1,900 credits, 93 % used.
		cc("github_enterprise_cost_center_ai_credits_cap", 4, ""):  95000,
		cc("github_enterprise_cost_center_ai_credits_used", 4, ""): 88350,
		// Cost center 2 has 3/20 of the enterprise's usage: Packages $240.
		cc("github_enterprise_cost_center_net_amount_dollars", 2, `product="Packages",`): 36,
		// Usage outside any cost center: a quarter of Actions' $3200.
		`github_enterprise_cost_center_net_amount_dollars{cost_center="none",cost_center_id="none",product="Actions",target="test"}`: 800,
	} {
		if v, ok := got[k]; !ok || !near(v, want) {
			t.Errorf("%s = %v (present %v), want %v", k, v, ok, want)
		}
	}
	// Cost center 0 draws from the shared pool: no cap, no used.
	for _, absent := range []string{cc("github_enterprise_cost_center_ai_credits_cap", 0, ""), cc("github_enterprise_cost_center_ai_credits_used", 0, "")} {
		if _, ok := got[absent]; ok {
			t.Errorf("%s should be absent", absent)
		}
	}
	// Five active cost centers and "none": six questions, no more.
	if n := sim.Hits("/enterprises/large-corp/settings/billing/usage/summary"); n != 6 {
		t.Errorf("usage summary requests = %d, want 6", n)
	}
}

func TestCostCentersPoolOddValues(t *testing.T) {
	body := `{"costCenters": [
	  {"id": "a", "name": "null pool", "ai_credit_pool_enabled": true, "ai_credit_pool_state": null},
	  {"id": "b", "name": "not computed", "ai_credit_pool_enabled": true, "ai_credit_pool_state": {"target_amount": null, "current_amount": null}},
	  {"id": "c", "name": "strings", "ai_credit_pool_enabled": "true", "ai_credit_pool_state": {"target_amount": "1900", "current_amount": "unlimited"}},
	  {"id": "d", "name": "gone", "state": "deleted", "ai_credit_pool_state": {"target_amount": 5, "current_amount": 1}},
	  {"id": "c", "name": "strings again", "ai_credit_pool_state": {"target_amount": 7}},
	  {"id": "none", "name": "a cost center named like usage outside any", "ai_credit_pool_state": {"target_amount": 9}},
	  {"id": "p", "name": "pending", "ai_credit_pool_enabled": true, "ai_credit_pool_state": "pending"}
	]}`
	var l costCenterList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	got := values(t, drain(func(ch chan<- prometheus.Metric) { l.collect("t", ch) }))
	var pools []string
	for k, v := range got {
		if strings.Contains(k, "ai_credits") {
			pools = append(pools, fmt.Sprintf("%s=%v", k, v))
		}
	}
	want := `github_enterprise_cost_center_ai_credits_cap{cost_center="strings",cost_center_id="c",target="t"}=1900`
	if len(pools) != 1 || pools[0] != want {
		t.Errorf("pool series = %v, want only %s", pools, want)
	}
}

func TestCostCentersOddValues(t *testing.T) {
	body := `{"costCenters": [
	  {"id": 42, "name": null, "state": null, "resources": [{"type": "USER"}, {"type": "user", "name": 7}, {"type": null}]},
	  {"id": "x", "name": "gone", "state": "Deleted", "resources": [{"type": "User"}]},
	  {"id": "y", "name": "empty", "resources": null},
	  "not a cost center", null, 7,
	  {"id": "z", "name": "odd resources", "state": "deleted", "resources": ["user", 3, null, {"type": "team"}]}
	]}`
	var l costCenterList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	if l.CostCenters.Skipped != 3 || len(l.CostCenters.Items) != 4 || l.CostCenters.Items[3].Resources.Skipped != 3 {
		t.Errorf("decoded %d cost centers, skipped %d; want 4 and 3 (and 3 odd resources skipped)", len(l.CostCenters.Items), l.CostCenters.Skipped)
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

// A cost center whose usage summary is refused is left out, named, and
// makes the refresh partial: never a silent gap, never $0.
func TestCostCentersRefusedSummaryIsPartial(t *testing.T) {
	sim, url := startSim(t, simulator.Options{LargeUsers: 2000})
	sim.SetFault("/enterprises/large-corp/settings/billing/usage/summary", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cost_center_id") == "00000000-0000-4000-8000-000000000002" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"Invalid cost center"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"usageItems": [{"product": "Actions", "sku": "actions_linux", "netAmount": 8}]}`)
	})
	c := newCollector(t, "cost_centers", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	for k := range values(t, metrics) {
		if strings.Contains(k, "net_amount_dollars") && strings.Contains(k, `cost_center="Cost center 2"`) {
			t.Errorf("%s exported for a cost center whose summary was refused", k)
		}
	}
	if s := c.(Summarizer).Summary(); !c.(Partialer).Partial() || !strings.Contains(s, "refuses Cost center 2") {
		t.Errorf("partial %v, summary %q; want partial naming Cost center 2", c.(Partialer).Partial(), s)
	}
}
