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
		// The fixture group (GitLab.com): its namespace by path or ID, and
		// its subscription.
		mux.HandleFunc("GET /api/v4/namespaces/{id}", func(w http.ResponseWriter, r *http.Request) {
			if !isFixtureGroup(r.PathValue("id")) {
				notFound(w)
				return
			}
			serveFixture(w, "gitlab-namespace.json")
		})
		mux.HandleFunc("GET /api/v4/namespaces/{id}/gitlab_subscription", func(w http.ResponseWriter, r *http.Request) {
			if !isFixtureGroup(r.PathValue("id")) {
				notFound(w)
				return
			}
			serveFixture(w, "gitlab-subscription.json")
		})
		mux.HandleFunc("GET /api/graphql", func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query().Get("query")
			switch {
			case strings.Contains(q, "addOnPurchases(namespaceId"):
				// GitLab answers an empty list for a namespace the user
				// may not see, as for one without purchases.
				if strings.Contains(q, `"gid://gitlab/Namespace/`+FixtureGroupID+`"`) {
					serveFixture(w, "gitlab-graphql-add-on-purchases.json")
					return
				}
				writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"addOnPurchases": []any{}}})
				return
			case strings.Contains(q, "addOnPurchases"):
				serveFixture(w, "gitlab-graphql-add-on-purchases.json")
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"errors": []map[string]string{{"message": "the simulator knows only the addOnPurchases query"}}})
		})
	})
}

// The GitLab.com group the simulator knows: the group of GitLab's namespace
// example (gitlab-namespace.json).
const (
	FixtureGroup   = "group1"
	FixtureGroupID = "2"
)

func isFixtureGroup(id string) bool { return id == FixtureGroup || id == FixtureGroupID }
