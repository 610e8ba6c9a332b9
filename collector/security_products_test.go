package collector

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestSecurityProductsGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "security_products", serverTarget(url)), "security_products")
}

func TestSecurityProductsFixtureValues(t *testing.T) {
	s, err := decodeJSON[securityStats](simulator.Fixture("ghes-3.19-enterprise-stats-security-products.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectSecurityStats("test", s, ch) })
	for series, want := range map[string]float64{
		`github_enterprise_server_advanced_security_committers{product="advanced_security",target="test"}`:                30,
		`github_enterprise_server_advanced_security_committers_purchased{product="advanced_security",target="test"}`:      90,
		`github_enterprise_server_advanced_security_committers_purchased{product="code_security",target="test"}`:          0,
		`github_enterprise_server_security_feature_repositories{feature="total",target="test"}`:                           150,
		`github_enterprise_server_security_feature_repositories{feature="secret_scanning_push_protection",target="test"}`: 120,
		`github_enterprise_server_security_feature_repositories{feature="dependabot_version_updates",target="test"}`:      121,
	} {
		if v, ok := got[series]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
		}
	}
	// Eligible and non-archived counts are not "enabled" counts.
	for k := range got {
		if strings.Contains(k, "eligible") || strings.Contains(k, "nonarchived") {
			t.Errorf("unexpected series %s", k)
		}
	}
}

func TestSecurityProductsOddValues(t *testing.T) {
	s, err := decodeJSON[securityStats]([]byte(`{"active_committers":"12","purchased_committers":null,"code_security_licenses":"unlimited","total_repos":3.0,"new_thing_enabled_repos":2,"x":{"y":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectSecurityStats("test", s, ch) })
	if got[`github_enterprise_server_advanced_security_committers{product="advanced_security",target="test"}`] != 12 ||
		got[`github_enterprise_server_security_feature_repositories{feature="new_thing",target="test"}`] != 2 {
		t.Errorf("got %v", got)
	}
	if _, ok := got[`github_enterprise_server_advanced_security_committers_purchased{product="advanced_security",target="test"}`]; ok {
		t.Error("a null purchase must be left out, not read as 0")
	}
	for _, bad := range []string{`[1]`, `"x"`} {
		if _, err := decodeJSON[securityStats]([]byte(bad)); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
}

// An Enterprise Server older than 3.17 answers 404: the collector succeeds
// with no data and says why, so the failing-collector alert stays quiet.
// The same 404 from a release that has the endpoint is a real failure.
func TestSecurityProductsOlderServer(t *testing.T) {
	for _, tc := range []struct {
		version string
		wantErr bool
	}{{"3.16.4", false}, {"3.19.0", true}, {"", true}} {
		t.Run(tc.version, func(t *testing.T) {
			sim, url := startSim(t, simulator.Options{})
			sim.SetFault("/enterprise/stats/security-products", func(w http.ResponseWriter, r *http.Request) {
				if tc.version != "" {
					w.Header().Set("X-GitHub-Enterprise-Version", tc.version)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"message":"Not Found"}`))
			})
			c := newCollector(t, "security_products", serverTarget(url))
			ms, err := runUpdate(t, c)
			if tc.wantErr {
				if !api.IsKind(err, api.KindNotFound) {
					t.Fatalf("err = %v, want a 404", err)
				}
				fix := Explain(err, securityProductsSpec, &config.Target{Type: config.TypeGitHubServer})
				if !strings.Contains(fix, "site administrator") {
					t.Errorf("fix %q does not name the role", fix)
				}
				return
			}
			if err != nil || len(ms) != 0 {
				t.Fatalf("err = %v, %d metrics; want success with no data", err, len(ms))
			}
			sum := c.(Summarizer).Summary()
			if !strings.Contains(sum, "3.16 predates") || !strings.Contains(sum, "3.17") {
				t.Errorf("summary %q does not explain the version", sum)
			}
		})
	}
}

func TestParseServerVersion(t *testing.T) {
	for in, want := range map[string]serverVersion{"3.17.0": {3, 17}, "3.9": {3, 9}, " 3.16.2 ": {3, 16}, "3.18.0.rc1": {3, 18}, "3.20rc": {3, 20}} {
		if got, ok := parseServerVersion(in); !ok || got != want {
			t.Errorf("%q = %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "enterprise", "3", "x.y"} {
		if v, ok := parseServerVersion(in); ok {
			t.Errorf("%q = %v, want no version", in, v)
		}
	}
	if !(serverVersion{3, 9}).less(serverVersion{3, 17}) || (serverVersion{4, 0}).less(serverVersion{3, 17}) {
		t.Error("less is wrong")
	}
}

func FuzzSecurityStats(f *testing.F) {
	f.Add(simulator.Fixture("ghes-3.19-enterprise-stats-security-products.json"))
	f.Add([]byte(`{"_enabled_repos":1,"x_enabled_repos":"2","total_repos":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeJSON[securityStats](b)
		if err != nil {
			return
		}
		exposition(t, drain(func(ch chan<- prometheus.Metric) { collectSecurityStats("t", s, ch) }))
	})
}
