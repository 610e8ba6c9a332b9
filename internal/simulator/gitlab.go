package simulator

import "net/http"

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		for path, fixture := range map[string]string{
			"/api/v4/license":                  "gitlab-license.json",
			"/api/v4/licenses":                 "gitlab-licenses.json",
			"/api/v4/license/usage_export.csv": "gitlab-license-usage-export.csv",
		} {
			mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { serveFixture(w, fixture) })
		}
	})
}
