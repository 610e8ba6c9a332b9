package collector

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

const usageLinksPath = "/enterprises/octo-corp/copilot/metrics/reports/enterprise-28-day/latest"

func copilotUsageAt(t *testing.T, base string, now *time.Time) *copilotUsageCollector {
	t.Helper()
	c := newCollector(t, "copilot_usage", fixtureTarget(base)).(*copilotUsageCollector)
	c.now = func() time.Time { return *now }
	return c
}

// GitHub's example schema, served as two parts (its first record as a JSON
// array, its second as NDJSON) from a second loopback host: the latest day
// of both enterprises of the example, added up.
func TestCopilotUsageGolden(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	reports := httptest.NewServer(sim) // a second host: another port
	t.Cleanup(reports.Close)
	sim.SetReportsURL(reports.URL)
	now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
	c := copilotUsageAt(t, base, &now)
	assertGolden(t, c, "copilot_usage")
	gets, creds := sim.ReportDownloads()
	if len(gets) != 2 || creds != 0 {
		t.Errorf("report downloads = %q with %d credentials, want the 2 parts and none", gets, creds)
	}
	if !strings.Contains(c.Summary(), "4 active Copilot users on 2025-10-01") {
		t.Errorf("summary = %q", c.Summary())
	}
}

// At most once a day: a refresh within 24 hours serves the last report
// without a request; the next day reads again.
func TestCopilotUsageOnceADay(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
	c := copilotUsageAt(t, base, &now)
	for i, step := range []time.Duration{0, time.Hour, 23 * time.Hour} {
		now = now.Add(step)
		metrics, err := runUpdate(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if got := values(t, metrics)[`github_enterprise_copilot_users_active{target="test",window="day"}`]; got != 4 {
			t.Errorf("refresh %d: daily active = %v, want 4", i, got)
		}
	}
	if n := sim.Hits(usageLinksPath); n != 2 {
		t.Errorf("links requests = %d, want 2 (the first read and the next day's)", n)
	}
}

// A link that has expired by the time it is fetched (403) gets fresh links
// once; a second 403 fails the refresh.
func TestCopilotUsageFreshLinksOnce(t *testing.T) {
	for _, tc := range []struct {
		refusals int32
		ok       bool
	}{{1, true}, {2, false}} {
		sim, base := startSim(t, simulator.Options{})
		var refused atomic.Int32
		sim.SetFault(simulator.ReportsPrefix, func(w http.ResponseWriter, r *http.Request) {
			if refused.Add(1) <= tc.refusals {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			sim.SetFault(simulator.ReportsPrefix, nil)
			http.Redirect(w, r, r.URL.RequestURI(), http.StatusTemporaryRedirect) // same host: now served
		})
		now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
		_, err := runUpdate(t, copilotUsageAt(t, base, &now))
		if (err == nil) != tc.ok {
			t.Errorf("%d refusals: err = %v, want ok=%v", tc.refusals, err, tc.ok)
		}
		if n, want := sim.Hits(usageLinksPath), 2; n != want {
			t.Errorf("%d refusals: links requests = %d, want %d", tc.refusals, n, want)
		}
	}
}

// The policy off: 404, or a 403 that names it, is not available with the
// fix; a 403 for the credential is a failure.
func TestCopilotUsageNotAvailable(t *testing.T) {
	for _, tc := range []struct {
		status    int
		message   string
		available bool
	}{
		{http.StatusNotFound, "Not Found", false},
		{http.StatusForbidden, "Copilot Usage Metrics API access is disabled for this enterprise by policy", false},
		{http.StatusForbidden, "Resource not accessible by personal access token", true},
	} {
		sim, base := startSim(t, simulator.Options{})
		sim.SetFault(usageLinksPath, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			fmt.Fprintf(w, `{"message": %q}`, tc.message)
		})
		now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
		c := copilotUsageAt(t, base, &now)
		metrics, err := runUpdate(t, c)
		if tc.available {
			if err == nil {
				t.Errorf("%d %q: a credential's 403 must fail the refresh", tc.status, tc.message)
			}
			continue
		}
		if err != nil || len(metrics) != 0 || !c.Absent() || !strings.Contains(c.Summary(), "Copilot usage metrics") {
			t.Errorf("%d: err %v, %d metrics, absent %v, summary %q; want not available with the policy fix", tc.status, err, len(metrics), c.Absent(), c.Summary())
		}
	}
}

// Bad records are skipped and counted; a report over the cap, or cut off,
// fails the refresh and keeps nothing of it.
func TestCopilotUsageRecords(t *testing.T) {
	good := `{"day_totals":[{"day":"2025-10-01","daily_active_users":5,"weekly_active_users":"7","monthly_active_users":9},{"day":"2025-09-30","daily_active_users":50}],"enterprise_id":"1","report_end_day":"2025-10-01"}`
	for _, tc := range []struct {
		name, body string
		want       map[string]float64
		fails      bool
	}{
		{"ndjson with bad lines", good + "\nnot json\n7\n{\"day_totals\":\"x\"}\n\n", map[string]float64{"day": 5, "week": 7, "month": 9, "skipped": 3}, false},
		{"array", "\ufeff[" + good + `, null, {"day":"2025-10-02","daily_active_users":1}]`, map[string]float64{"day": 1, "skipped": 1}, false},
		{"cut array", "[" + good + `, {"day":"2025-10-0`, nil, true},
		{"over the cap", good + "\n" + strings.Repeat(" ", copilotUsageMaxBytes), nil, true},
	} {
		sim, base := startSim(t, simulator.Options{})
		sim.SetFault(simulator.ReportsPrefix, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, tc.body) })
		sim.SetFault(usageLinksPath, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"download_links": ["http://%s%spart-1?sig=a"], "report_start_day": "2025-09-04", "report_end_day": "2025-10-01"}`, r.Host, simulator.ReportsPrefix)
		})
		now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
		metrics, err := runUpdate(t, copilotUsageAt(t, base, &now))
		if tc.fails {
			if err == nil {
				t.Errorf("%s: refresh succeeded", tc.name)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := values(t, metrics)
		for k, v := range tc.want {
			key := fmt.Sprintf(`github_enterprise_copilot_users_active{target="test",window="%s"}`, k)
			if k == "skipped" {
				key = `github_enterprise_copilot_usage_report_records_skipped{target="test"}`
			}
			if got[key] != v {
				t.Errorf("%s: %s = %v, want %v", tc.name, key, got[key], v)
			}
		}
		if _, ok := got[`github_enterprise_copilot_users_active{target="test",window="week"}`]; !ok && tc.want["week"] != 0 || ok && tc.want["week"] == 0 {
			t.Errorf("%s: week present %v, want %v (a count not read is left out)", tc.name, ok, tc.want["week"] != 0)
		}
	}
}

// The cap holds for a report's files together: two parts that each fit
// but not both fail the refresh.
func TestCopilotUsageCapOverParts(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	part := `{"day_totals":[{"day":"2025-10-01","daily_active_users":5}]}` + "\n"
	sim.SetFault(simulator.ReportsPrefix, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, part) })
	sim.SetFault(usageLinksPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"download_links": ["http://%[1]s%[2]sa?sig=1", "http://%[1]s%[2]sb?sig=2"], "report_end_day": "2025-10-01"}`, r.Host, simulator.ReportsPrefix)
	})
	now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		cap int64
		ok  bool
	}{{int64(2 * len(part)), true}, {int64(2*len(part) - 1), false}} {
		c := copilotUsageAt(t, base, &now)
		c.maxBytes = tc.cap
		if _, err := runUpdate(t, c); (err == nil) != tc.ok {
			t.Errorf("cap %d for two parts of %d bytes: err = %v, want ok=%v", tc.cap, len(part), err, tc.ok)
		}
	}
}

