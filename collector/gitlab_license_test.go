package collector

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func gitlabTarget(url string) *config.Target {
	return &config.Target{Type: config.TypeGitLab, APIURL: url}
}

func TestGitLabLicenseGolden(t *testing.T) {
	// api_url is the instance's base URL, with or without a trailing slash
	// or /api/v4; the client adds /api/v4 and sends PRIVATE-TOKEN (the
	// simulator refuses anything else).
	for _, suffix := range []string{"", "/", "/api/v4"} {
		t.Run("base"+suffix, func(t *testing.T) {
			url, paths := startRecordingSim(t)
			assertGolden(t, newCollector(t, "gitlab_license", gitlabTarget(url+suffix)), "gitlab_license")
			// Never the usage export: reading it marks usage data as exported.
			want := []string{"/api/v4/license", "/api/v4/licenses"}
			if got := paths(); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("requested %v, want %v", got, want)
			}
		})
	}
}

// Community Edition answers 404 to /license while /version answers: the
// collector says the license API belongs to Enterprise Edition and succeeds
// with no data. Where /version fails too, or says Enterprise Edition, the
// 404 stays an error (wrong api_url, or a role missing).
func TestGitLabLicenseCommunityEdition(t *testing.T) {
	for name, tc := range map[string]struct {
		version string // body of /version; empty: 404
		wantErr bool
	}{
		"CE 15.5+":       {version: `{"version":"17.2.1","revision":"abc","enterprise":false}`},
		"CE before 15.5": {version: `{"version":"15.4.0","revision":"abc"}`},
		"EE":             {version: `{"version":"17.2.1-ee","revision":"abc","enterprise":true}`, wantErr: true},
		"no /version":    {wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			sim, url := startSim(t, simulator.Options{})
			sim.SetFault("/api/v4/license", func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
			})
			sim.SetFault("/api/v4/version", func(w http.ResponseWriter, r *http.Request) {
				if tc.version == "" {
					http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.version))
			})
			c := newCollector(t, "gitlab_license", gitlabTarget(url))
			ms, err := runUpdate(t, c)
			if tc.wantErr {
				if !api.IsKind(err, api.KindNotFound) {
					t.Fatalf("err = %v, want the 404", err)
				}
				return
			}
			if err != nil || len(ms) != 0 {
				t.Fatalf("err = %v, %d metrics; want success with no data", err, len(ms))
			}
			if s := c.(Summarizer).Summary(); !strings.Contains(s, "Community Edition") || !strings.Contains(s, "Enterprise Edition") || strings.Contains(s, "api_url") {
				t.Errorf("summary %q", s)
			}
		})
	}
}

