package simulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Budgets (paged by page and the body's has_next_page, not Link headers),
// Visual Studio subscriptions, and the usage summary's filters. The fixture
// enterprise answers with GitHub's examples; the large one has budgets
// computed from its own usage, one of them about to run out.

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /enterprises/{enterprise}/settings/billing/budgets", s.byEnterprise("ghec-billing-budgets.json", s.largeBudgets))
		mux.HandleFunc("GET /enterprises/{enterprise}/settings/billing/budgets/{budget_id}/user-states", s.budgetUserStates)
		mux.HandleFunc("GET /enterprises/{enterprise}/visual-studio-subscriptions", s.byEnterprise("ghec-visual-studio-subscriptions.json", s.largeVisualStudio))
	})
}

// LargeBudgets are the synthetic enterprise's budgets for users users. The
// actions_linux budget is 95 % spent and stops usage: the demo's "about to
// run out"; the packages budget of Cost center 2 is exhausted and lets usage
// go on, the enterprise's packages budget is exhausted and stops it.
func LargeBudgets(users int) []map[string]any {
	u := float64(users)
	b := func(id, typ, scope, entity, sku string, amount float64, prevent bool) map[string]any {
		return map[string]any{
			"id": id, "budget_type": typ, "budget_scope": scope, "budget_entity_name": entity,
			"budget_product_sku": sku, "budget_amount": math.Ceil(amount), "prevent_further_usage": prevent,
			"budget_alerting": map[string]any{"will_alert": true, "alert_recipients": []string{"billing-admin"}},
		}
	}
	user := b("b0000000-0000-4000-8000-000000000006", "BundlePricing", "user", "", "ai_credits", 30, true)
	user["user"], user["consumed_amount"] = "user7", 12.5
	return []map[string]any{
		b("b0000000-0000-4000-8000-000000000001", "SkuPricing", "enterprise", "", "actions_linux", largeSpend(users, "", "actions_linux")/0.95, true),
		b("b0000000-0000-4000-8000-000000000002", "ProductPricing", "enterprise", "", "copilot", 1.5*largeSpend(users, "copilot", ""), false),
		b("b0000000-0000-4000-8000-000000000003", "ProductPricing", "organization", "org03", "actions", 500*u/20000, false),
		b("b0000000-0000-4000-8000-000000000004", "ProductPricing", "cost_center", "Cost center 2", "packages", 30*u/20000, false),
		b("b0000000-0000-4000-8000-000000000005", "SkuPricing", "cost_center", "Retired", "actions_linux", 100, true),
		user,
		b("b0000000-0000-4000-8000-000000000007", "ProductPricing", "enterprise", "", "ghas", 400, true),
		b(LargeMultiUserBudget, "ProductPricing", "multi_user_customer", "", "copilot", 50, true),
		b("b0000000-0000-4000-8000-000000000009", "ProductPricing", "enterprise", "", "packages", 0.9*largeSpend(users, "packages", ""), true),
		// AI credit budgets, their spend (the net amount of the AI credit
		// report, 0 while the pool lasts) filtered to org03 and Cost center 1.
		b("b0000000-0000-4000-8000-00000000000a", "BundlePricing", "organization", "org03", "ai_credits", 40*u/20000, false),
		b("b0000000-0000-4000-8000-00000000000b", "BundlePricing", "cost_center", "Cost center 1", "ai_credits", 100*u/20000, true),
	}
}

// LargeMultiUserBudget is the id of the synthetic enterprise's budget of
// several users: it stops usage, and LargeBudgetUsers of its users are near
// or over their amount.
const LargeMultiUserBudget = "b0000000-0000-4000-8000-000000000008"

// LargeBudgetUsers are how many users of LargeMultiUserBudget have used 80 %
// to below 100 % of their amount (near) and 100 % or more (over).
func LargeBudgetUsers(users int) (near, over int) { return users / 250, users / 500 }

// largeBudgetUserStates are the users of LargeMultiUserBudget, one in 50 of
// the enterprise: the near and over ones first, the rest at 10 %.
func largeBudgetUserStates(users int) []map[string]any {
	near, over := LargeBudgetUsers(users)
	out := make([]map[string]any, 0, users/50)
	for i := range max(users/50, near+over) {
		consumed := 5.0
		switch {
		case i < over:
			consumed = 50 + float64(i%3)
		case i < over+near:
			consumed = 40 + float64(i%10)
		}
		out = append(out, map[string]any{"user": fmt.Sprintf("user%d", i), "consumed_amount": consumed, "target_amount": 50.0})
	}
	return out
}

// ServeBudgetUserStates answers the user states of a multi-user budget from
// states, as GitHub filters them: threshold_lower_bound and
// threshold_upper_bound are percentages of target_amount, total_count
// counts every match, per_page and page cut the list.
func ServeBudgetUserStates(w http.ResponseWriter, r *http.Request, states []map[string]any) {
	q := r.URL.Query()
	bound := func(k string, def float64) float64 {
		if v, err := strconv.ParseFloat(q.Get(k), 64); err == nil {
			return v
		}
		return def
	}
	lo, hi := bound("threshold_lower_bound", math.Inf(-1)), bound("threshold_upper_bound", math.Inf(1))
	var match []map[string]any
	for _, st := range states {
		c, _ := st["consumed_amount"].(float64)
		t, _ := st["target_amount"].(float64)
		pct := math.Inf(1)
		if t > 0 {
			pct = 100 * c / t
		}
		if pct >= lo && pct <= hi {
			match = append(match, st)
		}
	}
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	from := min((page-1)*per, len(match))
	to := min(from+per, len(match))
	writeJSON(w, http.StatusOK, map[string]any{"user_states": append([]map[string]any{}, match[from:to]...), "has_next_page": to < len(match), "total_count": len(match)})
}

