package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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
	wantAll(t, "page", body,
		"<h4>acme <small>github · "+url+"</small></h4>",
		`<tr class="ok"><td>consumed_licenses</td><td>15m</td><td>OK</td>`,
		"5000 of 4500 seats consumed, 2 license entries",
		`<tr class="ok"><td>license_sync_status</td><td>1h</td><td>OK</td>`,
		"<h4>typo ",
		`<tr class="fail"><td>consumed_licenses</td><td>15m</td><td>FAILING (1 in a row)</td><td>never</td><td>no data</td><td></td>`+
			`<td>404: the enterprise slug &#34;octo-crop&#34; is wrong, or the token cannot see it: the token&#39;s user must be an enterprise owner (GitHub answers 404, not 403, to anyone else)<br><small>the API said: “Not Found”</small></td>`,
		"Rate-limit budget: core: ",
		`<a href="/metrics">Metrics</a>`,
	)
	if strings.Contains(body, testToken) {
		t.Error("the page shows the token")
	}
}

type fakeSource struct {
	sts     []collector.Status
	limits  map[string][]api.RateLimit
	cached  []prometheus.Metric
	partial map[string][]string
}

func (f fakeSource) Statuses() []collector.Status           { return f.sts }
func (f fakeSource) RateLimits() map[string][]api.RateLimit { return f.limits }
func (f fakeSource) Cached() prometheus.Collector           { return replay(f.cached) }
func (f fakeSource) SSOPartial() map[string][]string        { return f.partial }

// replay is an unchecked collector of fixed metrics.
type replay []prometheus.Metric

func (replay) Describe(chan<- *prometheus.Desc) {}
func (r replay) Collect(ch chan<- prometheus.Metric) {
	for _, m := range r {
		ch <- m
	}
}

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
	wantAll(t, "page", body,
		"<h4>t&lt;1&gt; <small>github · https://api.github.com</small></h4>",
		`<tr class="fail"><td>stale</td><td>5m</td><td>FAILING (3 in a row)</td><td>2026-03-01 11:40:00 UTC (20m0s ago)</td><td class="stale">20m0s, stale (over 3 × refresh_interval 5m0s)</td><td></td>`+
			`<td>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</td><td>not before 12:02:00 UTC (backoff)</td></tr>`,
		`<tr class="ok"><td>fresh</td><td>5m</td><td>OK</td><td>2026-03-01 11:59:00 UTC (1m0s ago)</td><td>1m0s, fresh</td><td>1 &amp; 2 &lt;b&gt;</td><td></td><td>first scrape after 12:04:00 UTC</td></tr>`,
		`<tr class="pending"><td>running</td><td>5m</td><td>first refresh under way</td>`,
		"Rate-limit budget: core: 42 of 5000 requests left, resets in 10m0s",
	)
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

func TestDataAgeWording(t *testing.T) {
	const iv = 5 * time.Minute
	for age, want := range map[time.Duration]string{
		time.Minute:      "1m0s, fresh",
		6 * time.Minute:  "6m0s, renewed at the next scrape", // normal: the next scrape renews it
		15 * time.Minute: "15m0s, renewed at the next scrape",
		16 * time.Minute: "16m0s, stale (over 3 × refresh_interval 5m0s)",
	} {
		if got := dataAge(age, iv, true); got != want {
			t.Errorf("dataAge(%v) = %q, want %q", age, got, want)
		}
	}
}

// TestStatusWithoutScrapes: the demo with nothing scraping it. Old data
// with no scrape since the last refresh is waiting for one, not stale, and
// a time already past is never offered as the next attempt.
func TestStatusWithoutScrapes(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	refreshed := now.Add(-10 * time.Minute) // the refresh at start; interval 1m
	st := collector.Status{State: collector.State{Target: "t", Collector: "c", LastAttempt: refreshed, LastSuccess: refreshed}, Type: "github", Interval: time.Minute}
	c := describeCollector(st, now)
	if c.AgeClass == "stale" || !strings.Contains(c.DataAge, "waiting for a scrape") || strings.Contains(c.DataAge, "stale") {
		t.Errorf("no scrape since the refresh: %q (class %q), want waiting for a scrape", c.DataAge, c.AgeClass)
	}
	if c.NextAttempt != "next scrape" {
		t.Errorf("next attempt %q: 11:51 is past, want next scrape", c.NextAttempt)
	}
	// A scrape came after the refresh and the data is still 10 minutes old:
	// that is stale.
	st.LastScrape = now.Add(-time.Minute)
	if c := describeCollector(st, now); c.AgeClass != "stale" {
		t.Errorf("scraped since: %q (class %q), want stale", c.DataAge, c.AgeClass)
	}
	// A backoff that has run out is no future attempt either.
	st.NextAttempt = now.Add(-time.Minute)
	if c := describeCollector(st, now); c.NextAttempt != "next scrape" {
		t.Errorf("past backoff: %q", c.NextAttempt)
	}
}

