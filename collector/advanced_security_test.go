package collector

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestAdvancedSecurityGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "advanced_security", fixtureTarget(url)), "advanced_security")
}

// The large enterprise is on the standalone products: the bare call is
// refused once, then both products are read, one request each, on every
// refresh without the failing call.
func TestAdvancedSecurityStandaloneProducts(t *testing.T) {
	const users = 4000 // 200 repositories: two pages at 100, 200 at per_page=1
	sim, url := startSim(t, simulator.Options{LargeUsers: users})
	var mu sync.Mutex
	var asked []string
	inner := simulator.New(simulator.Options{LargeUsers: users}) // answers as usual
	sim.SetFault("/enterprises/large-corp/settings/billing/advanced-security", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Query().Get("advanced_security_product"))
		mu.Unlock()
		inner.ServeHTTP(w, r)
	})
	c := newCollector(t, "advanced_security", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	for i := 0; i < 3; i++ {
		metrics, err := runUpdate(t, c)
		if err != nil {
			t.Fatal(err)
		}
		got := values(t, metrics)
		committers := float64(simulator.LargeCommitters(users))
		want := map[string]float64{
			`github_enterprise_advanced_security_committers{product="code_security",target="test"}`:           committers,
			`github_enterprise_advanced_security_committers_purchased{product="code_security",target="test"}`: committers + 100,
			`github_enterprise_advanced_security_committers_maximum{product="code_security",target="test"}`:   committers + 50,
			`github_enterprise_advanced_security_repositories{product="code_security",target="test"}`:         float64(simulator.LargeRepositories(users)),
			`github_enterprise_advanced_security_committers{product="secret_protection",target="test"}`:       2 * committers,
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s = %v, want %v", k, got[k], v)
			}
		}
		if len(got) != 8 {
			t.Errorf("%d series, want 8 (4 per product)", len(got))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(asked, ","); got != ",code_security,secret_protection,code_security,secret_protection,code_security,secret_protection" {
		t.Errorf("asked %q: the bare call once, then each product once a refresh", got)
	}
}

// A plan change: the remembered products are refused, the refresh fails
// once, and the next one asks the bare call again.
func TestAdvancedSecurityPlanChange(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	c := newCollector(t, "advanced_security", fixtureTarget(url)).(*advancedSecurityCollector)
	if _, err := runUpdate(t, c); err != nil || len(c.products) != 1 || c.products[0] != ghasBundled {
		t.Fatalf("err = %v, products = %v; want the bundled plan", err, c.products)
	}
	const path = "/enterprises/octo-corp/settings/billing/advanced-security"
	sim.SetFault(path, simulator.JSONFault(http.StatusBadRequest, `{"message":"advanced_security_product is required"}`))
	if _, err := runUpdate(t, c); !api.IsKind(err, api.KindClient) || c.products != nil {
		t.Fatalf("err = %v, products = %v; want a client error and the plan forgotten", err, c.products)
	}
	sim.SetFault(path, nil)
	metrics, err := runUpdate(t, c)
	if err != nil || len(metrics) != 4 {
		t.Fatalf("err = %v, %d metrics", err, len(metrics))
	}
}

func TestAdvancedSecurityOddValues(t *testing.T) {
	body := `{"total_advanced_security_committers": "12", "purchased_advanced_security_committers": "unlimited",
	  "maximum_advanced_security_committers": null, "total_count": 3.0, "repositories": "not a list"}`
	var p advancedSecurityPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	got := values(t, drain(func(ch chan<- prometheus.Metric) { p.collect("t", ghasBundled, ch) }))
	want := map[string]float64{
		`github_enterprise_advanced_security_committers{product="advanced_security",target="t"}`:   12,
		`github_enterprise_advanced_security_repositories{product="advanced_security",target="t"}`: 3,
	}
	if len(got) != len(want) {
		t.Errorf("series = %v, want %v (unlimited and null left out)", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func FuzzAdvancedSecurity(f *testing.F) {
	f.Add(simulator.Fixture("ghec-billing-advanced-security.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p advancedSecurityPage
		if json.Unmarshal(b, &p) != nil {
			return
		}
		drain(func(ch chan<- prometheus.Metric) { p.collect("t", ghasCode, ch) })
	})
}

// The remembered plan is checked with the bare call once a day, and a
// transient failure does not make the collector forget it.
func TestAdvancedSecurityPlanReprobe(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	const path = "/enterprises/octo-corp/settings/billing/advanced-security"
	var mu sync.Mutex
	var asked []string
	standalone := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.Query().Get("advanced_security_product"))
		mu.Unlock()
		if r.URL.Query().Get("advanced_security_product") == "" {
			simulator.JSONFault(http.StatusBadRequest, `{"message":"advanced_security_product is required"}`)(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"total_advanced_security_committers": 3, "total_count": 0, "repositories": []}`))
	}
	sim.SetFault(path, standalone)
	c := newCollector(t, "advanced_security", fixtureTarget(url)).(*advancedSecurityCollector)
	now := fixedClock
	c.now = func() time.Time { return now }
	for _, step := range []time.Duration{0, time.Hour, 25 * time.Hour} {
		now = now.Add(step)
		if _, err := runUpdate(t, c); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	got := strings.Join(asked, ",")
	mu.Unlock()
	if want := ",code_security,secret_protection,code_security,secret_protection,,code_security,secret_protection"; got != want {
		t.Errorf("asked %q, want %q: the bare call at first and again after a day", got, want)
	}
	sim.SetFault(path, simulator.JSONFault(http.StatusServiceUnavailable, `{"message":"unavailable"}`))
	if _, err := runUpdate(t, c); err == nil {
		t.Fatal("want the 503 to fail the refresh")
	}
	if !slices.Equal(c.products, []string{ghasCode, ghasSecret}) {
		t.Errorf("products = %v after a 503, want the standalone plan kept", c.products)
	}
}