// ExampleBudgetUserStates are the user states of GitHub's example.
func ExampleBudgetUserStates() []map[string]any {
	var v struct {
		States []map[string]any `json:"user_states"`
	}
	if err := json.Unmarshal(Fixture("ghec-billing-budget-user-states.json"), &v); err != nil {
		panic(err)
	}
	return v.States
}

// budgetUserStates: the example's states for the fixture enterprise (every
// budget id), the synthetic users for the large one's multi-user budget.
func (s *Server) budgetUserStates(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("enterprise") {
	case FixtureEnterprise:
		ServeBudgetUserStates(w, r, ExampleBudgetUserStates())
	case LargeEnterprise:
		if r.PathValue("budget_id") != LargeMultiUserBudget {
			notFound(w)
			return
		}
		ServeBudgetUserStates(w, r, largeBudgetUserStates(s.opts.LargeUsers))
	default:
		notFound(w)
	}
}

// largeBudgets pages by page and per_page, and says has_next_page in the body.
func (s *Server) largeBudgets(w http.ResponseWriter, r *http.Request) {
	all := LargeBudgets(s.opts.LargeUsers)
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 10
	}
	per = min(per, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	from := min((page-1)*per, len(all))
	to := min(from+per, len(all))
	writeJSON(w, http.StatusOK, map[string]any{"budgets": all[from:to], "has_next_page": to < len(all), "total_count": len(all)})
}

// LargeUnmatchedVisualStudio is how many of the synthetic enterprise's
// Visual Studio subscriptions are linked to no GitHub user.
func LargeUnmatchedVisualStudio(users int) int { return users / 100 }

func (s *Server) largeVisualStudio(w http.ResponseWriter, r *http.Request) {
	n := s.opts.LargeUsers / 10 // every 10th user has a Visual Studio license
	if r.URL.Query().Get("is_unmatched_only") == "true" {
		n = LargeUnmatchedVisualStudio(s.opts.LargeUsers)
	}
	from, to := Page(w, r, n)
	subs := make([]map[string]any, 0, to-from)
	for i := from; i < to; i++ {
		subs = append(subs, map[string]any{"subscriptionId": fmt.Sprintf("00000000-0000-4000-9000-%012d", i), "manual_match": false})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": n, "visual_studio_subscriptions": subs})
}

// usageShare is the part of the large enterprise's usage a summary filter
// selects: 25 organizations alike, 500 repositories alike, cost center i
// (i+1)/20, and 1/4 outside any cost center. An unknown cost center: none.
func usageShare(q url.Values) float64 {
	share := 1.0
	if q.Get("organization") != "" {
		share /= 25
	}
	if q.Get("repository") != "" {
		share /= 500
	}
	if id := q.Get("cost_center_id"); id != "" {
		switch {
		case id == "none":
			share /= 4
		case strings.HasPrefix(id, costCenterIDPrefix) && len(id) == len(costCenterIDPrefix)+1 && id[len(id)-1] >= '0' && id[len(id)-1] <= '4':
			share *= float64(id[len(id)-1]-'0'+1) / 20
		default:
			return 0
		}
	}
	return share
}

// keepItem applies the summary's product and SKU filters (product names are
// not case sensitive, as GitHub documents).
func keepItem(q url.Values, product, sku string) bool {
	if p := q.Get("product"); p != "" && !strings.EqualFold(p, product) {
		return false
	}
	if k := q.Get("sku"); k != "" && k != sku {
		return false
	}
	return true
}

// largeSpend is the synthetic enterprise's net amount of a product or SKU
// this month.
func largeSpend(users int, product, sku string) float64 {
	q := url.Values{}
	if product != "" {
		q.Set("product", product)
	}
	if sku != "" {
		q.Set("sku", sku)
	}
	var total float64
	for _, k := range largeSKUs {
		if keepItem(q, k.product, k.sku) {
			total += k.price * k.perUser * float64(users)
		}
	}
	return total
}

// filteredFixture serves the summary example with its product and SKU
// filters applied, and verbatim when there are none.
func filteredFixture(w http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	if q.Get("product") == "" && q.Get("sku") == "" {
		serveFixture(w, name)
		return
	}
	var doc map[string]json.RawMessage
	var items []map[string]any
	if json.Unmarshal(Fixture(name), &doc) != nil || json.Unmarshal(doc["usageItems"], &items) != nil {
		http.Error(w, "bad fixture", http.StatusInternalServerError)
		return
	}
	kept := []map[string]any{}
	for _, it := range items {
		p, _ := it["product"].(string)
		k, _ := it["sku"].(string)
		if keepItem(q, p, k) {
			kept = append(kept, it)
		}
	}
	doc["usageItems"], _ = json.Marshal(kept)
	writeJSON(w, http.StatusOK, doc)
}
