package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/license-exporter/license_exporter/collector"
)

const oneTarget = `
targets:
  - {name: first, type: github, api_url: %s, enterprise: octo-corp, token_file: %s}
`

func newTestReloader(t *testing.T, file string) (*reloader, *collector.Exporter, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	exp := collector.New(collector.Options{})
	t.Cleanup(exp.Close)
	r := newReloader(file, exp, reg, log.NewNopLogger())
	clock := time.Unix(1700000000, 0)
	r.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	return r, exp, reg
}

func targets(exp *collector.Exporter) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range exp.Statuses() {
		if !seen[s.Target] {
			seen[s.Target] = true
			out = append(out, s.Target)
		}
	}
	return strings.Join(out, ",")
}

func TestReload(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, oneTarget, url)
	good, _ := os.ReadFile(file)
	r, exp, reg := newTestReloader(t, file)

	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	if targets(exp) != "first" || testutil.ToFloat64(r.success) != 1 || testutil.ToFloat64(r.successTime) != 1700000001 {
		t.Fatalf("after a good load: targets %q, successful %v, timestamp %v", targets(exp), testutil.ToFloat64(r.success), testutil.ToFloat64(r.successTime))
	}

	// A bad file keeps the old configuration and says why.
	writeFile(t, file, strings.Replace(string(good), "name: first", "name: second, enterprise: octo-corp", 1))
	err := r.Reload()
	if err == nil || !strings.Contains(err.Error(), "enterprise") {
		t.Fatalf("want an error about the duplicated key, got %v", err)
	}
	if targets(exp) != "first" || testutil.ToFloat64(r.success) != 0 || testutil.ToFloat64(r.successTime) != 1700000001 {
		t.Errorf("after a bad load: targets %q, successful %v, timestamp %v", targets(exp), testutil.ToFloat64(r.success), testutil.ToFloat64(r.successTime))
	}
	if problems, err := testutil.GatherAndLint(reg); err != nil || len(problems) > 0 {
		t.Errorf("lint: %v %v", problems, err)
	}

	// A good file again is applied and clears the failure.
	writeFile(t, file, strings.Replace(string(good), "name: first", "name: second", 1))
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	if targets(exp) != "second" || testutil.ToFloat64(r.success) != 1 || testutil.ToFloat64(r.successTime) != 1700000002 {
		t.Errorf("after a good reload: targets %q, successful %v, timestamp %v", targets(exp), testutil.ToFloat64(r.success), testutil.ToFloat64(r.successTime))
	}
}

func TestReloadHTTP(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, oneTarget, url)
	good, _ := os.ReadFile(file)
	r, exp, _ := newTestReloader(t, file)
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}

	do := func(method string) (int, string) {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(method, "/-/reload", nil))
		return rec.Code, rec.Body.String()
	}
	if code, _ := do(http.MethodGet); code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", code)
	}
	writeFile(t, file, "targets: [")
	if code, body := do(http.MethodPost); code != http.StatusInternalServerError || !strings.Contains(body, "invalid YAML") || strings.Contains(body, testToken) {
		t.Errorf("POST with a bad file: %d %q", code, body)
	}
	if targets(exp) != "first" || testutil.ToFloat64(r.success) != 0 {
		t.Errorf("a bad file must keep the old configuration: %q, successful %v", targets(exp), testutil.ToFloat64(r.success))
	}
	writeFile(t, file, strings.Replace(string(good), "name: first", "name: renamed", 1))
	if code, body := do(http.MethodPost); code != http.StatusOK {
		t.Errorf("POST with a good file: %d %q", code, body)
	}
	if targets(exp) != "renamed" || testutil.ToFloat64(r.success) != 1 {
		t.Errorf("after POST: %q, successful %v", targets(exp), testutil.ToFloat64(r.success))
	}
}

// TestReadyProbe: /-/ready answers 503 until a configuration is in force, and
// stays ready when a later reload fails (the old one is still served).
func TestReadyProbe(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, oneTarget, url)
	r, _, _ := newTestReloader(t, file)
	probe := func() int {
		rec := httptest.NewRecorder()
		r.ready(rec, httptest.NewRequest(http.MethodGet, "/-/ready", nil))
		return rec.Code
	}
	good, _ := os.ReadFile(file)
	writeFile(t, file, "targets: [")
	if err := r.Reload(); err == nil {
		t.Fatal("a bad file loaded")
	}
	if code := probe(); code != http.StatusServiceUnavailable {
		t.Errorf("no configuration yet: %d, want 503", code)
	}
	writeFile(t, file, string(good))
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	if code := probe(); code != http.StatusOK {
		t.Errorf("configuration loaded: %d, want 200", code)
	}
	writeFile(t, file, "targets: [")
	_ = r.Reload()
	if code := probe(); code != http.StatusOK {
		t.Errorf("after a failed reload (old configuration in force): %d, want 200", code)
	}
}
