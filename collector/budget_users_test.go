package collector

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// budgetUsersSim serves two multi-user budgets ("stop" and "gone", whose
// user states answer 404 or status), budgets of single users, and the
// states of "stop" (80 %, 99.98 %, 100 %, 120 %, 79 %). It records the
// user-state queries.
func budgetUsersSim(t *testing.T, goneStatus int) (base string, asked func() []string) {
	t.Helper()
	sim, base := startSim(t, simulator.Options{})
	var mu sync.Mutex
	var queries []string
	states := []map[string]any{
		{"user": "a", "consumed_amount": 40.0, "target_amount": 50.0},
		{"user": "b", "consumed_amount": 49.99, "target_amount": 50.0},
		{"user": "c", "consumed_amount": 50.0, "target_amount": 50.0},
		{"user": "d", "consumed_amount": 60.0, "target_amount": 50.0},
		{"user": "e", "consumed_amount": 39.5, "target_amount": 50.0},
	}
	sim.SetFault(budgetsPath, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case budgetsPath:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"budgets": [
			  {"id": "stop", "budget_type": "ProductPricing", "budget_product_skus": ["copilot"], "budget_scope": "multi_user_customer", "budget_amount": 50, "prevent_further_usage": true},
			  {"id": "gone", "budget_type": "ProductPricing", "budget_product_skus": ["copilot"], "budget_scope": "multi_user_org", "budget_amount": 50, "prevent_further_usage": false},
			  {"id": "u1", "budget_type": "BundlePricing", "budget_product_skus": ["ai_credits"], "budget_scope": "user", "budget_amount": 30, "prevent_further_usage": true, "user": "x", "consumed_amount": 30},
			  {"id": "u2", "budget_type": "BundlePricing", "budget_product_skus": ["ai_credits"], "budget_scope": "user", "budget_amount": 30, "prevent_further_usage": true, "user": "y", "consumed_amount": 24},
			  {"id": "u3", "budget_type": "BundlePricing", "budget_product_skus": ["ai_credits"], "budget_scope": "user", "budget_amount": 30, "prevent_further_usage": true, "user": "z", "consumed_amount": 23.9},
			  {"id": "u4", "budget_type": "BundlePricing", "budget_product_skus": ["ai_credits"], "budget_scope": "user", "budget_amount": 0, "prevent_further_usage": true, "user": "w", "consumed_amount": 0},
			  {"id": "u5", "budget_type": "BundlePricing", "budget_product_skus": ["ai_credits"], "budget_scope": "user", "budget_amount": 30, "prevent_further_usage": true, "user": "v"}
			], "has_next_page": false, "total_count": 7}`)
		case budgetsPath + "/stop/user-states":
			mu.Lock()
			queries = append(queries, r.URL.RawQuery)
			mu.Unlock()
			simulator.ServeBudgetUserStates(w, r, states)
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-GitHub-Request-Id", "1")
			w.WriteHeader(goneStatus)
			fmt.Fprint(w, `{"message":"no"}`)
		}
	})
	return base, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), queries...)
	}
}

func TestBudgetUsers(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) { testBudgetUsers(t, status) })
	}
}

func testBudgetUsers(t *testing.T, refusal int) {
	base, asked := budgetUsersSim(t, refusal)
	c := budgetsCollectorAt(t, fixtureTarget(base))
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	want := map[string]float64{
		`github_enterprise_budget_users{budget_id="stop",state="near",target="test"}`: 2,
		`github_enterprise_budget_users{budget_id="stop",state="over",target="test"}`: 2,
		// u1 and the $0 budget u4 are over, u2 is near (80 %), u3 below;
		// u5 has no consumed_amount and is not counted.
		`github_enterprise_user_budgets{state="near",target="test"}`: 1,
		`github_enterprise_user_budgets{state="over",target="test"}`: 2,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for k := range got {
		if strings.Contains(k, `budget_id="gone"`) && strings.HasPrefix(k, "github_enterprise_budget_users") {
			t.Errorf("%s: a budget whose user states answer 404 has no counts", k)
		}
	}
	// Two requests of one user state each, never a page through users.
	q := asked()
	if len(q) != 2 || !strings.Contains(strings.Join(q, " "), "threshold_lower_bound=80") || !strings.Contains(strings.Join(q, " "), "threshold_lower_bound=100") {
		t.Errorf("user-state queries = %q, want threshold_lower_bound 80 and 100", q)
	}
	for _, s := range q {
		if !strings.Contains(s, "per_page=1") || strings.Contains(s, "page=2") {
			t.Errorf("query %q: want per_page=1 and no paging", s)
		}
	}
	if s := c.Summary(); !strings.Contains(s, "users over their amount: 2 in multi-user budgets, 2 with a budget of their own") || !strings.Contains(s, "user states not answered for gone") {
		t.Errorf("summary = %q", s)
	}
}

// A failure other than a refusal fails the refresh: the last good counts stay.
func TestBudgetUsersServerError(t *testing.T) {
	base, _ := budgetUsersSim(t, http.StatusInternalServerError)
	c := budgetsCollectorAt(t, fixtureTarget(base))
	if _, err := runUpdate(t, c); err == nil {
		t.Error("refresh succeeded with a user-state request failing with 500")
	}
}
