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

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// The fault suite runs the whole exporter (configuration, cache, client,
// handler) against a simulator, with intervals short enough that a case
// takes about a second. No wall-clock bound may decide a result on a busy
// machine: a healthy request gets faultRequest (generous), only the cases
// about a hanging server get the short faultHang, waits for something to
// happen end after faultPatience (they only decide when it never does),
// and the client's secondary limits are lifted (a slow machine's response
// times would spend the per-minute response-time budget and make healthy
// requests wait: the scheduler's own tests cover those limits).
const (
	faultToken    = "ghp_faultSuiteSecretToken0123456789ABCDEF"
	faultRefresh  = 250 * time.Millisecond
	faultRequest  = 15 * time.Second // per-request timeout
	faultHang     = time.Second      // per-request timeout of the hanging-server cases
	faultDeadline = 2 * time.Second  // the scraper's timeout
	faultPatience = 30 * time.Second // how long eventually waits
	licensesPath  = "/enterprises/" + simulator.FixtureEnterprise + "/consumed-licenses"
	syncPath      = "/enterprises/" + simulator.FixtureEnterprise + "/license-sync-status"
)

// faultLimits lift the client's secondary limits for the fault suite.
var faultLimits = api.Limits{ResponseBudget: time.Hour, PerEndpoint: 1 << 20}

// rigOptions change a rig's defaults.
type rigOptions struct {
	timeout time.Duration    // per-request timeout; 0 means faultRequest
	now     func() time.Time // the caches' clock; nil means time.Now
}

// rig is one exporter serving one target against its own simulator.
type rig struct {
	t       *testing.T
	sim     *simulator.Server
	exp     *Exporter
	metrics *httptest.Server
	logs    *testdeps.SyncBuffer
	token   string          // path of the token file
	bodies  strings.Builder // every /metrics answer, to search for secrets
	sent    *sentLog        // when each request left the client
	mu      sync.Mutex
}

// sentLog records when each request left the client, after the scheduler
// let it go: the rate-limit cases judge what was sent by when it was sent,
// not by when a slow machine let the test look.
type sentLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	at   []time.Time
}

func (s *sentLog) RoundTrip(req *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.at = append(s.at, time.Now())
	s.mu.Unlock()
	return s.next.RoundTrip(req)
}

// between counts the requests sent in [from, to).
func (s *sentLog) between(from, to time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range s.at {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

// newRig starts a simulator that fails the test on any request that is not
// a GET, and an exporter whose target reads both license collectors from it,
// logging at every level (debug included) into a buffer.
func newRig(t *testing.T, token string, extraYAML string) *rig {
	t.Helper()
	return newRigWith(t, token, extraYAML, rigOptions{})
}

// newRigWith is newRig with other options.
func newRigWith(t *testing.T, token string, extraYAML string, o rigOptions) *rig {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = faultRequest
	}
	sim := simulator.New(simulator.Options{Token: token})
	apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("the exporter sent %s %s: only GET is allowed", r.Method, r.URL.Path)
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(apiSrv.Close)
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
%s`, apiSrv.URL, simulator.FixtureEnterprise, tokenPath, faultRefresh, extraYAML)
	cfg, err := config.Parse([]byte(yml), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	logs := &testdeps.SyncBuffer{}
	reg := prometheus.NewRegistry()
	base := api.NewTransport()
	t.Cleanup(base.CloseIdleConnections)
	sent := &sentLog{next: base}
	exp := New(Options{Logger: log.NewLogfmtLogger(logs), Registerer: reg, Timeout: o.timeout, Limits: faultLimits, Now: o.now, Transport: sent})
	t.Cleanup(exp.Close)
	if err := exp.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(exp.Handler(HandlerOptions{TimeoutOffset: 100 * time.Millisecond, Gatherer: reg}))
	t.Cleanup(srv.Close)
	return &rig{t: t, sim: sim, exp: exp, metrics: srv, logs: logs, token: tokenPath, sent: sent}
}

// scrape fetches /metrics the way Prometheus does, checks that the answer
// came well before a refresh could end (a scrape that waited for a hanging
// refresh would take faultRequest), and returns its samples.
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
	if took := time.Since(start); took > faultRequest/2 {
		r.t.Errorf("/metrics took %s: it must not wait for a refresh (the scrape deadline is %s)", took, faultDeadline)
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		r.t.Fatalf("scrape: %d %v\n%s", resp.StatusCode, err, body)
	}
	r.mu.Lock()
	r.bodies.Write(body)
	r.mu.Unlock()
	return samples(r.t, string(body))
}

// eventually scrapes until ok holds. d is when it is expected; the wait
// goes on to faultPatience at least, so that only an ok that never comes
// decides, not a slow machine.
func (r *rig) eventually(d time.Duration, what string, ok func(map[string]float64) bool) map[string]float64 {
	r.t.Helper()
	d = max(d, faultPatience)
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

// settle waits for every refresh under way to end.
func (r *rig) settle() {
	r.exp.mu.RLock()
	defer r.exp.mu.RUnlock()
	for _, tg := range r.exp.targets {
		for _, c := range tg.collectors {
			settle(c)
		}
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

// logsOf are the log lines of one collector, to say why it failed.
func (r *rig) logsOf(collector string) string {
	var b strings.Builder
	for _, l := range strings.Split(r.logs.String(), "\n") {
		if strings.Contains(l, "collector="+collector) {
			b.WriteString("\n  " + l)
		}
	}
	return b.String()
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
