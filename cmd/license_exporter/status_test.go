package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

func getPage(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func testStatusPage(t *testing.T, src statusSource, now time.Time) *statusPage {
	t.Helper()
	p, err := newStatusPage(web.LandingConfig{
		Name: name, Links: []web.LandingLinks{{Address: "/metrics", Text: "Metrics"}}, Profiling: "false",
	}, src, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStatusPageLive serves the page of a real exporter: the page shows what
// the refreshes found, never costs an API request, and never shows the token.
func TestStatusPageLive(t *testing.T) {
	sim, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: acme, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s}
  - {name: typo, type: github, api_url: %[1]s, enterprise: octo-crop, token_file: %[2]s, collectors: [consumed_licenses]}
`, url)
	cfg, err := config.Load(file, collector.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	exp := collector.New(collector.Options{})
	defer exp.Close()
	if err := exp.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	page := testStatusPage(t, exp, time.Now())

	before := getPage(t, page)
	if !strings.Contains(before, "waiting for the first scrape") || sim.Total() != 0 {
		t.Errorf("before any scrape: %d requests; page:\n%s", sim.Total(), before)
	}
	exp.RefreshAll(context.Background())
	n := sim.Total()
	body := getPage(t, page)
	if sim.Total() != n {
		t.Errorf("the page sent %d API requests", sim.Total()-n)
	}
	for _, want := range []string{
		"<h4>acme <small>github · " + url + "</small></h4>",
		`<tr class="ok"><td>consumed_licenses</td><td>OK</td>`,
		"5000 of 4500 seats consumed, 2 license entries",
		`<tr class="ok"><td>license_sync_status</td><td>OK</td>`,
		"<h4>typo ",
		`<tr class="fail"><td>consumed_licenses</td><td>FAILING (1 in a row)</td><td>never</td><td>no data</td><td></td>` +
			`<td>404: the enterprise slug &#34;octo-crop&#34; is wrong, or the token cannot see it: the token&#39;s user must be an enterprise owner (GitHub answers 404, not 403, to anyone else)<br><small>the API said: “Not Found”</small></td>`,
		"Rate-limit budget: core: ",
		`<a href="/metrics">Metrics</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, testToken) {
		t.Error("the page shows the token")
	}
}

type fakeSource struct {
	sts    []collector.Status
	limits map[string][]api.RateLimit
}

func (f fakeSource) Statuses() []collector.Status           { return f.sts }
func (f fakeSource) RateLimits() map[string][]api.RateLimit { return f.limits }

func TestStatusPageStates(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	st := func(c string) collector.Status {
		return collector.Status{State: collector.State{Target: "t<1>", Collector: c}, Type: "github", APIURL: "https://api.github.com", Interval: 5 * time.Minute}
	}
	stale := st("stale")
	stale.LastSuccess = now.Add(-20 * time.Minute)
	stale.LastAttempt = now.Add(-time.Minute)
	stale.LastError = errors.New("boom")
	stale.Failures = 3
	stale.NextAttempt = now.Add(2 * time.Minute)
	stale.Fix = `<script>alert("x")</script>`
	fresh := st("fresh")
	fresh.LastSuccess, fresh.LastAttempt, fresh.Summary = now.Add(-time.Minute), now.Add(-time.Minute), "1 & 2 <b>"
	running := st("running")
	running.Refreshing = true
	src := fakeSource{sts: []collector.Status{stale, fresh, running}, limits: map[string][]api.RateLimit{
		"t<1>": {{Resource: "core", Limit: 5000, Remaining: 42, Reset: now.Add(10 * time.Minute)}},
	}}
	body := getPage(t, testStatusPage(t, src, now))
	for _, want := range []string{
		"<h4>t&lt;1&gt; <small>github · https://api.github.com</small></h4>",
		`<tr class="fail"><td>stale</td><td>FAILING (3 in a row)</td><td>2026-03-01 11:40:00 UTC (20m0s ago)</td><td>20m0s (older than refresh_interval 5m0s)</td><td></td>` +
			`<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td><td>not before 12:02:00 UTC (backoff)</td></tr>`,
		`<tr class="ok"><td>fresh</td><td>OK</td><td>2026-03-01 11:59:00 UTC (1m0s ago)</td><td>1m0s</td><td>1 &amp; 2 &lt;b&gt;</td><td></td><td>first scrape after 12:04:00 UTC</td></tr>`,
		`<tr class="pending"><td>running</td><td>first refresh under way</td>`,
		"Rate-limit budget: core: 42 of 5000 requests left, resets in 10m0s",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Error("unescaped HTML on the page")
	}
	if strings.Count(body, `<div class="target">`) != 1 {
		t.Error("one target must give one table")
	}
}

func TestStatusPageNoTargets(t *testing.T) {
	body := getPage(t, testStatusPage(t, fakeSource{}, time.Now()))
	if !strings.Contains(body, "No targets are configured.") {
		t.Error(body)
	}
}

// TestStatusPageRenderedOnce: the landing page's templates are parsed once,
// not on every request (probes and people load this page often); only the
// status table is rendered per request.
func TestStatusPageRenderedOnce(t *testing.T) {
	p := testStatusPage(t, fakeSource{}, time.Now())
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /nope: %d, want 404", rec.Code)
	}
	allocs := testing.AllocsPerRun(20, func() {
		p.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
	// Parsing the toolkit's templates takes thousands of allocations.
	if allocs > 200 {
		t.Errorf("%v allocations per request: the templates are parsed again", allocs)
	}
	t.Logf("%v allocations per request", allocs)
}
