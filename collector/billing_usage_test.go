package collector

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// fixedClock is 2025-03-31 23:30 in UTC, the last half hour of March, but
// already April east of UTC: the month asked for must be March.
var fixedClock = time.Date(2025, 4, 1, 1, 30, 0, 0, time.FixedZone("CEST", 2*3600))

func usageCollector(t *testing.T, base string, now *time.Time) *billingUsageCollector {
	t.Helper()
	c := newCollector(t, "billing_usage", fixtureTarget(base)).(*billingUsageCollector)
	c.now = func() time.Time { return *now }
	return c
}

func TestBillingUsageGolden(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	lastQuery := serveFixture(sim, "/enterprises/octo-corp/settings/billing/usage/summary", "ghec-billing-usage-summary.json")
	now := fixedClock
	assertGolden(t, usageCollector(t, base, &now), "billing_usage")
	if query := lastQuery(); query.Get("year") != "2025" || query.Get("month") != "3" {
		t.Errorf("query = %v, want year=2025 month=3 (the current month in UTC)", query)
	}
}

func TestBillingUsageFallsBackToDetailedReport(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	const summary, detailed = "/enterprises/octo-corp/settings/billing/usage/summary", "/enterprises/octo-corp/settings/billing/usage"
	notFound := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"Not Found"}`))
	}
	sim.SetFault(summary, notFound)
	now := fixedClock
	c := usageCollector(t, url, &now)

	// One or two 404s are transient: the refresh fails (the last good data
	// stays) and the source does not change.
	for i := range summaryMisses - 1 {
		if _, err := runUpdate(t, c); !api.IsKind(err, api.KindNotFound) || sim.Hits(detailed) != 0 {
			t.Fatalf("404 number %d: err %v, %d requests to the detailed report", i+1, err, sim.Hits(detailed))
		}
	}
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	// The detailed report covers only usage without a cost center: its
	// series say so by their source, and so does the summary line.
	assertGoldenMetrics(t, metrics, "billing_usage_detailed")
	for k := range values(t, metrics) {
		if !strings.Contains(k, `source="detailed"`) {
			t.Errorf("%s: want source=\"detailed\"", k)
		}
	}
	if got := c.Summary(); !strings.Contains(got, "from the detailed report (usage without a cost center only") {
		t.Errorf("summary line = %q", got)
	}
	steps := []struct {
		after             time.Duration
		fixed             bool
		summary, detailed int
	}{
		{time.Hour, false, 3, 2},     // remembers: no fourth 404
		{7 * time.Hour, false, 4, 3}, // asks the summary again now and then; still 404: straight to the report
		{8 * time.Hour, true, 4, 4},  // healed, but not asked before 6 h more
		{14 * time.Hour, true, 5, 4}, // asked again: back to the summary
		{15 * time.Hour, true, 6, 4},
	}
	for _, s := range steps {
		if s.fixed {
			sim.SetFault(summary, nil)
		}
		now = fixedClock.Add(s.after)
		if _, err := runUpdate(t, c); err != nil {
			t.Fatalf("+%s: %v", s.after, err)
		}
		if got, want := [2]int{sim.Hits(summary), sim.Hits(detailed)}, [2]int{s.summary, s.detailed}; got != want {
			t.Errorf("+%s: hits summary/detailed = %v, want %v", s.after, got, want)
		}
	}
	if got := c.Summary(); got != "2025-04: 1 product/SKU, $8.00 net, from the usage summary" {
		t.Errorf("summary line = %q", got)
	}
}

func TestBillingUsageBothMissing(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	c := newCollector(t, "billing_usage", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: "nobody"})
	_, err := runUpdate(t, c)
	if !api.IsKind(err, api.KindNotFound) {
		t.Fatalf("err = %v, want not found", err)
	}
	// Both failed: the next refresh asks the summary again (a fixed role or
	// slug must show at once, not after the fallback's 6 hours).
	if !c.(*billingUsageCollector).detailedFrom.IsZero() {
		t.Error("a failed fallback must not pin the detailed report")
	}
}

func TestBillingUsageForbiddenSaysWhatIsMissing(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/enterprises/octo-corp/settings/billing/", simulator.JSONFault(http.StatusForbidden, `{"message":"Must have admin rights"}`,
		"X-Accepted-OAuth-Scopes", "manage_billing:enterprise", "X-OAuth-Scopes", "read:org"))
	now := fixedClock
	_, err := runUpdate(t, usageCollector(t, url, &now))
	if !api.IsKind(err, api.KindPermission) {
		t.Fatalf("err = %v, want forbidden", err)
	}
	// The error keeps GitHub's headers; the fix adds what the spec needs.
	fix := Explain(err, billingUsageSpec, &config.Target{Type: config.TypeGitHub, Enterprise: "octo-corp"})
	for _, want := range []string{"accepts manage_billing:enterprise (the token has: read:org)", "billing manager", "classic token needs the scope `manage_billing:enterprise`", "read access to enterprise billing"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix %q does not say %q", fix, want)
		}
	}
}

func TestUsageTotalsLargeEnterprise(t *testing.T) {
	_, url := startSim(t, simulator.Options{LargeUsers: 1000})
	c := newCollector(t, "billing_usage", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	if v := got[`github_enterprise_billing_usage_quantity{product="Actions",sku="actions_linux",source="summary",target="test",unit_type="minutes"}`]; v != 12500 {
		t.Errorf("linux minutes = %v, want 12500", v)
	}
	if v := got[`github_enterprise_billing_usage_net_amount_dollars{product="Copilot",sku="copilot_for_business",source="summary",target="test"}`]; v != 4750 {
		t.Errorf("copilot net = %v, want 4750", v)
	}
}

func TestUsageTotalsOddValues(t *testing.T) {
	// Strings for numbers, nulls, a missing product, the detailed shape's
	// quantity beside a null grossQuantity, and a word for a number.
	body := `{"usageItems": [
	  {"product": "Actions", "sku": "actions_linux", "unitType": "minutes", "grossQuantity": "10.5", "grossAmount": 0.084, "discountAmount": null, "netAmount": "0.084"},
	  {"product": "Actions", "sku": "actions_linux", "unitType": "minutes", "grossQuantity": null, "quantity": 2.25, "grossAmount": 0.018, "netAmount": 0.018},
	  {"product": null, "sku": "", "unitType": null, "grossQuantity": "unlimited", "grossAmount": true, "netAmount": {"x": 1}},
	  {"new_field": [1, 2]},
	  "a line that is not an object", 12, null
	], "timePeriod": null}`
	var r usageReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	u := newUsageTotals()
	u.add(&r)
	got := values(t, drain(func(ch chan<- prometheus.Metric) { u.collect("t", sourceSummary, ch) }))
	want := map[string]float64{
		`github_enterprise_billing_usage_quantity{product="Actions",sku="actions_linux",source="summary",target="t",unit_type="minutes"}`: 12.75,
		`github_enterprise_billing_usage_gross_amount_dollars{product="Actions",sku="actions_linux",source="summary",target="t"}`:         0.102,
		`github_enterprise_billing_usage_net_amount_dollars{product="Actions",sku="actions_linux",source="summary",target="t"}`:           0.102,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !near(g, v) {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
	// Nothing valid was said about the unknown product's amounts or the
	// Actions discount: those series are left out, not exported as 0.
	if len(got) != len(want) {
		t.Errorf("series = %v, want only %v", got, want)
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func FuzzUsageReport(f *testing.F) {
	for _, name := range []string{"ghec-billing-usage-summary.json", "ghec-billing-usage.json", "ghec-billing-premium-request-usage.json", "ghec-billing-ai-credit-usage.json"} {
		f.Add(simulator.Fixture(name))
	}
	f.Add([]byte(`{"usageItems": [{"grossQuantity": "1e400", "model": 7}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r usageReport
		if json.Unmarshal(b, &r) != nil {
			return
		}
		u, p := newUsageTotals(), newPremiumTotals()
		u.add(&r)
		p.add(&r)
		drain(func(ch chan<- prometheus.Metric) {
			u.collect("t", sourceSummary, ch)
			p.collect("t", ch)
		})
	})
}

