package simulator

import (
	"fmt"
	"net/http"
)

// LargeRunners is how many self-hosted runners the large enterprise has.
const LargeRunners = 3000

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		// Enterprise Server only; the mux sees them with /api/v3 stripped.
		mux.HandleFunc("GET /enterprise/settings/license", func(w http.ResponseWriter, r *http.Request) {
			serveFixture(w, "ghes-3.19-enterprise-settings-license.json")
		})
		mux.HandleFunc("GET /enterprise/stats/all", func(w http.ResponseWriter, r *http.Request) {
			serveFixture(w, "ghes-3.19-enterprise-stats-all.json")
		})
		mux.HandleFunc("GET /enterprise/stats/security-products", func(w http.ResponseWriter, r *http.Request) {
			serveFixture(w, "ghes-3.19-enterprise-stats-security-products.json")
		})
		mux.HandleFunc("GET /enterprises/{enterprise}/actions/runners", s.runners)
	})
}

func (s *Server) runners(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("enterprise") {
	case FixtureEnterprise:
		if pathPrefix(r) == "/api/v3" {
			serveFixture(w, "ghes-3.19-actions-runners.json")
		} else {
			serveFixture(w, "ghec-actions-runners.json")
		}
	case LargeEnterprise:
		from, to := Page(w, r, LargeRunners)
		runners := make([]map[string]any, 0, to-from)
		for i := from; i < to; i++ {
			runners = append(runners, SyntheticRunner(i))
		}
		writeJSON(w, http.StatusOK, map[string]any{"total_count": LargeRunners, "runners": runners})
	default:
		notFound(w)
	}
}

// SyntheticRunner is runner i of the large enterprise, in the documented
// shape: 70 % Linux, 20 % Windows, 10 % macOS; every 8th runner offline;
// every 3rd online runner busy.
func SyntheticRunner(i int) map[string]any {
	os, label := "Linux", "Linux"
	switch i % 10 {
	case 7, 8:
		os, label = "Windows", "Windows"
	case 9:
		os, label = "macOS", "macOS"
	}
	status, busy := "online", i%3 == 0
	if i%8 == 7 {
		status, busy = "offline", false
	}
	return map[string]any{
		"id":              1000 + i,
		"name":            fmt.Sprintf("runner-%04d", i),
		"os":              os,
		"status":          status,
		"busy":            busy,
		"ephemeral":       i%5 == 0,
		"version":         "2.323.0",
		"runner_group_id": 1 + i%3,
		"labels": []map[string]any{
			{"id": 5, "name": "self-hosted", "type": "read-only"},
			{"id": 7, "name": "X64", "type": "read-only"},
			{"id": 11, "name": label, "type": "read-only"},
		},
	}
}
