package collector

import (
	"encoding/json"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestAdvancedSecurityGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "advanced_security", fixtureTarget(url)), "advanced_security")
}

func TestAdvancedSecurityReadsOnePage(t *testing.T) {
	const users = 4000 // 200 repositories: two pages at 100, 200 at per_page=1
	sim, url := startSim(t, simulator.Options{LargeUsers: users})
	c := newCollector(t, "advanced_security", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	committers := float64(simulator.LargeCommitters(users))
	want := map[string]float64{
		`github_enterprise_advanced_security_committers{target="test"}`:           committers,
		`github_enterprise_advanced_security_committers_purchased{target="test"}`: committers + 100,
		`github_enterprise_advanced_security_committers_maximum{target="test"}`:   committers + 50,
		`github_enterprise_advanced_security_repositories{target="test"}`:         float64(simulator.LargeRepositories(users)),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if hits := sim.Hits("/enterprises/large-corp/settings/billing/advanced-security"); hits != 1 {
		t.Errorf("%d requests, want 1: every page repeats the totals", hits)
	}
}

func TestAdvancedSecurityOddValues(t *testing.T) {
	body := `{"total_advanced_security_committers": "12", "purchased_advanced_security_committers": "unlimited",
	  "maximum_advanced_security_committers": null, "total_count": 3.0, "repositories": "not a list"}`
	var p advancedSecurityPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	got := values(t, drain(func(ch chan<- prometheus.Metric) { p.collect("t", ch) }))
	want := map[string]float64{
		`github_enterprise_advanced_security_committers{target="t"}`:   12,
		`github_enterprise_advanced_security_repositories{target="t"}`: 3,
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
		drain(func(ch chan<- prometheus.Metric) { p.collect("t", ch) })
	})
}
