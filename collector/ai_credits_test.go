package collector

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func aiCreditsCollectorAt(t *testing.T, tc *config.Target, now time.Time) *aiCreditsCollector {
	t.Helper()
	c := newCollector(t, "ai_credits", tc).(*aiCreditsCollector)
	c.now = func() time.Time { return now }
	return c
}

func TestAICreditsGolden(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	lastQuery := serveFixture(sim, "/enterprises/octo-corp/settings/billing/ai_credit/usage", "ghec-billing-ai-credit-usage.json")
	c := aiCreditsCollectorAt(t, fixtureTarget(base), fixedClock)
	assertGolden(t, c, "ai_credits")
	if query := lastQuery(); query.Get("year") != "2025" || query.Get("month") != "3" {
		t.Errorf("query = %v, want year=2025 month=3 (the current month in UTC)", query)
	}
	if got := c.Summary(); got != "100 AI credits over 1 product/model this month, $1.00 net" {
		t.Errorf("summary = %q", got)
	}
}

func TestAICreditsLargeEnterprise(t *testing.T) {
	// 10 June: three quarters of the pool used, all of it included.
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	_, base := startSim(t, simulator.Options{LargeUsers: 1000, Now: func() time.Time { return now }})
	c := aiCreditsCollectorAt(t, &config.Target{Type: config.TypeGitHub, APIURL: base, Enterprise: simulator.LargeEnterprise}, now)
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	const k = `{model="GPT-5",product="Copilot",sku="Copilot AI Credits",target="test"}`
	for name, want := range map[string]float64{
		"github_enterprise_ai_credits":                    simulator.LargeAIPool(1000) * 0.75 * 600 / 2000,
		"github_enterprise_ai_credits_included":           simulator.LargeAIPool(1000) * 0.75 * 600 / 2000,
		"github_enterprise_ai_credits_net_amount_dollars": 0,
	} {
		if !near(got[name+k], want) {
			t.Errorf("%s = %v, want %v", name+k, got[name+k], want)
		}
	}
}

// A 404 (an enterprise not on usage-based Copilot billing) leaves the
// metrics out without failing the refresh; a 500 still fails it.
func TestAICreditsNotFoundIsNoData(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	const path = "/enterprises/octo-corp/settings/billing/ai_credit/usage"
	sim.SetFault(path, simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
	c := aiCreditsCollectorAt(t, fixtureTarget(base), fixedClock)
	for i := 0; i < 2; i++ {
		metrics, err := runUpdate(t, c)
		if err != nil || len(metrics) != 0 {
			t.Fatalf("refresh %d: err = %v, %d metrics; want no error and none", i, err, len(metrics))
		}
	}
	if !c.absent.once.Said("404") || !c.Absent() {
		t.Errorf("said = %v, summary = %q", c.absent.once.Said("404"), c.Summary())
	}
	sim.SetFault(path, simulator.JSONFault(http.StatusInternalServerError, `{"message":"boom"}`))
	if _, err := runUpdate(t, c); !api.IsKind(err, api.KindServer) {
		t.Errorf("err = %v, want a server error", err)
	}
	if c.absent.once.Said("404") {
		t.Error("another outcome must re-arm the 404 message")
	}
}

func TestAICreditsOddValues(t *testing.T) {
	// Strings for numbers, a null model, quantity instead of grossQuantity,
	// the same model on two lines, a word and an object for numbers.
	body := `{"usageItems": [
	  {"product": "Copilot", "sku": "Copilot AI Credits", "model": "GPT-5", "grossQuantity": "10.5", "discountQuantity": 10, "netAmount": "0.005"},
	  {"product": "Copilot", "sku": "Copilot AI Credits", "model": "GPT-5", "grossQuantity": null, "quantity": 4.5, "discountQuantity": null, "netAmount": 0.045},
	  {"product": "Copilot", "sku": "Copilot AI Credits", "model": null, "grossQuantity": 3, "discountQuantity": "unlimited", "netAmount": {"x": 1}},
	  {"product": "Spark", "sku": "new_sku", "model": "o9", "unitType": "tokens", "grossQuantity": true},
	  "a line that is not an object", 12, null, [1]
	], "timePeriod": null}`
	var r usageReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	a := aiCreditTotals{}
	a.add(&r)
	got := sent(t, func(ch chan<- prometheus.Metric) { a.collect("t", ch) })
	want := map[string]float64{
		`github_enterprise_ai_credits{model="GPT-5",product="Copilot",sku="Copilot AI Credits",target="t"}`:                    15,
		`github_enterprise_ai_credits_included{model="GPT-5",product="Copilot",sku="Copilot AI Credits",target="t"}`:           10,
		`github_enterprise_ai_credits_net_amount_dollars{model="GPT-5",product="Copilot",sku="Copilot AI Credits",target="t"}`: 0.05,
		`github_enterprise_ai_credits{model="unknown",product="Copilot",sku="Copilot AI Credits",target="t"}`:                  3,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !near(g, v) {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
	// Nothing valid was said of the unknown model's included credits and net
	// amount, nor of anything of the Spark line: those are left out, not 0.
	if len(got) != len(want) {
		t.Errorf("series = %v, want only %v", got, want)
	}
}

func FuzzAICredits(f *testing.F) {
	f.Add(simulator.Fixture("ghec-billing-ai-credit-usage.json"))
	f.Add([]byte(`{"usageItems": [{"grossQuantity": "1e400", "model": 7, "discountQuantity": "NaN"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r usageReport
		if json.Unmarshal(b, &r) != nil {
			return
		}
		a := aiCreditTotals{}
		a.add(&r)
		drain(func(ch chan<- prometheus.Metric) { a.collect("t", ch) })
	})
}

// TestAICreditsBilledIsNetQuantity: real reports carry discountQuantity
// above grossQuantity; what is billed is netQuantity, never negative.
func TestAICreditsBilledIsNetQuantity(t *testing.T) {
	body := `{"usageItems": [
	  {"product": "Copilot", "sku": "Copilot AI Credits", "model": "GPT-5", "grossQuantity": 90, "discountQuantity": 100, "netQuantity": 0, "netAmount": 0},
	  {"product": "Copilot", "sku": "Copilot AI Credits", "model": "GPT-5", "grossQuantity": 30, "discountQuantity": 10, "netQuantity": 20, "netAmount": 0.2}
	]}`
	var r usageReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatal(err)
	}
	a := aiCreditTotals{}
	a.add(&r)
	got := sent(t, func(ch chan<- prometheus.Metric) { a.collect("t", ch) })
	k := `github_enterprise_ai_credits_billed{model="GPT-5",product="Copilot",sku="Copilot AI Credits",target="t"}`
	if v, ok := got[k]; !ok || v != 20 {
		t.Errorf("%s = %v (present %v), want 20 (gross - included would say 10)", k, v, ok)
	}
}
