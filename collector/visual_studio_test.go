package collector

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

const vsPath = "/enterprises/octo-corp/visual-studio-subscriptions"

func TestVisualStudioGolden(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	var mu sync.Mutex
	var query string
	inner := simulator.New(simulator.Options{})
	sim.SetFault(vsPath, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		query = r.URL.RawQuery
		mu.Unlock()
		inner.ServeHTTP(w, r)
	})
	assertGolden(t, newCollector(t, "visual_studio_subscriptions", fixtureTarget(base)), "visual_studio_subscriptions")
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(query, "is_unmatched_only=true") || !strings.Contains(query, "per_page=1") {
		t.Errorf("query = %q, want is_unmatched_only=true and per_page=1", query)
	}
}

func TestVisualStudioLargeEnterprise(t *testing.T) {
	const users = 5000
	sim, base := startSim(t, simulator.Options{LargeUsers: users})
	metrics, err := runUpdate(t, newCollector(t, "visual_studio_subscriptions", &config.Target{Type: config.TypeGitHub, APIURL: base, Enterprise: simulator.LargeEnterprise}))
	if err != nil {
		t.Fatal(err)
	}
	if v := values(t, metrics)[`github_enterprise_visual_studio_subscriptions_unmatched{target="test"}`]; v != float64(simulator.LargeUnmatchedVisualStudio(users)) {
		t.Errorf("unmatched = %v, want %d", v, simulator.LargeUnmatchedVisualStudio(users))
	}
	if n := sim.Hits("/enterprises/large-corp/visual-studio-subscriptions"); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestVisualStudioOddAndMissing(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	c := newCollector(t, "visual_studio_subscriptions", fixtureTarget(base))
	for body, want := range map[string]int{`{"total_count": "3"}`: 1, `{"total_count": null}`: 0, `{}`: 0, `[]`: -1} {
		sim.SetFault(vsPath, simulator.JSONFault(http.StatusOK, body))
		metrics, err := runUpdate(t, c)
		if want < 0 {
			if err == nil {
				t.Errorf("%s: want a decoding error", body)
			}
			continue
		}
		if err != nil || len(metrics) != want {
			t.Errorf("%s: err = %v, %d series, want %d", body, err, len(metrics), want)
		}
	}
	// No Visual Studio bundle: 404 is no data, not an error.
	sim.SetFault(vsPath, simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
	if metrics, err := runUpdate(t, c); err != nil || len(metrics) != 0 {
		t.Errorf("404: err = %v, %d series; want neither", err, len(metrics))
	}
	sim.SetFault(vsPath, simulator.JSONFault(http.StatusForbidden, `{"message":"Must be an enterprise admin"}`))
	_, err := runUpdate(t, c)
	if !api.IsKind(err, api.KindPermission) {
		t.Fatalf("err = %v, want forbidden", err)
	}
	if fix := Explain(err, visualStudioSpec, fixtureTarget(base)); !strings.Contains(fix, "enterprise owner") || !strings.Contains(fix, "`read:enterprise`") {
		t.Errorf("fix = %q", fix)
	}
}
