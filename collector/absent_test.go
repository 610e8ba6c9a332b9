package collector

import (
	"net/http"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestAbsentHTMLNotFoundFails: a 404 that is an HTML page (a proxy's or a
// login page's) is not the API saying "no budgets": the refresh fails, so
// the status page does not show the collector as fine with no data.
func TestAbsentHTMLNotFoundFails(t *testing.T) {
	for name, path := range map[string]string{
		"ai_credits":                  "/enterprises/octo-corp/settings/billing/ai_credit/usage",
		"budgets":                     budgetsPath,
		"visual_studio_subscriptions": vsPath,
	} {
		sim, base := startSim(t, simulator.Options{})
		sim.SetFault(path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<!DOCTYPE html><html><body><h1>404</h1> Sign in to continue</body></html>"))
		})
		c := newCollector(t, name, fixtureTarget(base))
		if ai, ok := c.(*aiCreditsCollector); ok {
			ai.now = func() time.Time { return fixedClock }
		}
		_, err := runUpdate(t, c)
		if e, ok := api.AsError(err); !ok || !e.HTML || e.Kind != api.KindNotFound {
			t.Errorf("%s: err = %v, want the HTML 404 as an error", name, err)
		}
		// The API's own 404 is still no data.
		sim.SetFault(path, simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
		if _, err := runUpdate(t, c); err != nil {
			t.Errorf("%s: JSON 404: err = %v, want none", name, err)
		}
	}
}
