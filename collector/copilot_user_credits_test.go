package collector

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

const usersLinksPath = "/enterprises/octo-corp/copilot/metrics/reports/users-28-day/latest"

func userCreditsAt(t *testing.T, tc *config.Target, now time.Time) *copilotUserCreditsCollector {
	t.Helper()
	c := newCollector(t, "copilot_user_credits", tc).(*copilotUserCreditsCollector)
	c.now = func() time.Time { return now }
	return c
}

// GitHub's user-level example carries no ai_credits_used: nothing is read,
// so nothing is exported (not an empty histogram).
func TestCopilotUserCreditsExample(t *testing.T) {
	_, base := startSim(t, simulator.Options{})
	c := userCreditsAt(t, fixtureTarget(base), time.Date(2025, 10, 4, 0, 0, 0, 0, time.UTC))
	metrics, err := runUpdate(t, c)
	if err != nil || len(metrics) != 0 {
		t.Fatalf("err %v, %d metrics; want none", err, len(metrics))
	}
	if !strings.Contains(c.Summary(), "no record of the users report carries ai_credits_used (1 records") {
		t.Errorf("summary = %q", c.Summary())
	}
}

// Records per user and day add up per user (by user_id, else login); a
// record without the field is not counted, a bad one is skipped.
func TestCopilotUserCreditsGolden(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(usersLinksPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"download_links": ["http://%[1]s%[2]sa?sig=1", "http://%[1]s%[2]sb?sig=2"], "report_start_day": "2025-09-04", "report_end_day": "2025-10-01"}`, r.Host, simulator.ReportsPrefix)
	})
	sim.SetFault(simulator.ReportsPrefix, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "a") {
			fmt.Fprint(w, `{"user_id": 1, "user_login": "a", "ai_credits_used": 30}
{"user_id": 1, "user_login": "a", "ai_credits_used": 40.5}
{"user_id": 2, "user_login": "b", "ai_credits_used": "2000"}
{"user_id": 3, "user_login": "c"}
not a record
`)
			return
		}
		fmt.Fprint(w, `[{"user_login": "D", "ai_credits_used": 5000}, {"user_login": "d", "ai_credits_used": 100}, {"user_id": 2, "ai_credits_used": 1500}, 7]`)
	})
	c := userCreditsAt(t, fixtureTarget(base), time.Date(2025, 10, 4, 0, 0, 0, 0, time.UTC))
	// a: 70.5, b: 3500, d: 5100; c carries no credits.
	assertGolden(t, c, "copilot_user_credits")
	if want := "8670.5 AI credits over 3 users in the last 28 days, 2 records skipped"; !strings.HasPrefix(c.Summary(), want) {
		t.Errorf("summary = %q, want %q…", c.Summary(), want)
	}
	if c.report.last.users != nil {
		t.Error("the per-user sums are kept after the histogram is built")
	}
}

func TestCopilotUserCreditsOffByDefault(t *testing.T) {
	s, ok := SpecOf("copilot_user_credits")
	if !ok || s.Default {
		t.Errorf("copilot_user_credits: registered %v, default %v; want off by default", ok, s.Default)
	}
}
