package simulator

import (
	"fmt"
	"net/http"
	"time"
)

// The enhanced billing platform's endpoints, Copilot seats, and the legacy
// billing endpoints. The fixture enterprise answers with GitHub's examples
// everywhere (it is "still on the legacy platform"); the large one answers
// the legacy paths with 410, as GitHub has since 2025-09-25, so the demo
// shows both platforms.

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		base := "GET /enterprises/{enterprise}/settings/billing/"
		mux.HandleFunc(base+"usage/summary", s.byEnterprise("", s.largeUsageSummary))
		mux.HandleFunc(base+"usage", s.byEnterprise("ghec-billing-usage.json", s.largeUsageReport))
		mux.HandleFunc(base+"premium_request/usage", s.byEnterprise("ghec-billing-premium-request-usage.json", s.largePremiumRequests))
		mux.HandleFunc(base+"advanced-security", s.advancedSecurity)
		mux.HandleFunc(base+"cost-centers", s.byEnterprise("ghec-billing-cost-centers.json", s.largeCostCenters))
		mux.HandleFunc("GET /enterprises/{enterprise}/copilot/billing/seats", s.byEnterprise("ghec-copilot-billing-seats.json", s.largeCopilotSeats))
		mux.HandleFunc(base+"actions", s.byEnterprise("ghec-legacy-billing-actions.json", Gone()))
		mux.HandleFunc(base+"packages", s.byEnterprise("ghec-legacy-billing-packages.json", Gone()))
		mux.HandleFunc(base+"shared-storage", s.byEnterprise("ghec-legacy-billing-shared-storage.json", Gone()))
	})
}

// byEnterprise serves fixture for the fixture enterprise, large for the
// large one, and 404 for any other slug.
func (s *Server) byEnterprise(fixture string, large http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("enterprise") {
		case FixtureEnterprise:
			if fixture == "" { // the summary: filters apply to the example
				filteredFixture(w, r, "ghec-billing-usage-summary.json")
				return
			}
			serveFixture(w, fixture)
		case LargeEnterprise:
			large(w, r)
		default:
			notFound(w)
		}
	}
}

// largeSKUs are the synthetic enterprise's metered products.
var largeSKUs = []struct {
	product, sku, unit string
	price, perUser     float64 // quantity per user in a month
}{
	{"Actions", "actions_linux", "minutes", 0.008, 12.5},
	{"Actions", "actions_macos", "minutes", 0.08, 0.75},
	{"Copilot", "copilot_for_business", "user-months", 19, 0.25},
	{"Packages", "packages_storage", "gigabyte-hours", 0.0003, 40},
}

func usageItem(product, sku, unit string, price, q float64) map[string]any {
	return map[string]any{
		"product": product, "sku": sku, "unitType": unit, "pricePerUnit": price,
		"grossQuantity": q, "grossAmount": q * price, "discountQuantity": 0, "discountAmount": 0,
		"netQuantity": q, "netAmount": q * price,
	}
}

func (s *Server) largeUsageSummary(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	share := usageShare(q)
	items := make([]map[string]any, 0, len(largeSKUs))
	for _, k := range largeSKUs {
		if share > 0 && keepItem(q, k.product, k.sku) {
			items = append(items, usageItem(k.product, k.sku, k.unit, k.price, share*k.perUser*float64(s.opts.LargeUsers)))
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"timePeriod": map[string]any{"year": s.now().UTC().Year()}, "enterprise": LargeEnterprise, "usageItems": items,
	})
}

// largeUsageReport is the detailed report: one line per SKU and day, in the
// detailed shape (quantity, not grossQuantity), spread over 10 days.
func (s *Server) largeUsageReport(w http.ResponseWriter, r *http.Request) {
	const days = 10
	var items []map[string]any
	for d := 1; d <= days; d++ {
		for _, k := range largeSKUs {
			q := k.perUser * float64(s.opts.LargeUsers) / days
			items = append(items, map[string]any{
				"date": fmt.Sprintf("2025-01-%02d", d), "product": k.product, "sku": k.sku, "quantity": q,
				"unitType": k.unit, "pricePerUnit": k.price, "grossAmount": q * k.price, "discountAmount": 0,
				"netAmount": q * k.price, "organizationName": "org00", "repositoryName": "org00/repo",
			})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"usageItems": items})
}

func (s *Server) largePremiumRequests(w http.ResponseWriter, r *http.Request) {
	var items []map[string]any
	for i, model := range []string{"Claude Sonnet 4", "GPT-5", "Gemini 2.5 Pro"} {
		it := usageItem("Copilot", "Copilot Premium Request", "requests", 0.04, float64(s.opts.LargeUsers*(i+1)))
		it["model"] = model
		items = append(items, it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"timePeriod": map[string]any{"year": s.now().UTC().Year()}, "enterprise": LargeEnterprise, "usageItems": items})
}

// LargeCommitters is the synthetic enterprise's Code Security committers
// (Secret Protection has twice as many).
func LargeCommitters(users int) int { return users / 4 }

// LargeRepositories is how many repositories it lists under Advanced Security.
func LargeRepositories(users int) int { return users / 20 }