func gaugeOf(t *testing.T, name, target string, v float64) prometheus.Metric {
	t.Helper()
	return labelledGauge(t, name, target, v)
}

// TestStatusPageLicenses: the page highlights the licenses' own state from
// the data last fetched: over the seats bought, expired, expiring, a spent
// rate-limit budget; and says so when all is well.
func TestStatusPageLicenses(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	st := func(target string) collector.Status {
		return collector.Status{State: collector.State{Target: target, Collector: "c", LastAttempt: now, LastSuccess: now}, Type: "github", Interval: time.Minute}
	}
	src := fakeSource{
		sts: []collector.Status{st("over"), st("ghes"), st("gitlab"), st("fine")},
		cached: []prometheus.Metric{
			gaugeOf(t, "github_enterprise_seats_consumed", "over", 5000),
			gaugeOf(t, "github_enterprise_seats_purchased", "over", 4500),
			gaugeOf(t, "github_enterprise_server_license_expiry_timestamp_seconds", "ghes", float64(now.Add(-2*day).Unix())),
			gaugeOf(t, "github_enterprise_server_license_seats_used", "ghes", 98),
			gaugeOf(t, "github_enterprise_server_license_seats", "ghes", 100),
			gaugeOf(t, "gitlab_license_expiry_timestamp_seconds", "gitlab", float64(now.Add(10*day).Unix())),
			gaugeOf(t, "gitlab_license_overage_users", "gitlab", 0),
			gaugeOf(t, "github_enterprise_seats_consumed", "fine", 10),
			gaugeOf(t, "github_enterprise_seats_purchased", "fine", 100),
		},
		limits:  map[string][]api.RateLimit{"over": {{Resource: "core", Limit: 5000, Remaining: 120, Reset: now.Add(20 * time.Minute)}}},
		partial: map[string][]string{"over": {"21955855"}},
	}
	body := getPage(t, testStatusPage(t, src, now))
	wantAll(t, "page", body,
		`<li class="critical">GitHub Enterprise seats: 5000 in use, 500 more than the 4500 bought</li>`,
		`<li class="warning">API rate-limit budget nearly spent: 120 of 5000 core requests left until 12:20 UTC</li>`,
		`<li class="critical">the Enterprise Server license expired on 2026-02-27</li>`,
		`<li class="warning">incomplete data: GitHub left out the organizations with IDs 21955855, for which the token is not authorized for SAML single sign-on`,
		`<li class="warning">Enterprise Server license seats: 98 of 100 in use (98 %)</li>`,
		`<li class="warning">the GitLab license expires on 2026-03-11, in 10 days</li>`,
		`<h4>fine <small>github · </small></h4>
<p class="licenses-ok">Licenses: within what was bought`,
	)
	if strings.Count(body, "licenses-ok\">") != 1 {
		t.Error("only the target with nothing to act on reads as fine")
	}
}

func labelledGauge(t *testing.T, name, target string, v float64, labels ...string) prometheus.Metric {
	t.Helper()
	m, _, ok := collector.MetricByName(name)
	if !ok {
		t.Fatalf("no collector declares %s: the status page reads a metric that does not exist", name)
	}
	// The collector's own descriptor, as the cache serves it: its labels in
	// its order, those not given empty.
	given := map[string]string{"target": target}
	for i := 0; i+1 < len(labels); i += 2 {
		given[labels[i]] = labels[i+1]
	}
	values := make([]string, len(m.Labels))
	for i, l := range m.Labels {
		values[i] = given[l]
	}
	return prometheus.MustNewConstMetric(m.Desc(), prometheus.GaugeValue, v, values...)
}

