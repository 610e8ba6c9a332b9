package collector

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// serverTarget is an Enterprise Server target of the simulator: api_url
// ends in /api/v3, as on a real instance.
func serverTarget(url string) *config.Target {
	return &config.Target{Type: config.TypeGitHubServer, APIURL: url + "/api/v3"}
}

// startRecordingSim is startSim that also records the raw request paths,
// to prove which base URL a collector used.
func startRecordingSim(t *testing.T) (string, func() []string) {
	t.Helper()
	sim := simulator.New(simulator.Options{})
	var (
		mu    sync.Mutex
		paths []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), paths...)
	}
}

func TestServerLicenseGolden(t *testing.T) {
	url, paths := startRecordingSim(t)
	assertGolden(t, newCollector(t, "server_license", serverTarget(url)), "server_license")
	if got := paths(); len(got) != 1 || got[0] != "/api/v3/enterprise/settings/license" {
		t.Errorf("requested %v, want the license under /api/v3", got)
	}
}

func TestServerLicenseFixtureValues(t *testing.T) {
	l, err := decodeJSON[serverLicense](simulator.Fixture("ghes-3.19-enterprise-settings-license.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectServerLicense("test", l, ch) })
	// 2016/02/06 12:41:52 -0600 is 18:41:52 UTC.
	if v := got[`github_enterprise_server_license_expiry_timestamp_seconds{target="test"}`]; v != 1454784112 {
		t.Errorf("expiry = %v, want 1454784112", v)
	}
	if got[`github_enterprise_server_license_seats{target="test"}`] != 1400 || got[`github_enterprise_server_license_seats_used{target="test"}`] != 1316 ||
		got[`github_enterprise_server_license_seats_available{target="test"}`] != 84 || got[`github_enterprise_server_license_info{kind="standard",target="test"}`] != 1 {
		t.Errorf("got %v", got)
	}
}

func TestServerLicenseOddValues(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want map[string]float64 // series that must be there
		none []string           // series that must not
	}{
		"unlimited seats": {
			body: `{"seats":"unlimited","seats_used":1316.0,"seats_available":"unlimited","kind":"Perpetual","expire_at":"2030/01/01 00:00:00 +0000"}`,
			want: map[string]float64{"seats_unlimited": 1, "seats_used": 1316, "expiry_timestamp_seconds": 1893456000},
			none: []string{"seats", "seats_available"},
		},
		"no expiry": {
			body: `{"seats":10,"seats_used":"3","seats_available":7,"kind":null,"days_until_expiration":null,"expire_at":null}`,
			want: map[string]float64{"seats": 10, "seats_used": 3, "seats_unlimited": 0},
			none: []string{"expiry_timestamp_seconds"},
		},
		"empty expiry and garbage": {
			body: `{"seats":null,"seats_used":true,"expire_at":"","kind":"","extra":{"x":[1]}}`,
			none: []string{"seats", "seats_used", "seats_unlimited", "expiry_timestamp_seconds"},
		},
		"unparsable expiry": {
			body: `{"seats":5,"expire_at":"next tuesday"}`,
			want: map[string]float64{"seats": 5},
			none: []string{"expiry_timestamp_seconds"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			l, err := decodeJSON[serverLicense]([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			got := sent(t, func(ch chan<- prometheus.Metric) { collectServerLicense("test", l, ch) })
			series := func(s string) string { return "github_enterprise_server_license_" + s + `{target="test"}` }
			for s, v := range tc.want {
				if g, ok := got[series(s)]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", s, g, ok, v)
				}
			}
			for _, s := range tc.none {
				if v, ok := got[series(s)]; ok {
					t.Errorf("%s = %v, want it left out", s, v)
				}
			}
			info := 0
			for k := range got {
				if strings.HasPrefix(k, "github_enterprise_server_license_info{") {
					info++
				}
			}
			if info != 1 {
				t.Errorf("want exactly one info series, got %v", got)
			}
		})
	}
}

// The release comes from the header of the license answer, at no extra
// request; without the header there is no info series rather than an empty
// version.
func TestServerInfoFromHeader(t *testing.T) {
	for _, version := range []string{"3.17.1", ""} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if version != "" {
				w.Header().Set("X-GitHub-Enterprise-Version", version)
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(simulator.Fixture("ghes-3.19-enterprise-settings-license.json"))
		}))
		ms, err := runUpdate(t, newCollector(t, "server_license", serverTarget(srv.URL)))
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := values(t, ms)
		v, ok := got[`github_enterprise_server_info{target="test",version="3.17.1"}`]
		if version != "" && (!ok || v != 1) {
			t.Errorf("no info series for %s in %v", version, got)
		}
		for k := range got {
			if version == "" && strings.HasPrefix(k, "github_enterprise_server_info") {
				t.Errorf("info series %s without a header", k)
			}
		}
	}
}

func TestServerLicenseNotSiteAdmin(t *testing.T) {
	// GHES answers 404 to a token that is not a site administrator's.
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/enterprise/settings/license", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	})
	_, err := runUpdate(t, newCollector(t, "server_license", serverTarget(url)))
	if !api.IsKind(err, api.KindNotFound) || !strings.Contains(err.Error(), "server license") {
		t.Errorf("err = %v, want a not-found error naming the collector", err)
	}
}

func TestServerLicenseWithoutRateLimiting(t *testing.T) {
	// GHES has rate limiting off by default: no X-RateLimit headers, and
	// /rate_limit answers 404. Neither may matter to the collectors.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/enterprise/settings/license" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-GitHub-Enterprise-Version", simulator.ServerVersion) // sent even with rate limiting off
		_, _ = w.Write(simulator.Fixture("ghes-3.19-enterprise-settings-license.json"))
	}))
	t.Cleanup(srv.Close)
	c := newCollector(t, "server_license", serverTarget(srv.URL))
	assertGolden(t, c, "server_license")
	if s := c.(Summarizer).Summary(); s != "1316 of 1400 seats used, expires 2016-02-06" {
		t.Errorf("summary = %q", s)
	}
}

func FuzzParseServerLicense(f *testing.F) {
	f.Add(simulator.Fixture("ghes-3.19-enterprise-settings-license.json"))
	f.Add([]byte(`{"seats":"unlimited","expire_at":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := decodeJSON[serverLicense](b)
		if err != nil {
			return
		}
		ch := make(chan prometheus.Metric, 10)
		collectServerLicense("test", l, ch)
	})
}