func TestGitLabLicenseAddOns(t *testing.T) {
	l, err := decodeJSON[*gitlabLicense]([]byte(`{"id":1,"plan":"premium","add_ons":{"GitLab_FileLocks":1,"GitLab_Auditor_User":"3"," GitLab_Auditor_User ":4,"Odd":null,"Bad":{"x":1},"":2}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectGitLabLicense("test", l, ch) })
	n := 0
	for k, v := range got {
		if strings.HasPrefix(k, "gitlab_license_add_on{") {
			n++
			if k == `gitlab_license_add_on{name="GitLab_Auditor_User",target="test"}` && v != 4 && v != 3 {
				t.Errorf("%s = %v", k, v)
			}
		}
	}
	if n != 2 || got[`gitlab_license_add_on{name="GitLab_FileLocks",target="test"}`] != 1 {
		t.Errorf("want FileLocks and one Auditor_User, got %v", got)
	}
}

func TestGitLabLicenseFailures(t *testing.T) {
	for path, kind := range map[string]api.Kind{
		"/api/v4/license":  api.KindNotFound, // api_url wrong: /version fails too
		"/api/v4/licenses": api.KindPermission,
	} {
		t.Run(path, func(t *testing.T) {
			sim, url := startSim(t, simulator.Options{})
			code := http.StatusNotFound
			if kind == api.KindPermission {
				code = http.StatusForbidden
			}
			sim.SetFault(path, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(code)
				_, _ = w.Write([]byte(`{"message":"denied"}`))
			})
			_, err := runUpdate(t, newCollector(t, "gitlab_license", gitlabTarget(url)))
			if !api.IsKind(err, kind) {
				t.Errorf("err = %v, want %v", err, kind)
			}
		})
	}
}

func TestGitLabLicenseOddValues(t *testing.T) {
	l, err := decodeJSON[*gitlabLicense]([]byte(`{"id":7.0,"plan":"Premium","starts_at":"2024-03-01","expires_at":null,
	  "historical_max":"12","maximum_user_count":null,"expired":"","overage":0.0,"user_limit":0,"active_users":12,
	  "licensee":null,"add_ons":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectGitLabLicense("test", l, ch) })
	want := map[string]float64{
		`gitlab_license_user_limit{target="test"}`:                 0, // no limit, as GitLab writes it
		`gitlab_license_active_users{target="test"}`:               12,
		`gitlab_license_overage_users{target="test"}`:              0,
		`gitlab_license_historical_max_users{target="test"}`:       12,
		`gitlab_license_start_timestamp_seconds{target="test"}`:    1709251200,
		`gitlab_license_info{id="7",plan="premium",target="test"}`: 1,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for _, k := range []string{"gitlab_license_expiry_timestamp_seconds", "gitlab_license_expired", "gitlab_license_maximum_users"} {
		if v, ok := got[k+`{target="test"}`]; ok {
			t.Errorf("%s = %v, want it left out (never expires / empty)", k, v)
		}
	}

	none, err := decodeJSON[*gitlabLicense]([]byte("null"))
	if err != nil || none != nil {
		t.Errorf("no license installed: %v, %v", none, err)
	}
	if !strings.HasPrefix(gitlabSummary(none, 0), "no current license") {
		t.Error(gitlabSummary(none, 0))
	}
}

func TestGitLabLicensesBounded(t *testing.T) {
	var all []map[string]any
	for i := 1; i <= maxGitLabLicenses+5; i++ {
		all = append(all, map[string]any{"id": i, "plan": "ultimate", "user_limit": i, "expires_at": nil, "starts_at": "2020-01-01"})
	}
	all = append(all, all[len(all)-1]) // a repeated id must not break the scrape
	b, _ := json.Marshal(all)
	ls, err := decodeJSON[[]gitlabLicense](b)
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan prometheus.Metric, 1000)
	collectGitLabLicenses("test", ls, ch)
	close(ch)
	var ms []prometheus.Metric
	for m := range ch {
		ms = append(ms, m)
	}
	got := values(t, ms) // fails on duplicate series
	if got[`gitlab_licenses{target="test"}`] != float64(len(all)) {
		t.Errorf("count = %v", got[`gitlab_licenses{target="test"}`])
	}
	limits := 0
	for k := range got {
		if strings.HasPrefix(k, "gitlab_licenses_user_limit{") {
			limits++
		}
		if strings.HasPrefix(k, "gitlab_licenses_expiry_timestamp_seconds{") {
			t.Errorf("%s: licenses that never expire have no expiry", k)
		}
	}
	if limits != maxGitLabLicenses {
		t.Errorf("%d licenses detailed, want %d", limits, maxGitLabLicenses)
	}
	// The most recent ones (ids 6..25, numerically) are kept.
	if _, ok := got[`gitlab_licenses_user_limit{id="25",plan="ultimate",target="test"}`]; !ok {
		t.Error("license 25 missing")
	}
	if _, ok := got[`gitlab_licenses_user_limit{id="5",plan="ultimate",target="test"}`]; ok {
		t.Error("license 5 kept over newer ones")
	}
}

func FuzzParseGitLabLicense(f *testing.F) {
	f.Add(simulator.Fixture("gitlab-license.json"))
	f.Add(simulator.Fixture("gitlab-licenses.json"))
	f.Add([]byte("null"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ch := make(chan prometheus.Metric, 1000)
		if l, err := decodeJSON[*gitlabLicense](b); err == nil && l != nil {
			collectGitLabLicense("test", l, ch)
			_ = gitlabSummary(l, 1)
		}
		if ls, err := decodeJSON[[]gitlabLicense](b); err == nil && len(ls) < 100 {
			collectGitLabLicenses("test", ls, ch)
		}
	})
}

func TestGitLabWithoutLicense(t *testing.T) {
	// Enterprise Edition without a license: /license is null, /licenses
	// empty, and the export would fail with a 500, so it is not asked for.
	sim, url := startSim(t, simulator.Options{})
	for path, body := range map[string]string{"/api/v4/license": "null", "/api/v4/licenses": "[]"} {
		sim.SetFault(path, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != path {
				http.Error(w, "server error", http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		})
	}
	c := newCollector(t, "gitlab_license", gitlabTarget(url))
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if got := values(t, metrics); len(got) != 1 || got[`gitlab_licenses{target="test"}`] != 0 {
		t.Errorf("got %v, want only gitlab_licenses 0", got)
	}
	if s := c.(Summarizer).Summary(); s != "no current license, 0 uploaded" {
		t.Errorf("summary = %q", s)
	}
}

// GitLab's own /version example is Enterprise Edition (18.1.1-ee,
// enterprise: true): a 404 from /license there stays an error.
func TestGitLabEditionOfExample(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	src := newTestTarget(t, gitlabTarget(url))
	ed, ok := gitlabEditionOf(context.Background(), src.Client)
	if !ok || !ed.enterprise || ed.version != "18.1.1-ee" {
		t.Errorf("edition %+v, %v; want Enterprise Edition 18.1.1-ee", ed, ok)
	}
	sim.SetFault("/api/v4/license", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
	})
	if _, err := runUpdate(t, newCollector(t, "gitlab_license", gitlabTarget(url))); !api.IsKind(err, api.KindNotFound) {
		t.Errorf("err = %v, want the 404", err)
	}
}
