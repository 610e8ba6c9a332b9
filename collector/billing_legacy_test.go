package collector

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

var legacyCollectors = []string{"billing_actions", "billing_packages", "billing_shared_storage"}

func TestLegacyBillingGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	for _, name := range legacyCollectors {
		t.Run(name, func(t *testing.T) {
			assertGolden(t, newCollector(t, name, fixtureTarget(url)), name)
		})
	}
}

func TestLegacyBillingOffByDefault(t *testing.T) {
	enabled := Catalog().Enabled(&config.Target{Type: config.TypeGitHub, Enterprise: "e"})
	for _, name := range legacyCollectors {
		for _, e := range enabled {
			if e == name {
				t.Errorf("%s is on by default; the endpoints are retired", name)
			}
		}
	}
	for _, want := range []string{"billing_usage", "ai_credits", "budgets", "advanced_security", "cost_centers", "copilot_seats"} {
		found := false
		for _, e := range enabled {
			found = found || e == want
		}
		if !found {
			t.Errorf("%s is not on by default", want)
		}
	}
}

func TestLegacyBillingGone(t *testing.T) {
	// The large enterprise is on the enhanced billing platform: GitHub
	// answers 410 on the legacy paths.
	_, url := startSim(t, simulator.Options{})
	for _, name := range legacyCollectors {
		c := newCollector(t, name, &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
		metrics, err := runUpdate(t, c)
		if !api.IsKind(err, api.KindGone) {
			t.Fatalf("%s: err = %v, want 410 Gone", name, err)
		}
		for _, want := range []string{"retired this legacy billing endpoint on 2025-09-25", "billing_usage collector carries the same data", "remove " + name, "This endpoint has been moved."} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", name, err, want)
			}
		}
		if len(metrics) != 0 {
			t.Errorf("%s sent %d metrics on 410", name, len(metrics))
		}
	}
}

func parseLegacy(t *testing.T, p legacyParser, body string) map[string]float64 {
	t.Helper()
	var err error
	metrics := drain(func(ch chan<- prometheus.Metric) { _, err = p(decodeFrom([]byte(body)), "t", ch) })
	if err != nil {
		t.Fatal(err)
	}
	return values(t, metrics)
}

func TestLegacyBillingFractional(t *testing.T) {
	// Real answers are not whole: minutes, gigabytes and days come as
	// floats, sometimes as strings; breakdown keys vary in case.
	got := parseLegacy(t, parseLegacyActions, `{"total_minutes_used": 305.5, "total_paid_minutes_used": "0.25",
	  "included_minutes": 3000, "minutes_used_breakdown": {"UBUNTU": 205.5, "ubuntu": 1, "MACOS": "10", "WINDOWS": null, "UBUNTU_4_CORE": 0.5}}`)
	want := map[string]float64{
		`github_enterprise_actions_used_seconds{target="t"}`:                       18330,
		`github_enterprise_actions_paid_used_seconds{target="t"}`:                  15,
		`github_enterprise_actions_included_seconds{target="t"}`:                   180000,
		`github_enterprise_actions_os_used_seconds{os="ubuntu",target="t"}`:        12390,
		`github_enterprise_actions_os_used_seconds{os="macos",target="t"}`:         600,
		`github_enterprise_actions_os_used_seconds{os="ubuntu_4_core",target="t"}`: 30,
	}
	compare(t, got, want)

	got = parseLegacy(t, parseLegacyPackages, `{"total_gigabytes_bandwidth_used": 0.5, "total_paid_gigabytes_bandwidth_used": "1.25", "included_gigabytes_bandwidth": null}`)
	compare(t, got, map[string]float64{
		`github_enterprise_packages_bandwidth_used_bytes{target="t"}`:      536870912,
		`github_enterprise_packages_bandwidth_paid_used_bytes{target="t"}`: 1342177280,
	})

	got = parseLegacy(t, parseLegacySharedStorage, `{"days_left_in_billing_cycle": 0.5, "estimated_paid_storage_for_month": 1.5, "estimated_storage_for_month": "unlimited"}`)
	compare(t, got, map[string]float64{
		`github_enterprise_billing_cycle_remaining_seconds{target="t"}`:     43200,
		`github_enterprise_shared_storage_estimated_paid_bytes{target="t"}`: 1610612736,
	})
}

func TestLegacyBillingOddBreakdown(t *testing.T) {
	got := parseLegacy(t, parseLegacyActions, `{"total_minutes_used": 1, "minutes_used_breakdown": ["UBUNTU"]}`)
	compare(t, got, map[string]float64{`github_enterprise_actions_used_seconds{target="t"}`: 60})
}

// compare checks that got holds exactly the series of want.
func compare(t *testing.T, got, want map[string]float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("series = %v, want %v", got, want)
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !near(g, v) {
			t.Errorf("%s = %v, want %v", k, g, v)
		}
	}
}

func FuzzLegacyBilling(f *testing.F) {
	for _, name := range []string{"ghec-legacy-billing-actions.json", "ghec-legacy-billing-packages.json", "ghec-legacy-billing-shared-storage.json"} {
		f.Add(simulator.Fixture(name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range []legacyParser{parseLegacyActions, parseLegacyPackages, parseLegacySharedStorage} {
			drain(func(ch chan<- prometheus.Metric) { _, _ = p(decodeFrom(b), "t", ch) })
		}
	})
}