func FuzzCopilotReportRecords(f *testing.F) {
	f.Add([]byte(`[{"day_totals":[{"day":"2025-10-01","daily_active_users":2}]}]`))
	f.Add([]byte("{\"day\":\"2025-10-01\"}\nnot json\n"))
	f.Add([]byte(`[1, {"day_totals": null}, "x"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a := newActiveUsers()
		_, _ = decodeRecords(strings.NewReader(string(b)), a.add)
		s := &creditSpread{users: map[uint64]float64{}}
		_, _ = decodeRecords(strings.NewReader(string(b)), s.add)
		s.build()
	})
}

// A day on which GitHub hands out no report files keeps the last report
// read: a gap at GitHub never drops the last good data.
func TestCopilotUsageNoFilesKeepsLastReport(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	now := time.Date(2025, 10, 4, 12, 0, 0, 0, time.UTC)
	c := copilotUsageAt(t, base, &now)
	if _, err := runUpdate(t, c); err != nil {
		t.Fatal(err)
	}
	sim.SetFault(usageLinksPath, simulator.JSONFault(http.StatusOK, `{"download_links": [], "report_start_day": "2025-09-05", "report_end_day": "2025-10-02"}`))
	now = now.Add(25 * time.Hour)
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if got := values(t, metrics)[`github_enterprise_copilot_users_active{target="test",window="day"}`]; got != 4 || c.Absent() {
		t.Errorf("daily active = %v, absent %v after a day without files; want the last report's 4", got, c.Absent())
	}
	if n := sim.Hits(usageLinksPath); n != 2 {
		t.Errorf("links requests = %d, want 2", n)
	}
}
