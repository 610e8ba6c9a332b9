package collector

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestAdminStatsGolden(t *testing.T) {
	url, paths := startRecordingSim(t)
	assertGolden(t, newCollector(t, "admin_stats", serverTarget(url)), "admin_stats")
	if got := paths(); len(got) != 1 || got[0] != "/api/v3/enterprise/stats/all" {
		t.Errorf("requested %v, want stats/all under /api/v3", got)
	}
}

func TestAdminStatsFixtureCovered(t *testing.T) {
	// Every figure of the documented example becomes a series, except the
	// wholes that are exported as the sum of their labelled parts.
	s, err := decodeJSON[serverStats](simulator.Fixture("ghes-3.19-enterprise-stats-all.json"))
	if err != nil {
		t.Fatal(err)
	}
	mapped := map[[2]string]bool{}
	for _, st := range adminStats {
		mapped[[2]string{st.section, st.field}] = true
	}
	sumOfParts := map[[2]string]bool{{"hooks", "total_hooks"}: true, {"issues", "total_issues"}: true, {"milestones", "total_milestones"}: true}
	for section, figures := range s {
		for field := range figures {
			k := [2]string{section, field}
			if !mapped[k] && !sumOfParts[k] {
				t.Errorf("%s.%s is not exported", section, field)
			}
		}
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectAdminStats("test", s, ch) })
	for whole, parts := range map[string][]string{
		"hooks":      {`github_enterprise_server_hooks{state="active",target="test"}`, `github_enterprise_server_hooks{state="inactive",target="test"}`},
		"issues":     {`github_enterprise_server_issues{state="closed",target="test"}`, `github_enterprise_server_issues{state="open",target="test"}`},
		"milestones": {`github_enterprise_server_milestones{state="closed",target="test"}`, `github_enterprise_server_milestones{state="open",target="test"}`},
	} {
		sum := 0.0
		for _, p := range parts {
			sum += got[p]
		}
		if want := s.get(whole, "total_"+whole).Value; sum != want {
			t.Errorf("sum of %s parts = %v, want the total %v", whole, sum, want)
		}
	}
}

func TestAdminStatsOddValues(t *testing.T) {
	body := `{"users":{"total_users":254.0,"admin_users":"45","suspended_users":null},
	  "repos":"not an object","orgs":null,"pulls":[1,2],
	  "issues":{"open_issues":"many","closed_issues":1e2},
	  "new_section":{"new_figure":7}}`
	s, err := decodeJSON[serverStats]([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got := sent(t, func(ch chan<- prometheus.Metric) { collectAdminStats("test", s, ch) })
	want := map[string]float64{
		`github_enterprise_server_users{target="test"}`:                 254,
		`github_enterprise_server_admin_users{target="test"}`:           45,
		`github_enterprise_server_issues{state="closed",target="test"}`: 100,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want only %v: null, words and odd sections are left out", got, want)
	}
	if _, err := decodeJSON[serverStats]([]byte(`[1,2]`)); err == nil {
		t.Error("a list instead of the object must be an error")
	}
}

func FuzzParseAdminStats(f *testing.F) {
	f.Add(simulator.Fixture("ghes-3.19-enterprise-stats-all.json"))
	f.Add([]byte(`{"users":{"total_users":"1"},"repos":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := decodeJSON[serverStats](b)
		if err != nil {
			return
		}
		ch := make(chan prometheus.Metric, len(adminStats))
		collectAdminStats("test", s, ch)
	})
}

// TestAdminStatsRetriedOnceAfterTimeout: an admin-stats request that times
// out (Enterprise Server 3.20's release notes advise a retry) is sent once
// more, and only once. The server holds the timed-out requests until the
// client gives up, so the short request timeout only sets how long the test
// takes, never its result.
func TestAdminStatsRetriedOnceAfterTimeout(t *testing.T) {
	for _, tc := range []struct {
		hangs int
		ok    bool
	}{{1, true}, {2, false}} {
		sim, url := startSim(t, simulator.Options{})
		var hits atomic.Int32
		sim.SetFault("/enterprise/stats/all", func(w http.ResponseWriter, r *http.Request) {
			if int(hits.Add(1)) <= tc.hangs {
				<-r.Context().Done()
				return
			}
			_, _ = w.Write(simulator.Fixture("ghes-3.19-enterprise-stats-all.json"))
		})
		tc2 := serverTarget(url)
		tc2.Name, tc2.TokenFile = "test", tokenFile(t)
		e := New(Options{Timeout: 200 * time.Millisecond})
		t.Cleanup(e.Close)
		tgt, err := e.buildTarget(tc2, Catalog())
		if err != nil {
			t.Fatal(err)
		}
		c, _ := registry["admin_stats"].factory(tgt.src)
		_, err = runUpdate(t, c)
		if (err == nil) != tc.ok || !tc.ok && !api.IsKind(err, api.KindTimeout) {
			t.Errorf("%d timeouts: err = %v, want ok=%v", tc.hangs, err, tc.ok)
		}
		if want := min(tc.hangs+1, 2); int(hits.Load()) != want {
			t.Errorf("%d timeouts: %d requests, want %d", tc.hangs, hits.Load(), want)
		}
	}
}
