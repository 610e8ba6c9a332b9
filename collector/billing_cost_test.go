package collector

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestBillingAPICost checks the README's API cost for an enterprise with 50
// cost centers and 100 budgets: budgets 1 page + 1 cost-center listing + 1
// summary per distinct filter, cost centers 1 listing + 50 + 1 ("none").
func TestBillingAPICost(t *testing.T) {
	var centers []map[string]any
	for i := range 50 {
		centers = append(centers, map[string]any{"id": fmt.Sprintf("cc-%02d", i), "name": fmt.Sprintf("Team %02d", i), "state": "active",
			"resources": []map[string]any{{"type": "User", "name": "someone"}}})
	}
	centersBody, _ := json.Marshal(map[string]any{"costCenters": centers})
	budgetsBody := func(shared bool) []byte {
		var budgets []map[string]any
		for i := range 100 {
			b := map[string]any{"id": fmt.Sprintf("b-%03d", i), "budget_type": "ProductPricing", "budget_product_sku": "actions",
				"budget_amount": 100, "prevent_further_usage": false}
			switch {
			case i < 50:
				b["budget_scope"], b["budget_entity_name"] = "cost_center", fmt.Sprintf("Team %02d", i)
			case shared: // two budgets on each organization's Actions
				b["budget_scope"], b["budget_entity_name"] = "organization", fmt.Sprintf("org%02d", i/2)
			default:
				b["budget_scope"], b["budget_entity_name"] = "organization", fmt.Sprintf("org%02d", i)
			}
			budgets = append(budgets, b)
		}
		body, _ := json.Marshal(map[string]any{"budgets": budgets, "has_next_page": false, "total_count": 100})
		return body
	}
	for _, tc := range []struct {
		name              string
		shared            bool
		budgets, centers  int
		budgetsSummaries  int
		centersSummaries  int
		costCenterListing int
	}{
		{"every filter distinct", false, 102, 52, 100, 51, 2},
		{"two budgets per organization", true, 77, 52, 75, 51, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, base := startSim(t, simulator.Options{})
			sim.SetFault(centersPath, simulator.JSONFault(http.StatusOK, string(centersBody)))
			sim.SetFault(budgetsPath, simulator.JSONFault(http.StatusOK, string(budgetsBody(tc.shared))))
			before := sim.Total()
			if _, err := runUpdate(t, budgetsCollectorAt(t, fixtureTarget(base))); err != nil {
				t.Fatal(err)
			}
			budgetsCost := sim.Total() - before
			summaries := sim.Hits(summaryPath)
			before = sim.Total()
			if _, err := runUpdate(t, newCollector(t, "cost_centers", fixtureTarget(base))); err != nil {
				t.Fatal(err)
			}
			centersCost := sim.Total() - before
			if budgetsCost != int64(tc.budgets) || summaries != tc.budgetsSummaries {
				t.Errorf("budgets: %d requests (%d summaries), want %d (%d)", budgetsCost, summaries, tc.budgets, tc.budgetsSummaries)
			}
			if centersCost != int64(tc.centers) || sim.Hits(summaryPath)-summaries != tc.centersSummaries {
				t.Errorf("cost centers: %d requests (%d summaries), want %d (%d)", centersCost, sim.Hits(summaryPath)-summaries, tc.centers, tc.centersSummaries)
			}
			if n := sim.Hits(centersPath); n != tc.costCenterListing {
				t.Errorf("cost-center listings = %d, want one per collector", n)
			}
		})
	}
}
