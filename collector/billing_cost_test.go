package collector

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestBillingAPICost checks docs/billing.md's API cost for an enterprise
// with 50 cost centers and 100 budgets, each on one product. Alone,
// budgets costs 1 page + 1 cost-center listing + 1 summary per scope
// entity, cost_centers 1 listing + 50 + 1 ("none"). Together, in one
// target, they read the listing once, and a cost center's summary serves
// its budgets too: a cost center's budgets cost nothing of their own.
func TestBillingAPICost(t *testing.T) {
	var centers []map[string]any
	for i := range 50 {
		centers = append(centers, map[string]any{"id": fmt.Sprintf("cc-%02d", i), "name": fmt.Sprintf("Team %02d", i), "state": "active",
			"resources": []map[string]any{{"type": "User", "name": "someone"}}})
	}
	centersBody, _ := json.Marshal(map[string]any{"costCenters": centers})
	const (
		distinct    = iota // 50 on a cost center each, 50 on an organization each
		twoPerOrg          // 50 on a cost center each, two on each of 25 organizations
		costCenters        // two on each cost center (actions, packages)
	)
	budgetsBody := func(layout int) []byte {
		var budgets []map[string]any
		for i := range 100 {
			b := map[string]any{"id": fmt.Sprintf("b-%03d", i), "budget_type": "ProductPricing", "budget_product_sku": "actions",
				"budget_amount": 100, "prevent_further_usage": false}
			switch {
			case layout == costCenters:
				b["budget_scope"], b["budget_entity_name"] = "cost_center", fmt.Sprintf("Team %02d", i/2)
				if i%2 == 1 {
					b["budget_product_sku"] = "packages"
				}
			case i < 50:
				b["budget_scope"], b["budget_entity_name"] = "cost_center", fmt.Sprintf("Team %02d", i)
			case layout == twoPerOrg:
				b["budget_scope"], b["budget_entity_name"] = "organization", fmt.Sprintf("org%02d", i/2)
				if i%2 == 1 {
					b["budget_product_sku"] = "packages"
				}
			default:
				b["budget_scope"], b["budget_entity_name"] = "organization", fmt.Sprintf("org%02d", i)
			}
			budgets = append(budgets, b)
		}
		body, _ := json.Marshal(map[string]any{"budgets": budgets, "has_next_page": false, "total_count": 100})
		return body
	}
	for _, tc := range []struct {
		name                        string
		layout                      int
		budgets, centers            int // each alone
		budgetsSummaries            int
		together, togetherSummaries int
	}{
		// 158 requests an hour before collectors shared (budgets 102,
		// cost_centers 52, and 4 of the other billing collectors).
		{"every filter distinct", distinct, 102, 52, 100, 1 + 1 + 51 + 50, 51 + 50},
		// GitHub's example summary has no Packages line: the packages
		// budgets' product is asked once, enterprise-wide, to tell $0 from
		// a name the report does not know.
		{"two budgets per organization", twoPerOrg, 78, 52, 76, 1 + 1 + 51 + 25 + 1, 51 + 25 + 1},
		{"budgets on cost centers", costCenters, 53, 52, 51, 1 + 1 + 51 + 1, 51 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, base := startSim(t, simulator.Options{})
			sim.SetFault(centersPath, simulator.JSONFault(http.StatusOK, string(centersBody)))
			sim.SetFault(budgetsPath, simulator.JSONFault(http.StatusOK, string(budgetsBody(tc.layout))))

			// Each alone, as tests of one collector build them: no sharing.
			before := sim.Total()
			if _, err := runUpdate(t, budgetsCollectorAt(t, fixtureTarget(base))); err != nil {
				t.Fatal(err)
			}
			budgetsCost, summaries := sim.Total()-before, sim.Hits(summaryPath)
			before = sim.Total()
			if _, err := runUpdate(t, newCollector(t, "cost_centers", fixtureTarget(base))); err != nil {
				t.Fatal(err)
			}
			centersCost := sim.Total() - before
			if budgetsCost != int64(tc.budgets) || summaries != tc.budgetsSummaries {
				t.Errorf("budgets alone: %d requests (%d summaries), want %d (%d)", budgetsCost, summaries, tc.budgets, tc.budgetsSummaries)
			}
			if centersCost != int64(tc.centers) || sim.Hits(summaryPath)-summaries != 51 {
				t.Errorf("cost centers alone: %d requests (%d summaries), want %d (51)", centersCost, sim.Hits(summaryPath)-summaries, tc.centers)
			}

			// Together, in one target, refreshed at once as the cache does
			// when both are due.
			src := newTestTarget(t, fixtureTarget(base))
			src.shared = newShared()
			b, err := registry["budgets"].factory(src)
			if err != nil {
				t.Fatal(err)
			}
			b.(*budgetsCollector).now = func() time.Time { return fixedClock }
			cc, err := registry["cost_centers"].factory(src)
			if err != nil {
				t.Fatal(err)
			}
			cc.(*costCentersCollector).now = func() time.Time { return fixedClock }
			before, summaries = sim.Total(), sim.Hits(summaryPath)
			listings := sim.Hits(centersPath)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, c := range []Collector{b, cc} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = runUpdate(t, c)
				}()
			}
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatal(errs)
			}
			if got := sim.Total() - before; got != int64(tc.together) || sim.Hits(summaryPath)-summaries != tc.togetherSummaries {
				t.Errorf("together: %d requests (%d summaries), want %d (%d)", got, sim.Hits(summaryPath)-summaries, tc.together, tc.togetherSummaries)
			}
			if n := sim.Hits(centersPath) - listings; n != 1 {
				t.Errorf("together: %d cost-center listings, want 1", n)
			}
			t.Logf("alone %d + %d = %d requests, together %d", budgetsCost, centersCost, budgetsCost+centersCost, sim.Total()-before)
		})
	}
}
