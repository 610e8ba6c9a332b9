package collector

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestRepeatRequestsAnswered304: with unchanged data and a token that does
// not change, every repeat request of every default collector is answered
// 304, for each kind of target (the simulator sends ETags like GitHub and,
// for GitLab, like Rails' Rack::ETag). docs/api-cost.md quotes the shares.
func TestRepeatRequestsAnswered304(t *testing.T) {
	for _, tc := range []struct{ name, typ, path, enterprise string }{
		{"large-corp", config.TypeGitHub, "", simulator.LargeEnterprise},
		{"octo-corp", config.TypeGitHub, "", simulator.FixtureEnterprise},
		{"octo-server", config.TypeGitHubServer, "/api/v3", simulator.FixtureEnterprise},
		{"gitlab", config.TypeGitLab, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The synthetic data follows the simulator's clock (Copilot
			// seats' last activity): fixed, so that it does not change.
			sim, base := startSim(t, simulator.Options{LargeUsers: 1000, Now: func() time.Time { return fixedClock }})
			yml := fmt.Sprintf("targets:\n  - name: %s\n    type: %s\n    api_url: %s%s\n    token_file: %s\n", tc.name, tc.typ, base, tc.path, tokenFile(t))
			if tc.enterprise != "" {
				yml += "    enterprise: " + tc.enterprise + "\n"
			}
			cfg, err := config.Parse([]byte(yml), Catalog())
			if err != nil {
				t.Fatal(err)
			}
			e := New(Options{})
			t.Cleanup(e.Close)
			if err := e.ApplyConfig(cfg); err != nil {
				t.Fatal(err)
			}
			var names []string
			var first int64
			for i := range 2 {
				for _, s := range e.RefreshAll(context.Background()) {
					if !s.Succeeded() {
						t.Fatalf("refresh %d: %s failed: %v", i+1, s.Collector, s.LastError)
					}
					if i == 0 {
						names = append(names, s.Collector)
					}
				}
				if i == 0 {
					first = sim.Total()
				}
			}
			repeats := sim.Total() - first
			share := float64(sim.NotModified()) / float64(repeats)
			t.Logf("%s (%s): %d of %d repeat requests answered 304 (%.1f %%)", tc.name, strings.Join(names, ", "), sim.NotModified(), repeats, 100*share)
			if share < 1 {
				t.Errorf("%d of %d repeat requests answered 304, want all", sim.NotModified(), repeats)
			}
		})
	}
}
