package collector

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

const secretToken = "ghp_Sup3rSecretTokenValue0123456789abcdef"

// newServedExporter serves cfgYAML (with TOKEN replaced by a token file) through
// the /metrics handler and returns the scrape URL.
func newServedExporter(t *testing.T, cfgYAML string, logger log.Logger) (*Exporter, string) {
	t.Helper()
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte(secretToken), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte(strings.ReplaceAll(cfgYAML, "TOKEN", tok)), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	e := New(Options{Logger: logger, Registerer: reg, UserAgent: "license_exporter/test"})
	t.Cleanup(e.Close)
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.Handler(HandlerOptions{Gatherer: reg, TimeoutOffset: 100 * time.Millisecond}))
	t.Cleanup(srv.Close)
	return e, srv.URL
}

func scrapeURL(t *testing.T, url string, timeout string) (string, time.Duration) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if timeout != "" {
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", timeout)
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("scrape: %d %s", resp.StatusCode, b)
	}
	return string(b), time.Since(start)
}

func TestExporterServesOfficialExamples(t *testing.T) {
	sim := simulator.New(simulator.Options{Token: secretToken})
	api := httptest.NewServer(sim)
	defer api.Close()
	_, url := newServedExporter(t, "targets:\n  - {name: acme, type: github, enterprise: octo-corp, api_url: '"+api.URL+"', token_file: TOKEN, collectors: [consumed_licenses, license_sync_status]}\n", log.NewNopLogger())
	body, _ := scrapeURL(t, url, "10")
	for _, want := range []string{
		`github_enterprise_seats_consumed{target="acme"} 5000`,
		`github_enterprise_seats_purchased{target="acme"} 4500`,
		`github_enterprise_license_sync_success{hostname="github.example.com",server_id="deadbeef1",target="acme"} 1`,
		`license_exporter_collector_success{collector="consumed_licenses",target="acme"} 1`,
		`license_exporter_collector_success{collector="license_sync_status",target="acme"} 1`,
		`license_exporter_api_requests_total{code="200",target="acme"} 2`,
		`license_exporter_api_rate_limit{resource="core",target="acme"} 5000`,
		`# HELP github_enterprise_seats_consumed Seats the enterprise consumes (total_seats_consumed). Values may be up to the target's refresh_interval old.`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	// A second scrape is served from the cache: no new API request.
	before := sim.Total()
	scrapeURL(t, url, "10")
	if sim.Total() != before {
		t.Errorf("a scrape of fresh data made %d API requests", sim.Total()-before)
	}
}

func TestExporterHonoursScrapeDeadline(t *testing.T) {
	// The API takes 3 s: a scrape that waited for the refresh would take
	// that long; one that keeps its 0.4 s deadline is far from it.
	sim := simulator.New(simulator.Options{Token: secretToken, Latency: 3 * time.Second})
	api := httptest.NewServer(sim)
	defer api.Close()
	e, url := newServedExporter(t, "targets:\n  - {name: slow, type: github, enterprise: octo-corp, api_url: '"+api.URL+"', token_file: TOKEN, collectors: [consumed_licenses, license_sync_status]}\n", log.NewNopLogger())
	body, took := scrapeURL(t, url, "0.5")
	if took > 2500*time.Millisecond {
		t.Errorf("scrape took %v with a 0.5s deadline", took)
	}
	if !strings.Contains(body, `license_exporter_collector_success{collector="consumed_licenses",target="slow"} 0`) {
		t.Errorf("before the first refresh completes the collector reports 0:\n%s", body)
	}
	// The refresh goes on after the scrape gave up, and its data is served later.
	waitFor(t, func() bool {
		for _, st := range e.Statuses() {
			if !st.Succeeded() {
				return false
			}
		}
		return true
	})
	if body, _ := scrapeURL(t, url, "0.5"); !strings.Contains(body, `github_enterprise_seats_consumed{target="slow"} 5000`) {
		t.Error("the background refresh's data is not served")
	}
}

func TestApplyConfigKeepsUnchangedTargets(t *testing.T) {
	sim := simulator.New(simulator.Options{Token: secretToken})
	api := httptest.NewServer(sim)
	defer api.Close()
	cfgA := "targets:\n  - {name: a, type: github, enterprise: octo-corp, api_url: '" + api.URL + "', token_file: TOKEN, collectors: [consumed_licenses, license_sync_status]}\n"
	e, url := newServedExporter(t, cfgA, log.NewNopLogger())
	scrapeURL(t, url, "10")
	before := sim.Total()

	cfg, err := config.Parse([]byte(strings.ReplaceAll(cfgA, "TOKEN", e.targets[0].cfg.TokenFile)+
		"  - {name: b, type: github, enterprise: nope, api_url: '"+api.URL+"', token_file: "+e.targets[0].cfg.TokenFile+", collectors: [consumed_licenses, license_sync_status]}\n"), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	body, _ := scrapeURL(t, url, "10")
	if sim.Total()-before != 2 {
		t.Errorf("after a reload, %d API requests; want 2 (only the new target's)", sim.Total()-before)
	}
	if !strings.Contains(body, `github_enterprise_seats_consumed{target="a"} 5000`) ||
		!strings.Contains(body, `license_exporter_collector_success{collector="consumed_licenses",target="b"} 0`) {
		t.Errorf("unexpected scrape after reload:\n%s", body)
	}
}

func TestNoTokenInLogsOrOutput(t *testing.T) {
	var logs bytes.Buffer
	logger := log.NewLogfmtLogger(log.NewSyncWriter(&logs))         // every level
	sim := simulator.New(simulator.Options{Token: "another-token"}) // so every request fails with 401
	api := httptest.NewServer(sim)
	defer api.Close()
	e, url := newServedExporter(t, "targets:\n  - {name: acme, type: github, enterprise: octo-corp, api_url: '"+api.URL+"', token_file: TOKEN, collectors: [consumed_licenses, license_sync_status]}\n", logger)
	body, _ := scrapeURL(t, url, "10")
	var errs strings.Builder
	for _, st := range e.Statuses() {
		if st.LastError == nil {
			t.Fatalf("%s should have failed with 401", st.Collector)
		}
		errs.WriteString(st.LastError.Error() + st.Fix)
	}
	if !strings.Contains(errs.String(), "token was rejected") {
		t.Errorf("the 401 error should say what to do: %s", errs.String())
	}
	for name, s := range map[string]string{"logs": logs.String(), "metrics": body, "errors": errs.String()} {
		if strings.Contains(s, secretToken) || strings.Contains(s, secretToken[4:20]) {
			t.Errorf("the token appears in the %s", name)
		}
	}
	if !strings.Contains(logs.String(), "refresh failed") {
		t.Errorf("the failure should be logged:\n%s", logs.String())
	}
}

func TestReloadStopsRemovedTargets(t *testing.T) {
	sim := simulator.New(simulator.Options{Token: secretToken, Latency: 300 * time.Millisecond})
	api := httptest.NewServer(sim)
	defer api.Close()
	cfgA := "targets:\n  - {name: gone, type: github, enterprise: large-corp, api_url: '" + api.URL + "', token_file: TOKEN, collectors: [consumed_licenses]}\n"
	e, url := newServedExporter(t, cfgA, log.NewNopLogger())
	scrapeURL(t, url, "0.1") // starts a long paginated refresh and gives up waiting
	tok := e.targets[0].cfg.TokenFile

	cfg, err := config.Parse([]byte("targets:\n  - {name: other, type: github, enterprise: octo-corp, api_url: '"+api.URL+"', token_file: "+tok+", collectors: [license_sync_status]}\n"), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	before := sim.Hits("/enterprises/large-corp/consumed-licenses")
	time.Sleep(700 * time.Millisecond)
	if after := sim.Hits("/enterprises/large-corp/consumed-licenses"); after > before {
		t.Errorf("a removed target kept fetching: %d more requests", after-before)
	}
	body, _ := scrapeURL(t, url, "10")
	if strings.Contains(body, `target="gone"`) {
		t.Errorf("a removed target's series are still served:\n%s", body)
	}
}

// TestNotAvailableThroughTheExporter: a budgets listing that answers 404 is
// no failure, and /metrics says the data is not available; budgets that
// come back say 0. The scrapes run on the exporter's clock, moved past the
// refresh interval between them.
func TestNotAvailableThroughTheExporter(t *testing.T) {
	sim := simulator.New(simulator.Options{Token: secretToken})
	api := httptest.NewServer(sim)
	defer api.Close()
	sim.SetFault("/enterprises/octo-corp/settings/billing/budgets", simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte(secretToken), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte("targets:\n  - {name: acme, type: github, enterprise: octo-corp, api_url: '"+api.URL+"', token_file: "+tok+", collectors: [budgets, license_sync_status]}\n"), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Unix(1_700_000_000, 0)}
	e := New(Options{Now: clock.Now})
	t.Cleanup(e.Close)
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	scrape := func() map[string]float64 {
		e.RefreshAll(context.Background())
		return values(t, drain(func(ch chan<- prometheus.Metric) { e.Scrape(context.Background()).Collect(ch) }))
	}
	const budgets, sync = `license_exporter_collector_not_available{collector="budgets",target="acme"}`, `license_exporter_collector_not_available{collector="license_sync_status",target="acme"}`
	success := `license_exporter_collector_success{collector="budgets",target="acme"}`
	if got := scrape(); got[budgets] != 1 || got[sync] != 0 || got[success] != 1 {
		t.Errorf("404: not_available %v (sync %v), success %v; want 1, 0, 1", got[budgets], got[sync], got[success])
	}
	sim.SetFault("/enterprises/octo-corp/settings/billing/budgets", nil)
	clock.Add(2 * time.Hour)
	if got := scrape(); got[budgets] != 0 || got[success] != 1 {
		t.Errorf("budgets back: not_available %v, success %v; want 0, 1", got[budgets], got[success])
	}
}