// TestFindingsPerLabelSet: Advanced Security counts carry a product label;
// each product's committers are compared with that product's purchase, not
// with whichever series came first.
func TestFindingsPerLabelSet(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := constCollector{
		labelledGauge(t, "github_enterprise_advanced_security_committers", "e", 100, "product", "code_security"),
		labelledGauge(t, "github_enterprise_advanced_security_committers_purchased", "e", 5000, "product", "code_security"),
		labelledGauge(t, "github_enterprise_advanced_security_committers", "e", 12000, "product", "secret_protection"),
		labelledGauge(t, "github_enterprise_advanced_security_committers_purchased", "e", 10000, "product", "secret_protection"),
	}
	got, _ := licenseFindings(c, nil, now)
	want := []finding{{Critical: true, Text: "Advanced Security committers (product=secret_protection): 12000 in use, 2000 more than the 10000 bought"}}
	if len(got["e"]) != 1 || got["e"][0] != want[0] {
		t.Errorf("findings = %+v, want %+v", got["e"], want)
	}
}

// constCollector serves fixed metrics, unchecked.
type constCollector []prometheus.Metric

func (constCollector) Describe(chan<- *prometheus.Desc) {}
func (c constCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c {
		ch <- m
	}
}

// TestFindingsFollowTheRules: the page's findings go off where the alert
// rules do (internal/thresholds): 98 % of seats, the 90/30/7-day expiry
// ladder, budgets at 90 % and 100 %, GitLab's user limit (0: none), the
// Enterprise Server security products and GitLab add-on seats; a GitLab
// renewal silences the expiry as GitLabLicenseExpiringSoon does.
func TestFindingsFollowTheRules(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ts := func(d time.Duration) float64 { return float64(now.Add(d).Unix()) }
	g, lg := gaugeOf, labelledGauge
	budget := func(target, id, sku string, spent, limit float64) []prometheus.Metric {
		scope := "enterprise"
		if id == "personal" {
			scope = "user" // caps one person: no finding, as no alert
		}
		ls := []string{"budget_id", id, "entity", "octo", "scope", scope, "sku", sku}
		return []prometheus.Metric{
			lg(t, "github_enterprise_budget_spent_dollars", target, spent, ls...),
			lg(t, "github_enterprise_budget_limit_dollars", target, limit, ls...),
		}
	}
	c := constCollector{
		g(t, "github_enterprise_seats_consumed", "quiet", 97), g(t, "github_enterprise_seats_purchased", "quiet", 100),
		g(t, "gitlab_license_active_users", "quiet", 500), g(t, "gitlab_license_user_limit", "quiet", 0),
		g(t, "github_enterprise_server_license_expiry_timestamp_seconds", "quiet", ts(91*day)),

		g(t, "github_enterprise_server_license_expiry_timestamp_seconds", "info", ts(60*day)),
		g(t, "gitlab_license_expiry_timestamp_seconds", "critical", ts(5*day)),
		g(t, "gitlab_license_start_timestamp_seconds", "critical", ts(-360*day)),
		// An older license that ran longer is no renewal.
		lg(t, "gitlab_licenses_start_timestamp_seconds", "critical", ts(-400*day), "id", "1", "plan", "premium"),
		lg(t, "gitlab_licenses_expiry_timestamp_seconds", "critical", ts(20*day), "id", "1", "plan", "premium"),
		g(t, "gitlab_license_expiry_timestamp_seconds", "renewed", ts(5*day)),
		g(t, "gitlab_license_start_timestamp_seconds", "renewed", ts(-360*day)),
		lg(t, "gitlab_licenses_start_timestamp_seconds", "renewed", ts(5*day), "id", "2", "plan", "premium"),
		lg(t, "gitlab_licenses_expiry_timestamp_seconds", "renewed", ts(370*day), "id", "2", "plan", "premium"),

		g(t, "gitlab_license_active_users", "gitlab", 98), g(t, "gitlab_license_user_limit", "gitlab", 100),
		lg(t, "gitlab_add_on_seats_assigned", "gitlab", 49, "name", "duo_enterprise"),
		lg(t, "gitlab_add_on_seats_purchased", "gitlab", 50, "name", "duo_enterprise"),
		lg(t, "gitlab_add_on_seats_assigned", "gitlab", 51, "name", "code_suggestions"),
		lg(t, "gitlab_add_on_seats_purchased", "gitlab", 50, "name", "code_suggestions"),
		lg(t, "github_enterprise_server_advanced_security_committers", "ghes", 89, "product", "advanced_security"),
		lg(t, "github_enterprise_server_advanced_security_committers_purchased", "ghes", 90, "product", "advanced_security"),
		lg(t, "github_enterprise_server_advanced_security_committers", "ghes", 0, "product", "code_security"),
		lg(t, "github_enterprise_server_advanced_security_committers_purchased", "ghes", 0, "product", "code_security"),
	}
	c = append(c, budget("billing", "b1", "actions", 95, 100)...)
	c = append(c, budget("billing", "b2", "packages", 240, 216)...)
	c = append(c, budget("billing", "b3", "copilot", 89, 100)...)
	c = append(c, budget("billing", "b4", "actions", 5, 0)...)
	c = append(c, budget("billing", "personal", "copilot", 30, 30)...)
	// Spend unknown (a rejected filter): a limit without a spent series.
	c = append(c, lg(t, "github_enterprise_budget_limit_dollars", "billing", 50, "budget_id", "b5", "entity", "octo", "scope", "enterprise", "sku", "renamed_sku"))
	c = append(c, lg(t, "github_enterprise_budget_limit_dollars", "billing", 50, "budget_id", "b6", "entity", "", "scope", "multi_user_customer", "sku", "actions"))
	got, _ := licenseFindings(c, nil, now)
	want := map[string][]finding{
		"info":     {{Info: true, Text: "the Enterprise Server license expires on 2026-04-30, in 60 days"}},
		"critical": {{Critical: true, Text: "the GitLab license expires on 2026-03-06, in 5 days"}},
		"gitlab": {
			{Critical: true, Text: "GitLab add-on seats (name=code_suggestions): 51 in use, 1 more than the 50 bought"},
			{Text: "GitLab add-on seats (name=duo_enterprise): 49 of 50 in use (98 %)"},
			{Text: "GitLab billable users against the license's user limit: 98 of 100 in use (98 %)"},
		},
		"ghes": {{Text: "Enterprise Server security product committers (product=advanced_security): 89 of 90 in use (99 %)"}},
		"billing": {
			{Critical: true, Text: "budget enterprise octo packages: $240.00 spent of its $216.00 limit this month"},
			{Text: "budget enterprise octo actions: $95.00 spent of its $100.00 limit this month (95 %)"},
			{Text: "budget b5 enterprise octo renamed_sku: spend unknown, so no budget alert can fire for it (the budgets collector's summary says why)"},
		},
	}
	for target, w := range want {
		if fmt.Sprint(got[target]) != fmt.Sprint(w) {
			t.Errorf("%s: findings\n %v\nwant\n %v", target, got[target], w)
		}
	}
	for _, target := range []string{"quiet", "renewed"} {
		if len(got[target]) != 0 {
			t.Errorf("%s: %v, want none", target, got[target])
		}
	}
}