// TestUsageSKUsOneForm: the summary's and the detailed report's names of a
// SKU give one series.
func TestUsageSKUsOneForm(t *testing.T) {
	for _, in := range []string{"actions_linux", "Actions Linux", " ACTIONS-LINUX ", "actions__linux"} {
		if got := skuLabel(api.String(in)); got != "actions_linux" {
			t.Errorf("%q → %q", in, got)
		}
	}
	if got := skuLabel(""); got != "unknown" {
		t.Errorf("empty → %q", got)
	}
}

// TestSumRounded: dollar sums are exported without float noise, keeping
// fractions of a cent.
func TestSumRounded(t *testing.T) {
	for want, parts := range map[float64][]float64{240: {8.11, 231.79, 0.1}, 0.3: {0.1, 0.2}, 0.024: {0.008, 0.008, 0.008}} {
		var s sum
		for _, v := range parts {
			s.add(api.Number{Value: v, Valid: true})
		}
		if got := s.rounded(); got.value != want || !got.valid {
			t.Errorf("%v: rounded = %v (raw %v), want %v", parts, got.value, s.value, want)
		}
	}
}

// When the summary answers 404 and the detailed report fails otherwise, the
// error keeps both causes: the 403 that needs fixing and the 404.
func TestBillingUsageKeepsBothErrors(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/enterprises/octo-corp/settings/billing/usage/summary", simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
	sim.SetFault("/enterprises/octo-corp/settings/billing/usage", simulator.JSONFault(http.StatusForbidden, `{"message":"Must have admin rights"}`))
	c := newCollector(t, "billing_usage", fixtureTarget(url))
	c.(*billingUsageCollector).misses = summaryMisses // the fallback is due
	_, err := runUpdate(t, c)
	if !api.IsKind(err, api.KindPermission) {
		t.Errorf("err = %v, want it classified by the detailed report's 403", err)
	}
	var kinds []api.Kind
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range u.Unwrap() {
			if a, ok := api.AsError(e); ok {
				kinds = append(kinds, a.Kind)
			}
		}
	}
	if !slices.Equal(kinds, []api.Kind{api.KindPermission, api.KindNotFound}) {
		t.Errorf("err = %v wraps kinds %v, want the 403 and the 404", err, kinds)
	}
}
