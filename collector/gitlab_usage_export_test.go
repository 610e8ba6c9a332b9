package collector

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestUsageExportFixture(t *testing.T) {
	// The license key spans two lines inside quotes; the counts follow a
	// blank "","" line.
	row, ok, err := parseUsageExport(simulator.Fixture("gitlab-license-usage-export.csv"))
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if want := time.Date(2023, 9, 4, 12, 0, 12, 0, time.UTC); row.Users != 21 || !row.At.Equal(want) {
		t.Errorf("row = %+v, want 21 at %s", row, want)
	}
}

func TestUsageExportOddShapes(t *testing.T) {
	for name, tc := range map[string]struct {
		body  string
		ok    bool
		users float64
	}{
		"empty":               {body: ""},
		"header only":         {body: "License Key,abc\nEmail,a@b.c\n\"\",\"\"\nDate,Billable User Count\n"},
		"no count section":    {body: "License Key,abc\nEmail,a@b.c\n"},
		"rows out of order":   {body: "Date,Billable User Count\n2023-09-04 12:00:12,30\n2023-07-11 12:00:05,21\n", ok: true, users: 30},
		"float and junk rows": {body: "Date,Billable User Count\n2023-07-11,20.0\nnot a date,\n2023-07-12,NaN\n2023-07-13,-4\n,\n2023-07-14,22.0,extra\n", ok: true, users: 22},
		"undated rows":        {body: "Date,Billable User Count\nyesterday,5\ntoday,6\n", ok: true, users: 6},
		"CRLF and spaces":     {body: "Date, Billable User Count\r\n2023-07-11 12:00:05, 21\r\n", ok: true, users: 21},
		"stray quote":         {body: "License Key,\"ab\"c\nDate,Billable User Count\n2023-07-11,7\n", ok: true, users: 7},
		"count before header": {body: "2023-07-11,99\nDate,Billable User Count\n2023-07-12,8\n", ok: true, users: 8},
	} {
		t.Run(name, func(t *testing.T) {
			row, ok, err := parseUsageExport([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.ok || (ok && row.Users != tc.users) {
				t.Errorf("got %+v ok %v, want %v ok %v", row, ok, tc.users, tc.ok)
			}
		})
	}
}

func FuzzParseUsageExport(f *testing.F) {
	f.Add(simulator.Fixture("gitlab-license-usage-export.csv"))
	f.Add([]byte("Date,Billable User Count\n2023-07-11,1\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		row, ok, err := parseUsageExport(b)
		if err != nil && ok {
			t.Fatal("an error with a row")
		}
		if ok && row.Users < 0 {
			t.Fatalf("negative count %v", row.Users)
		}
	})
}

func TestUsageExportGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "gitlab_usage_export", gitlabTarget(url)), "gitlab_usage_export")
}

// Reading the export marks usage data as exported, so the collector reads it
// at most once a day, whatever the refresh interval, and serves the same row
// in between. A failed read is retried (the cache backs off).
func TestUsageExportOnceADay(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	const path = "/api/v4/license/usage_export.csv"
	c := newCollector(t, "gitlab_usage_export", gitlabTarget(url)).(*gitlabUsageExportCollector)
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }

	sim.SetFault(path, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"500 Internal Server Error"}`, http.StatusInternalServerError)
	})
	if _, err := runUpdate(t, c); err == nil {
		t.Fatal("want the failure")
	}
	sim.SetFault(path, nil)
	for i, step := range []struct {
		after time.Duration
		hits  int
	}{{0, 2}, {time.Minute, 2}, {23 * time.Hour, 2}, {time.Hour, 3}, {time.Hour, 3}} {
		now = now.Add(step.after)
		ms, err := runUpdate(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if got := values(t, ms)[`gitlab_license_billable_users{target="test"}`]; got != 21 {
			t.Errorf("step %d: billable users %v, want 21 every time", i, got)
		}
		if h := sim.Hits(path); h != step.hits {
			t.Errorf("step %d: %d reads of the export, want %d", i, h, step.hits)
		}
	}
}

func TestUsageExportOffByDefault(t *testing.T) {
	spec, ok := SpecOf("gitlab_usage_export")
	if !ok || spec.Default {
		t.Fatal("gitlab_usage_export must exist and be off by default")
	}
	for _, name := range Catalog().Enabled(&config.Target{Type: config.TypeGitLab}) {
		if name == "gitlab_usage_export" {
			t.Error("a GitLab target without a collectors list reads the usage export")
		}
	}
}

func TestUsageExportNotFound(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/api/v4/license/usage_export.csv", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
	})
	// Turned on by hand, a GitLab without the export is a fault to report.
	if _, err := runUpdate(t, newCollector(t, "gitlab_usage_export", gitlabTarget(url))); !api.IsKind(err, api.KindNotFound) {
		t.Errorf("err = %v, want 404", err)
	}
}

// TestUsageExportCommunityEdition: Community Edition has no usage export;
// its 404 gets gitlab_license's Enterprise Edition explanation, not the
// "check api_url" hint, and is no failure.
func TestUsageExportCommunityEdition(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/api/v4/license/usage_export.csv", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
	})
	sim.SetFault("/api/v4/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"version":"17.2.1","revision":"abc","enterprise":false}`))
	})
	c := newCollector(t, "gitlab_usage_export", gitlabTarget(url))
	ms, err := runUpdate(t, c)
	if err != nil || len(ms) != 0 {
		t.Fatalf("err = %v, %d metrics; want success with no data", err, len(ms))
	}
	if s := c.(Summarizer).Summary(); !strings.Contains(s, "is Community Edition; the license usage export") || !strings.Contains(s, "Enterprise Edition") || strings.Contains(s, "api_url") {
		t.Errorf("summary %q", s)
	}
}
