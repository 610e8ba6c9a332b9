package simulator

import (
	"net/http"
	"strings"
)

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		for path, fixture := range map[string]string{
			"/api/v4/license":                  "gitlab-license.json",
			"/api/v4/licenses":                 "gitlab-licenses.json",
			"/api/v4/license/usage_export.csv": "gitlab-license-usage-export.csv",
			"/api/v4/version":                  "gitlab-version.json",
		} {
			mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { serveFixture(w, fixture) })
		}
		// GitLab serves read-only GraphQL queries over GET; the simulator
		// knows one query, and answers others as GitLab answers a query it
		// cannot run: 200 with errors.
		mux.HandleFunc("GET /api/graphql", func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Query().Get("query"), "addOnPurchases") {
				serveFixture(w, "gitlab-graphql-add-on-purchases.json")
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]string{{"message": "the simulator knows only the addOnPurchases query"}}})
		})
	})
}
