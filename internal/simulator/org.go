package simulator

import "net/http"

// FixtureOrganization is the organization outside any enterprise that the
// simulator knows: the login of GitHub's organization-full example.
const FixtureOrganization = "github"

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		const billing = "GET /organizations/{org}/settings/billing/"
		mux.HandleFunc("GET /orgs/{org}", byOrg("dotcom-org.json"))
		mux.HandleFunc("GET /orgs/{org}/copilot/billing", byOrg("dotcom-org-copilot-billing.json"))
		// The listing and budgets examples of api.github.com.json are
		// ghec.json's (fixtures/SOURCES.md).
		mux.HandleFunc("GET /orgs/{org}/copilot/billing/seats", byOrg("ghec-copilot-billing-seats.json"))
		mux.HandleFunc(billing+"budgets", byOrg("ghec-billing-budgets.json"))
		mux.HandleFunc(billing+"ai_credit/usage", byOrg("dotcom-org-billing-ai-credit-usage.json"))
		mux.HandleFunc(billing+"usage/summary", byOrg(""))
	})
}

// byOrg serves fixture for the fixture organization and 404 for any other.
// The organization reports take no organization or cost-center filter (they
// are not among the parameters of api.github.com's description): asked with
// one, the simulator answers 400 as for a bad parameter.
func byOrg(fixture string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("org") != FixtureOrganization {
			notFound(w)
			return
		}
		if q := r.URL.Query(); q.Has("organization") || q.Has("cost_center_id") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Invalid query parameters"})
			return
		}
		if fixture == "" { // the summary: filters apply to the example
			filteredFixture(w, r, "dotcom-org-billing-usage-summary.json")
			return
		}
		serveFixture(w, fixture)
	}
}