// advancedSecurity serves the fixture enterprise on the bundled Advanced
// Security plan (the advanced_security_product parameter is refused) and
// the large one on the standalone products (the bare call is refused), as
// the OpenAPI description says of the parameter.
func (s *Server) advancedSecurity(w http.ResponseWriter, r *http.Request) {
	product := r.URL.Query().Get("advanced_security_product")
	switch r.PathValue("enterprise") {
	case FixtureEnterprise:
		if product != "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "advanced_security_product cannot be used for this enterprise's plan"})
			return
		}
		serveFixture(w, "ghec-billing-advanced-security.json")
	case LargeEnterprise:
		switch product {
		case "code_security":
			s.largeAdvancedSecurity(w, r, 1)
		case "secret_protection":
			s.largeAdvancedSecurity(w, r, 2)
		case "":
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "advanced_security_product is required for standalone Code Security and Secret Protection"})
		default:
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "invalid advanced_security_product"})
		}
	default:
		notFound(w)
	}
}

// largeAdvancedSecurity serves a standalone product of the large
// enterprise: Secret Protection (factor 2) covers twice the committers of
// Code Security (factor 1).
func (s *Server) largeAdvancedSecurity(w http.ResponseWriter, r *http.Request, factor int) {
	n := LargeRepositories(s.opts.LargeUsers)
	from, to := Page(w, r, n)
	repos := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		repos = append(repos, map[string]any{
			"name": fmt.Sprintf("org%02d/repo%d", i%25, i), "advanced_security_committers": 1,
			"advanced_security_committers_breakdown": []map[string]any{
				{"user_login": fmt.Sprintf("user%d", i), "last_pushed_date": "2025-01-02", "last_pushed_email": fmt.Sprintf("user%d@large-corp.example", i)},
			},
		})
	}
	c := factor * LargeCommitters(s.opts.LargeUsers)
	writeJSON(w, http.StatusOK, map[string]any{
		"total_advanced_security_committers": c, "total_count": n,
		"maximum_advanced_security_committers": c + 50, "purchased_advanced_security_committers": c + 100,
		"repositories": repos,
	})
}

// costCenterIDPrefix + i is the id of the large enterprise's cost center i.
const costCenterIDPrefix = "00000000-0000-4000-8000-00000000000"

// LargeAICreditPool is the AI credit pool of the large enterprise's cost
// center i (1-4; 0 has none): 1,900 credits per user of its 10*(i+1), used
// 40 %, 55 %, 70 % and 93 %. The last is nearly exhausted.
func LargeAICreditPool(i int) map[string]any {
	target := float64(10*(i+1)) * 1900
	used := []float64{0, 0.4, 0.55, 0.7, 0.93}[i]
	return map[string]any{"target_amount": target, "current_amount": used * target}
}

func (s *Server) largeCostCenters(w http.ResponseWriter, r *http.Request) {
	var centers []map[string]any
	for i := 0; i < 5; i++ {
		var res []map[string]any
		for j := 0; j < 10*(i+1); j++ {
			res = append(res, map[string]any{"type": "User", "name": fmt.Sprintf("user%d", i*100+j)})
		}
		res = append(res, map[string]any{"type": "Org", "name": fmt.Sprintf("org%02d", i)})
		cc := map[string]any{
			"id": fmt.Sprintf("%s%d", costCenterIDPrefix, i), "name": fmt.Sprintf("Cost center %d", i),
			"state": "active", "resources": res, "ai_credit_pool_enabled": i > 0,
		}
		if i > 0 {
			cc["ai_credit_pool_state"] = LargeAICreditPool(i)
		}
		centers = append(centers, cc)
	}
	centers = append(centers, map[string]any{"id": "00000000-0000-4000-8000-000000000009", "name": "Retired", "state": "deleted",
		"resources": []map[string]any{{"type": "User", "name": "gone"}}})
	writeJSON(w, http.StatusOK, map[string]any{"costCenters": centers})
}

// LargeCopilotSeats is how many seat entries the synthetic enterprise lists.
func LargeCopilotSeats(users int) int { return users / 4 }

// SyntheticSeat is Copilot seat entry i of the large enterprise: every 5th
// is on the enterprise plan, every 50th names no plan; every 10th user never
// used Copilot (every 20th of them, from a rollout two days ago) and the next
// one last did in 2020; every 25th is pending cancellation. The others were
// active within the last two days.
func SyntheticSeat(i int, now time.Time) map[string]any {
	seat := map[string]any{
		"created_at": "2024-01-02T03:04:05Z", "updated_at": "2024-01-02T03:04:05Z",
		"pending_cancellation_date": nil, "last_activity_at": now.Add(-time.Duration(i%48) * time.Hour).UTC().Format(time.RFC3339),
		"last_activity_editor": "vscode/1.95.0/copilot/1.250.0", "plan_type": "business",
		"assignee": map[string]any{"login": fmt.Sprintf("user%d", i), "id": i + 1, "type": "User"},
	}
	switch {
	case i%50 == 49:
		delete(seat, "plan_type")
	case i%5 == 0:
		seat["plan_type"] = "enterprise"
	}
	switch i % 10 {
	case 0:
		seat["last_activity_at"] = nil
		if i%20 == 10 {
			seat["created_at"] = now.Add(-48 * time.Hour).UTC().Format(time.RFC3339)
		}
	case 1:
		seat["last_activity_at"] = "2020-06-01T00:00:00Z"
	}
	if i%25 == 0 {
		seat["pending_cancellation_date"] = "2030-01-01"
	}
	return seat
}

func (s *Server) largeCopilotSeats(w http.ResponseWriter, r *http.Request) {
	n := LargeCopilotSeats(s.opts.LargeUsers)
	from, to := Page(w, r, n)
	seats := make([]map[string]any, 0, to-from)
	now := s.now()
	for i := from; i < to; i++ {
		seats = append(seats, SyntheticSeat(i, now))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_seats": n, "seats": seats})
}
