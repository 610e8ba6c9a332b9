package collector

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// The fault suite runs the whole exporter (configuration, cache, client,
// handler) against a simulator, with intervals short enough that a case
// takes about a second.
const (
	faultToken    = "ghp_faultSuiteSecretToken0123456789ABCDEF"
	faultRefresh  = 250 * time.Millisecond
	faultRequest  = 400 * time.Millisecond // per-request timeout
	faultDeadline = 2 * time.Second        // the scraper's timeout
	licensesPath  = "/enterprises/" + simulator.FixtureEnterprise + "/consumed-licenses"
	syncPath      = "/enterprises/" + simulator.FixtureEnterprise + "/license-sync-status"
)

// rig is one exporter serving one target against its own simulator.
type rig struct {
	t       *testing.T
	sim     *simulator.Server
	exp     *Exporter
	metrics *httptest.Server
	logs    *testdeps.SyncBuffer
	token   string          // path of the token file
	bodies  strings.Builder // every /metrics answer, to search for secrets
	mu      sync.Mutex
}

// newRig starts a simulator that fails the test on any request that is not
// a GET, and an exporter whose target reads both license collectors from it,
// logging at every level (debug included) into a buffer.
func newRig(t *testing.T, token string, extraYAML string) *rig {
	t.Helper()
	sim := simulator.New(simulator.Options{Token: token})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("the exporter sent %s %s: only GET is allowed", r.Method, r.URL.Path)
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(api.Close)
	tokenPath := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenPath, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yml := fmt.Sprintf(`targets:
  - name: acme
    type: github
    api_url: %s
    enterprise: %s
    token_file: %s
    refresh_interval: %s
%s`, api.URL, simulator.FixtureEnterprise, tokenPath, faultRefresh, extraYAML)
	cfg, err := config.Parse([]byte(yml), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	logs := &testdeps.SyncBuffer{}
	reg := prometheus.NewRegistry()
	exp := New(Options{Logger: log.NewLogfmtLogger(logs), Registerer: reg, Timeout: faultRequest})
	t.Cleanup(exp.Close)
	if err := exp.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(exp.Handler(HandlerOptions{TimeoutOffset: 100 * time.Millisecond, Gatherer: reg}))
	t.Cleanup(srv.Close)
	return &rig{t: t, sim: sim, exp: exp, metrics: srv, logs: logs, token: tokenPath}
}

// scrape fetches /metrics the way Prometheus does, checks that the answer
// came within the scrape deadline, and returns its samples.
func (r *rig) scrape() map[string]float64 {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.metrics.URL+"/metrics", nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", strconv.FormatFloat(faultDeadline.Seconds(), 'f', -1, 64))
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if took := time.Since(start); took > faultDeadline {
		r.t.Errorf("/metrics took %s, more than the scrape deadline %s", took, faultDeadline)
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		r.t.Fatalf("scrape: %d %v\n%s", resp.StatusCode, err, body)
	}
	r.mu.Lock()
	r.bodies.Write(body)
	r.mu.Unlock()
	return samples(r.t, string(body))
}

// eventually scrapes until ok holds, for at most d.
func (r *rig) eventually(d time.Duration, what string, ok func(map[string]float64) bool) map[string]float64 {
	r.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := r.scrape()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("after %s: %s did not happen; last scrape:\n%s\nstates: %+v", d, what, faultDump(s), r.exp.Statuses())
		}
		time.Sleep(40 * time.Millisecond)
	}
}

func (r *rig) state(collector string) State {
	for _, s := range r.exp.Statuses() {
		if s.Collector == collector {
			return s.State
		}
	}
	r.t.Fatalf("no collector %s", collector)
	return State{}
}

// secrets lists everywhere a token must never appear.
// fix is the collector's fix in words, as check and the status page show it.
func (r *rig) fix(collector string) string {
	for _, s := range r.exp.Statuses() {
		if s.Collector == collector {
			return s.Fix
		}
	}
	r.t.Fatalf("no collector %s", collector)
	return ""
}

func (r *rig) assertNoSecret(secret string) {
	r.t.Helper()
	r.mu.Lock()
	bodies := r.bodies.String()
	r.mu.Unlock()
	places := map[string]string{"logs (debug level)": r.logs.String(), "/metrics": bodies}
	for _, s := range r.exp.Statuses() {
		if s.LastError != nil {
			places["error of "+s.Collector] += s.LastError.Error() + fmt.Sprintf(" %#v", s.LastError)
		}
	}
	for where, text := range places {
		if strings.Contains(text, secret) {
			r.t.Errorf("the token appears in %s", where)
		}
	}
}

func faultSuccess(collector string) string {
	return `license_exporter_collector_success{collector="` + collector + `",target="acme"}`
}

const (
	seatsSeries   = `github_enterprise_seats_consumed{target="acme"}`
	serversSeries = `github_enterprise_license_sync_servers{target="acme"}`
)

func faultDump(s map[string]float64) string {
	var b strings.Builder
	for k, v := range s {
		if strings.HasPrefix(k, "license_exporter_collector") || strings.HasPrefix(k, "github_") {
			fmt.Fprintf(&b, "  %s %g\n", k, v)
		}
	}
	return b.String()
}