// The status page shows a 404 taken as "no data" as a warning, not OK.
func TestStatusNotFoundIsWarning(t *testing.T) {
	now := time.Now()
	s := collector.Status{State: collector.State{Target: "t", Collector: "budgets", LastAttempt: now, LastSuccess: now,
		Summary: "not available (404): no budgets", Absent: true}, Interval: time.Hour}
	if c := describeCollector(s, now); c.Class != "warn" || c.State != "not available (404)" {
		t.Errorf("class %q, state %q; want warn, not available (404)", c.Class, c.State)
	}
	s.Summary, s.Absent = "3 budgets", false
	if c := describeCollector(s, now); c.Class != "ok" {
		t.Errorf("class %q, want ok", c.Class)
	}
}

// A refresh that runs far longer than its interval shows as failing on the
// status page, whether it is the first or a later one, with the fix.
func TestStatusOverdueIsFailing(t *testing.T) {
	now := time.Now()
	for name, st := range map[string]collector.State{
		"first": {Refreshing: true, Overdue: true, LastError: errors.New("the refresh under way has run for 2h0m0s")},
		"later": {Refreshing: true, Overdue: true, LastAttempt: now.Add(-3 * time.Hour), LastSuccess: now.Add(-3 * time.Hour),
			LastError: errors.New("the refresh under way has run for 2h0m0s")},
	} {
		st.Target, st.Collector = "t", "consumed_licenses"
		s := collector.Status{State: st, Interval: time.Hour, Fix: "the refresh under way has run for 2h0m0s"}
		if c := describeCollector(s, now); c.Class != "fail" || c.State != "FAILING (refresh overdue)" || c.Error == "" {
			t.Errorf("%s: class %q, state %q, error %q; want fail, FAILING (refresh overdue) and the fix", name, c.Class, c.State, c.Error)
		}
	}
}

// TestFindingsAICreditPool: the pool at the rules' thresholds: 90 % used, or
// the month-end forecast reaching it (not on the 1st), metered spend; none
// on a pool of 0.
func TestFindingsAICreditPool(t *testing.T) {
	lg := labelledGauge
	used := func(target string, included, billed float64) []prometheus.Metric {
		ls := []string{"model", "m", "product", "copilot", "sku", "copilot_ai_credit"}
		return []prometheus.Metric{
			lg(t, "github_enterprise_ai_credits_included", target, included/2, ls...),
			lg(t, "github_enterprise_ai_credits_included", target, included/2, "model", "n", "product", "copilot", "sku", "copilot_ai_credit"),
			lg(t, "github_enterprise_ai_credits_billed", target, billed, ls...),
		}
	}
	var c constCollector
	for _, p := range []struct {
		target                 string
		pool, included, billed float64
	}{{"ninety", 10000, 9000, 0}, {"pace", 10000, 6000, 0}, {"calm", 10000, 3000, 0}, {"over", 10000, 10000, 250}, {"zero", 0, 0, 500}} {
		c = append(c, gaugeOf(t, "github_enterprise_ai_credits_pool", p.target, p.pool))
		c = append(c, used(p.target, p.included, p.billed)...)
	}
	// 16 June, 00:00: half the month gone; 6,000 of 10,000 would be 12,000.
	got, _ := licenseFindings(c, nil, time.Date(2026, 6, 16, 0, 0, 0, 0, time.UTC))
	want := map[string]string{
		"ninety": "[{false false AI credit pool: 9000 of 10000 credits used this month (90 %)}]",
		"pace":   "[{false false AI credit pool: 6000 of 10000 credits used this month (60 %); at this pace 12000 by the month's end (UTC)}]",
		"calm":   "[]",
		"over":   "[{false false AI credit pool: 10000 of 10000 credits used this month (100 %)} {false true AI credits beyond the pool are billed this month: 250 so far}]",
		"zero":   "[]",
	}
	for target, w := range want {
		if g := fmt.Sprint(got[target]); g != w {
			t.Errorf("%s: %s, want %s", target, g, w)
		}
	}
	// On the 1st no forecast, as in the rules.
	got, _ = licenseFindings(c, nil, time.Date(2026, 6, 1, 20, 0, 0, 0, time.UTC))
	if g := fmt.Sprint(got["pace"]); g != "[]" {
		t.Errorf("pace on the 1st: %s, want none", g)
	}
}

// TestFindingsStoppedUsers: as GitHubBudgetUsersStopped, users over in a
// multi-user budget that stops usage; not where usage goes on.
func TestFindingsStoppedUsers(t *testing.T) {
	lg := labelledGauge
	prevent := func(id string, v float64) prometheus.Metric {
		return lg(t, "github_enterprise_budget_prevent_further_usage", "e", v, "budget_id", id, "entity", "", "scope", "multi_user_customer", "sku", "copilot")
	}
	c := constCollector{
		prevent("stop", 1), prevent("go", 0), prevent("calm", 1),
		lg(t, "github_enterprise_budget_users", "e", 3, "budget_id", "stop", "state", "over"),
		lg(t, "github_enterprise_budget_users", "e", 9, "budget_id", "stop", "state", "near"),
		lg(t, "github_enterprise_budget_users", "e", 4, "budget_id", "go", "state", "over"),
		lg(t, "github_enterprise_budget_users", "e", 0, "budget_id", "calm", "state", "over"),
		lg(t, "github_enterprise_budget_users", "e", 5, "budget_id", "calm", "state", "near"),
	}
	got, _ := licenseFindings(c, nil, time.Date(2026, 6, 16, 0, 0, 0, 0, time.UTC))
	if g, w := fmt.Sprint(got["e"]), "[{false false budget stop: 3 users over their amount and stopped until the 1st (UTC)}]"; g != w {
		t.Errorf("findings = %s, want %s", g, w)
	}
}

// TestFindingsOrgsAndGroups: organizations and GitLab.com groups get the
// findings of their alerts: plan seats at 98 %, an organization's budgets,
// subscription seats at 98 % and seats owed (not for a trial), the
// subscription's expiry ladder, and a self-managed true-up owed although
// overage reads 0.
func TestFindingsOrgsAndGroups(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	ts := func(d time.Duration) float64 { return float64(now.Add(d).Unix()) }
	g, lg := gaugeOf, labelledGauge
	bl := []string{"budget_id", "o1", "entity", "org", "scope", "organization", "sku", "actions"}
	c := constCollector{
		g(t, "github_org_seats_consumed", "org", 49), g(t, "github_org_seats_purchased", "org", 50),
		lg(t, "github_org_budget_spent_dollars", "org", 100, bl...),
		lg(t, "github_org_budget_limit_dollars", "org", 100, bl...),
		g(t, "github_org_seats_consumed", "org-over", 52), g(t, "github_org_seats_purchased", "org-over", 50),

		lg(t, "gitlab_subscription_seats", "group", 80, "kind", "purchased"),
		lg(t, "gitlab_subscription_seats", "group", 82, "kind", "in_use"),
		lg(t, "gitlab_subscription_seats", "group", 2, "kind", "owed"),
		g(t, "gitlab_subscription_trial", "group", 0),
		g(t, "gitlab_subscription_end_timestamp_seconds", "group", ts(20*day)),

		lg(t, "gitlab_subscription_seats", "trial", 10, "kind", "purchased"),
		lg(t, "gitlab_subscription_seats", "trial", 30, "kind", "in_use"),
		lg(t, "gitlab_subscription_seats", "trial", 20, "kind", "owed"),
		g(t, "gitlab_subscription_trial", "trial", 1),
		g(t, "gitlab_subscription_end_timestamp_seconds", "trial", ts(5*day)),

		g(t, "gitlab_subscription_end_timestamp_seconds", "ended", ts(-day)),
		g(t, "gitlab_subscription_trial", "ended", 0),

		g(t, "gitlab_license_maximum_users", "peaked", 110), g(t, "gitlab_license_user_limit", "peaked", 100),
		g(t, "gitlab_license_overage_users", "peaked", 0),
	}
	got, _ := licenseFindings(c, nil, now)
	want := map[string][]finding{
		"org": {
			{Critical: true, Text: "budget organization org actions: $100.00 spent of its $100.00 limit this month"},
			{Text: "GitHub plan seats of the organization: 49 of 50 in use (98 %)"},
		},
		"group": {
			{Text: "GitLab.com subscription seats: 82 of 80 in use (102 %)"},
			{Text: "GitLab.com subscription: 2 seats owed, billed at the next reconciliation"},
			{Text: "the GitLab.com subscription expires on 2026-03-21, in 20 days"},
		},
		"ended":  {{Critical: true, Text: "the GitLab.com subscription expired on 2026-02-28"}},
		"peaked": {{Text: "GitLab: a true-up is owed for up to 10 users: the license period's peak is 110 against a user limit of 100"}},
	}
	for target, w := range want {
		if !reflect.DeepEqual(got[target], w) {
			t.Errorf("%s: findings = %+v, want %+v", target, got[target], w)
		}
	}
	for _, quiet := range []string{"trial", "org-over"} {
		if len(got[quiet]) != 0 {
			t.Errorf("%s: findings %+v, want none", quiet, got[quiet])
		}
	}
}

// A refresh that left part of the data out (a refused subscription read, a
// hidden plan) is a warning on the page too, not "not available (404)".
func TestStatusPartialIsWarning(t *testing.T) {
	now := time.Now()
	s := collector.Status{State: collector.State{Target: "g", Collector: "gitlab_subscription", LastAttempt: now, LastSuccess: now,
		Summary: "default plan; from GET /namespaces/:id", Partial: true}, Interval: time.Hour}
	if c := describeCollector(s, now); c.Class != "warn" || c.State != "partial data (the summary says what is missing)" {
		t.Errorf("class %q, state %q; want warn, partial data", c.Class, c.State)
	}
}
