package collector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

const (
	budgetsPath = "/enterprises/octo-corp/settings/billing/budgets"
	summaryPath = "/enterprises/octo-corp/settings/billing/usage/summary"
	centersPath = "/enterprises/octo-corp/settings/billing/cost-centers"
)

func budgetsCollectorAt(t *testing.T, tc *config.Target) *budgetsCollector {
	t.Helper()
	c := newCollector(t, "budgets", tc).(*budgetsCollector)
	c.now = func() time.Time { return fixedClock }
	return c
}

// The official example: an enterprise budget on the actions product, an
// organization SkuPricing budget and a cost-center budget that name no
// entity (so no spend can be asked for), SKUs as the example's array.
func TestBudgetsGolden(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	c := budgetsCollectorAt(t, fixtureTarget(base))
	assertGolden(t, c, "budgets")
	if got := sim.Hits(summaryPath); got != 1 {
		t.Errorf("usage summary requests = %d, want 1 (the enterprise budget's product)", got)
	}
	if got := sim.Hits(centersPath); got != 1 {
		t.Errorf("cost center listings = %d, want 1 (a budget is scoped to a cost center)", got)
	}
	if got := c.Summary(); got != "3 budgets, spend known for 1, 1 usage report read; spend unknown for 2: "+
		"budget 6ba7b810-9dad-11d1-80b4-00c04fd430c8 [cost_center, packages] (it names no cost center); "+
		"budget f47ac10b-58cc-4372-a567-0e02b2c3d479 [organization, actions_linux] (it names no organization)" {
		t.Errorf("summary = %q", got)
	}
	if !c.Partial() {
		t.Error("budgets of unknown spend left the refresh OK, want partial (a warning)")
	}
}

// The example of the user filter: a multi-user budget and a user's AI
// credit budget. Neither has spend the exporter can read without asking
// per user; the login never becomes a label.
func TestBudgetsUserFilterExample(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(budgetsPath, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != budgetsPath { // the multi-user budget's user states
			simulator.ServeBudgetUserStates(w, r, simulator.ExampleBudgetUserStates())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(simulator.Fixture("ghec-billing-budgets-user-filter.json"))
	})
	metrics, err := runUpdate(t, budgetsCollectorAt(t, fixtureTarget(base)))
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	want := map[string]float64{
		`github_enterprise_budget_limit_dollars{budget_id="2066deda-923f-43f9-88d2-62395a28c0cdd",entity="",scope="multi_user_customer",sku="actions",target="test"}`:         1000,
		`github_enterprise_budget_prevent_further_usage{budget_id="2066deda-923f-43f9-88d2-62395a28c0cdd",entity="",scope="multi_user_customer",sku="actions",target="test"}`: 1,
		`github_enterprise_budget_limit_dollars{budget_id="f47ac10b-58cc-4372-a567-0e02b2c3d479",entity="",scope="user",sku="ai_credits",target="test"}`:                      500,
		`github_enterprise_budget_prevent_further_usage{budget_id="f47ac10b-58cc-4372-a567-0e02b2c3d479",entity="",scope="user",sku="ai_credits",target="test"}`:              1,
		// The user's budget carries no consumed_amount: unknown, not 0. The
		// multi-user budget is per user by design and not counted.
		`github_enterprise_budgets_spend_unknown{target="test"}`: 1,
		// The example's user states: 5 % and 25 % used, none near or over.
		`github_enterprise_budget_users{budget_id="2066deda-923f-43f9-88d2-62395a28c0cdd",state="near",target="test"}`: 0,
		`github_enterprise_budget_users{budget_id="2066deda-923f-43f9-88d2-62395a28c0cdd",state="over",target="test"}`: 0,
		`github_enterprise_user_budgets{state="near",target="test"}`:                                                   0,
		`github_enterprise_user_budgets{state="over",target="test"}`:                                                   0,
	}
	if len(got) != len(want) {
		t.Errorf("series = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for k := range got {
		if strings.Contains(k, "octocat") || strings.Contains(k, "admin") {
			t.Errorf("a login became a label: %s", k)
		}
	}
	if sim.Hits(summaryPath) != 0 {
		t.Errorf("usage summary asked %d times, want 0", sim.Hits(summaryPath))
	}
}

func TestBudgetsLargeEnterprise(t *testing.T) {
	const users = 20000
	sim, base := startSim(t, simulator.Options{LargeUsers: users})
	c := budgetsCollectorAt(t, &config.Target{Type: config.TypeGitHub, APIURL: base, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	series := func(name, id, scope, entity, sku string) string {
		return fmt.Sprintf(`%s{budget_id="b0000000-0000-4000-8000-00000000000%s",entity="%s",scope="%s",sku="%s",target="test"}`, name, id, entity, scope, sku)
	}
	for k, want := range map[string]float64{
		// 12.5 Linux minutes a user at $0.008, against a limit of spend/0.95.
		series("github_enterprise_budget_spent_dollars", "1", "enterprise", "large-corp", "actions_linux"):         2000,
		series("github_enterprise_budget_limit_dollars", "1", "enterprise", "large-corp", "actions_linux"):         2106,
		series("github_enterprise_budget_prevent_further_usage", "1", "enterprise", "large-corp", "actions_linux"): 1,
		// Copilot seats: 0.25 user-months a user at $19.
		series("github_enterprise_budget_spent_dollars", "2", "enterprise", "large-corp", "copilot"): 95000,
		// One organization of 25: Actions Linux and macOS, $3200 / 25.
		series("github_enterprise_budget_spent_dollars", "3", "organization", "org03", "actions"): 128,
		// Cost center 2 (mapped from its name) has 3/20 of Packages' $240.
		series("github_enterprise_budget_spent_dollars", "4", "cost_center", "Cost center 2", "packages"): 36,
		series("github_enterprise_budget_limit_dollars", "4", "cost_center", "Cost center 2", "packages"): 30,
		// A user's budget reports what the user consumed; no login label.
		series("github_enterprise_budget_spent_dollars", "6", "user", "", "ai_credits"): 12.5,
		// The enterprise's Packages budget is spent and stops usage.
		series("github_enterprise_budget_spent_dollars", "9", "enterprise", "large-corp", "packages"): 240,
		series("github_enterprise_budget_limit_dollars", "9", "enterprise", "large-corp", "packages"): 216,
		// Advanced Security budgets count licenses.
		series("github_enterprise_budget_limit_licenses", "7", "enterprise", "large-corp", "ghas"): 400,
		// AI credit budgets from the AI credit report: nothing net while
		// the enterprise's pool lasts.
		series("github_enterprise_budget_spent_dollars", "a", "organization", "org03", "ai_credits"):        0,
		series("github_enterprise_budget_spent_dollars", "b", "cost_center", "Cost center 1", "ai_credits"): 0,
		// The multi-user budget stops usage; 80 users near, 40 over.
		`github_enterprise_budget_users{budget_id="` + simulator.LargeMultiUserBudget + `",state="near",target="test"}`: 80,
		`github_enterprise_budget_users{budget_id="` + simulator.LargeMultiUserBudget + `",state="over",target="test"}`: 40,
		`github_enterprise_user_budgets{state="near",target="test"}`:                                                    0,
		`github_enterprise_user_budgets{state="over",target="test"}`:                                                    0,
	} {
		if v, ok := got[k]; !ok || !near(v, want) {
			t.Errorf("%s = %v (present %v), want %v", k, v, ok, want)
		}
	}
	for _, absent := range []string{
		series("github_enterprise_budget_spent_dollars", "7", "enterprise", "large-corp", "ghas"),
		series("github_enterprise_budget_limit_dollars", "7", "enterprise", "large-corp", "ghas"),
		series("github_enterprise_budget_spent_dollars", "8", "multi_user_customer", "", "copilot"),
		// A cost center that is not among the active ones (deleted, or
		// renamed since) has spent an unknown amount, not 0.
		series("github_enterprise_budget_spent_dollars", "5", "cost_center", "Retired", "actions_linux"),
	} {
		if _, ok := got[absent]; ok {
			t.Errorf("%s should be left out", absent)
		}
	}
	// Five filters (actions_linux, copilot, packages, org03/actions, cost
	// center 2/packages) on three scope entities: one summary each, and one
	// cost-center listing.
	if n := sim.Hits("/enterprises/large-corp/settings/billing/usage/summary"); n != 3 {
		t.Errorf("usage summary requests = %d, want 3", n)
	}
	if n := sim.Hits("/enterprises/large-corp/settings/billing/cost-centers"); n != 1 {
		t.Errorf("cost-center listings = %d, want 1", n)
	}
	if n := sim.Hits("/enterprises/large-corp/settings/billing/ai_credit/usage"); n != 2 {
		t.Errorf("AI credit report requests = %d, want 2 (org03, Cost center 1)", n)
	}
}

// Odd budgets, paged over two pages by has_next_page: the schema's string
// budget_product_sku, an unlisted scope, worded booleans and amounts, three
// budgets sharing one filter, an organization the summary rejects and a
// SKU it does not know (asked on its own, as the shared report has no line
// of it, and rejected), a cost center that no longer exists: spend unknown,
// no series. The enterprise's budgets read one summary between them and
// pick their product's or SKU's lines from it.
func TestBudgetsOddValuesAndPaging(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(budgetsPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("page") == "2" {
			fmt.Fprint(w, `{"budgets": [
			  {"id": "c", "budget_type": "productpricing", "budget_product_skus": ["Actions", "actions"], "budget_scope": "enterprise", "budget_amount": "250.5", "prevent_further_usage": "false"},
			  {"id": "d", "budget_type": "SkuPricing", "budget_product_sku": "actions_linux", "budget_scope": "Organization", "budget_entity_name": "gone-org", "budget_amount": 10, "prevent_further_usage": null},
			  {"id": "e", "budget_type": "ProductPricing", "budget_product_sku": "actions", "budget_scope": "cost_center", "budget_entity_name": "Gone", "budget_amount": 5, "prevent_further_usage": true},
			  {"id": "f", "budget_type": "ProductPricing", "budget_product_sku": "actions", "budget_scope": "Galaxy", "budget_entity_name": "m31", "budget_amount": null, "prevent_further_usage": 1},
			  {"id": "g", "budget_type": "SkuPricing", "budget_product_sku": "no_such_sku", "budget_scope": "enterprise", "budget_amount": 10}
			], "has_next_page": false}`)
			return
		}
		fmt.Fprint(w, `{"budgets": [
		  {"id": "a", "budget_type": "ProductPricing", "budget_product_sku": "actions", "budget_scope": "enterprise", "budget_amount": 100, "prevent_further_usage": true},
		  {"id": "b", "budget_type": "ProductPricing", "budget_product_skus": "actions", "budget_scope": "enterprise", "budget_amount": 1e3, "prevent_further_usage": false, "budget_alerting": null},
		  {"id": null, "budget_type": 7, "budget_scope": null, "budget_amount": {"x": 1}},
		  {"id": null, "budget_type": "ProductPricing", "budget_product_sku": "packages", "budget_scope": "enterprise", "budget_amount": 3},
		  {"id": null, "budget_type": "ProductPricing", "budget_product_sku": "packages", "budget_scope": "enterprise", "budget_amount": 4},
		  "not a budget", null, 7, [1]
		], "has_next_page": true, "total_count": 9}`)
	})
	var mu sync.Mutex
	var asked []string
	sim.SetFault(summaryPath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		asked = append(asked, q.Get("product")+q.Get("sku")+"/"+q.Get("organization"))
		mu.Unlock()
		if q.Get("organization") == "gone-org" || q.Get("sku") == "no_such_sku" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"message":"Invalid organization or SKU"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"usageItems": [
		  {"product": "Actions", "sku": "actions_linux", "netAmount": 8},
		  {"product": "Packages", "sku": "packages_storage", "netAmount": 2.5}
		]}`)
	})
	c := budgetsCollectorAt(t, fixtureTarget(base))
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	s := func(name, id, scope, entity, sku string) string {
		return fmt.Sprintf(`%s{budget_id="%s",entity="%s",scope="%s",sku="%s",target="test"}`, name, id, entity, scope, sku)
	}
	want := map[string]float64{
		s("github_enterprise_budget_limit_dollars", "a", "enterprise", "octo-corp", "actions"):         100,
		s("github_enterprise_budget_spent_dollars", "a", "enterprise", "octo-corp", "actions"):         8,
		s("github_enterprise_budget_prevent_further_usage", "a", "enterprise", "octo-corp", "actions"): 1,
		s("github_enterprise_budget_limit_dollars", "b", "enterprise", "octo-corp", "actions"):         1000,
		s("github_enterprise_budget_spent_dollars", "b", "enterprise", "octo-corp", "actions"):         8,
		s("github_enterprise_budget_prevent_further_usage", "b", "enterprise", "octo-corp", "actions"): 0,
		s("github_enterprise_budget_limit_dollars", "c", "enterprise", "octo-corp", "actions"):         250.5,
		s("github_enterprise_budget_spent_dollars", "c", "enterprise", "octo-corp", "actions"):         8,
		s("github_enterprise_budget_prevent_further_usage", "c", "enterprise", "octo-corp", "actions"): 0,
		s("github_enterprise_budget_limit_dollars", "d", "organization", "gone-org", "actions_linux"):  10,
		s("github_enterprise_budget_limit_dollars", "g", "enterprise", "octo-corp", "no_such_sku"):     10,
		s("github_enterprise_budget_limit_dollars", "e", "cost_center", "Gone", "actions"):             5,
		s("github_enterprise_budget_prevent_further_usage", "e", "cost_center", "Gone", "actions"):     1,
		s("github_enterprise_budget_prevent_further_usage", "f", "galaxy", "m31", "actions"):           1,
		// Two budgets without an id that look alike: the first is kept.
		s("github_enterprise_budget_limit_dollars", "unknown", "enterprise", "octo-corp", "packages"): 3,
		s("github_enterprise_budget_spent_dollars", "unknown", "enterprise", "octo-corp", "packages"): 2.5,
		// The rejected organization (d) and SKU (g), the cost center that
		// is gone (e), the unlisted scope (f) and the budget with no scope:
		// spend unknown, so no spent series (not 0) for any of them.
		`github_enterprise_budgets_spend_unknown{target="test"}`:     5,
		`github_enterprise_user_budgets{state="near",target="test"}`: 0,
		`github_enterprise_user_budgets{state="over",target="test"}`: 0,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || !near(g, v) {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d series, want %d: %v", len(got), len(want), got)
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(asked)
	if strings.Join(asked, " ") != "/ /gone-org no_such_sku/" {
		t.Errorf("summary asked %q, want one request per scope entity, without product or SKU (the enterprise, gone-org), and one for the SKU the enterprise's report has no line of", asked)
	}
	if n := sim.Hits(budgetsPath); n != 2 {
		t.Errorf("budget pages = %d, want 2", n)
	}
}

func TestBudgetsNotFoundIsNoData(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(budgetsPath, simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
	c := budgetsCollectorAt(t, fixtureTarget(base))
	metrics, err := runUpdate(t, c)
	if err != nil || len(metrics) != 0 {
		t.Fatalf("err = %v, %d metrics; want no error and none", err, len(metrics))
	}
	if !c.Absent() {
		t.Errorf("summary = %q", c.Summary())
	}
}

// A failing summary fails the refresh (the cache keeps the last good
// figures) rather than exporting a spend of 0.
func TestBudgetsSummaryServerErrorFails(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(summaryPath, simulator.JSONFault(http.StatusBadGateway, `{"message":"Server Error"}`))
	if _, err := runUpdate(t, budgetsCollectorAt(t, fixtureTarget(base))); !api.IsKind(err, api.KindServer) {
		t.Errorf("err = %v, want a server error", err)
	}
}

func TestBudgetsForbiddenSaysWhatIsMissing(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(budgetsPath, simulator.JSONFault(http.StatusForbidden, `{"message":"Must have admin rights"}`,
		"X-Accepted-OAuth-Scopes", "manage_billing:enterprise", "X-OAuth-Scopes", "read:org"))
	_, err := runUpdate(t, budgetsCollectorAt(t, fixtureTarget(base)))
	if !api.IsKind(err, api.KindPermission) {
		t.Fatalf("err = %v, want forbidden", err)
	}
	fix := Explain(err, budgetsSpec, &config.Target{Type: config.TypeGitHub, Enterprise: "octo-corp"})
	for _, want := range []string{"billing manager", "`manage_billing:enterprise`", "read access to enterprise billing"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix %q does not say %q", fix, want)
		}
	}
}

func FuzzBudgets(f *testing.F) {
	f.Add(simulator.Fixture("ghec-billing-budgets.json"))
	f.Add(simulator.Fixture("ghec-billing-budgets-user-filter.json"))
	f.Add([]byte(`{"budgets":[{"budget_scope":"cost_center","budget_entity_name":"x","budget_type":"SkuPricing","budget_product_sku":["a",1]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p budgetPage
		if json.Unmarshal(b, &p) != nil {
			return
		}
		plans := make([]spendPlan, len(p.Budgets.Items))
		for i := range p.Budgets.Items {
			plans[i] = p.Budgets.Items[i].plan(map[string]string{"x": "1"})
		}
		drain(func(ch chan<- prometheus.Metric) {
			collectBudgets("t", "e", p.Budgets.Items, plans, map[usageFilter]float64{}, nil, ch)
		})
	})
}

// Each usage-based billing collector explains a 403 with what its spec says
// the credential needs, as check and the status page print it.
func TestBillingCollectorsExplainForbidden(t *testing.T) {
	for name, want := range map[string][]string{
		"ai_credits":                  {"billing manager", "`manage_billing:enterprise`", "read access to enterprise billing"},
		"budgets":                     {"billing manager", "`manage_billing:enterprise`", "read access to enterprise billing"},
		"cost_centers":                {"billing manager", "`manage_billing:enterprise`", "read access to enterprise billing"},
		"advanced_security":           {"billing manager", "`manage_billing:enterprise`", "fine-grained tokens and GitHub Apps cannot call this endpoint"},
		"visual_studio_subscriptions": {"enterprise owner", "`read:enterprise`"},
	} {
		t.Run(name, func(t *testing.T) {
			sim, base := startSim(t, simulator.Options{})
			sim.SetFault("/enterprises/octo-corp/", simulator.JSONFault(http.StatusForbidden, `{"message":"Resource not accessible by personal access token"}`,
				"X-Accepted-OAuth-Scopes", "manage_billing:enterprise", "X-OAuth-Scopes", "repo"))
			_, err := runUpdate(t, newCollector(t, name, fixtureTarget(base)))
			if !api.IsKind(err, api.KindPermission) {
				t.Fatalf("err = %v, want forbidden (a 403 is never \"no data\")", err)
			}
			spec, _ := SpecOf(name)
			fix := Explain(err, spec, fixtureTarget(base))
			for _, w := range append(want, "the token has: repo") {
				if !strings.Contains(fix, w) {
					t.Errorf("fix %q does not say %q", fix, w)
				}
			}
		})
	}
}

func TestBudgetListLenient(t *testing.T) {
	for body, want := range map[string]int{
		`{"budgets": "none"}`:                        0,
		`{"budgets": null}`:                          0,
		`{"budgets": [{"id": "a"}, "b", {"id": 3}]}`: 2,
		`{}`: 0,
	} {
		var p budgetPage
		if err := json.Unmarshal([]byte(body), &p); err != nil || len(p.Budgets.Items) != want {
			t.Errorf("%s: err = %v, %d budgets, want %d", body, err, len(p.Budgets.Items), want)
		}
	}
}

// TestBudgetLabelsNoLogin: budgets of users may name a login in
// budget_entity_name; it never becomes a label value.
func TestBudgetLabelsNoLogin(t *testing.T) {
	for _, scope := range []string{"user", "User", "multi_user_customer", "multi_user_org"} {
		b := budget{ID: "b", Scope: api.String(scope), Entity: "octocat", SKUs: api.Strings{"copilot"}}
		if l := b.labels("t", "e"); slices.Contains(l, "octocat") {
			t.Errorf("scope %s: labels %q name the login", scope, l)
		}
	}
}

// A cost-center listing that answers 404 leaves the spend of cost-center
// budgets unknown (no series), not 0, and says so once at warn; a filter
// the summary rejects is said once at warn too.
func TestBudgetsCostCentersNotFoundIsUnknown(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(budgetsPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"budgets": [
		  {"id": "cc", "budget_type": "ProductPricing", "budget_product_sku": "actions", "budget_scope": "cost_center", "budget_entity_name": "Platform", "budget_amount": 100},
		  {"id": "bad", "budget_type": "SkuPricing", "budget_product_sku": "no_such_sku", "budget_scope": "enterprise", "budget_amount": 10}
		], "has_next_page": false}`)
	})
	sim.SetFault(centersPath, simulator.JSONFault(http.StatusNotFound, `{"message":"Not Found"}`))
	sim.SetFault(summaryPath, simulator.JSONFault(http.StatusBadRequest, `{"message":"Invalid sku"}`))
	c := budgetsCollectorAt(t, fixtureTarget(base))
	var logs bytes.Buffer
	c.src.Logger = log.NewLogfmtLogger(&logs)
	for range 2 {
		metrics, err := runUpdate(t, c)
		if err != nil {
			t.Fatal(err)
		}
		got := values(t, metrics)
		if v, ok := got[`github_enterprise_budget_spent_dollars{budget_id="cc",entity="Platform",scope="cost_center",sku="actions",target="test"}`]; ok {
			t.Errorf("cost-center budget spent = %v, want no series (unknown)", v)
		}
		if _, ok := got[`github_enterprise_budget_limit_dollars{budget_id="cc",entity="Platform",scope="cost_center",sku="actions",target="test"}`]; !ok {
			t.Error("the cost-center budget's limit is lost")
		}
		// The summary rejects every filter (as for a renamed SKU), so the
		// spend is unknown; 0 would show $0 spent forever and no alert
		// could fire.
		if v, ok := got[`github_enterprise_budget_spent_dollars{budget_id="bad",entity="octo-corp",scope="enterprise",sku="no_such_sku",target="test"}`]; ok {
			t.Errorf("budget with a rejected filter spent = %v, want no series (unknown)", v)
		}
		if v := got[`github_enterprise_budgets_spend_unknown{target="test"}`]; v != 2 {
			t.Errorf("budgets_spend_unknown = %v, want 2", v)
		}
	}
	if s := c.Summary(); !strings.Contains(s, "spend known for 0") || !strings.Contains(s, "cost-center budgets' spend unknown") ||
		!strings.Contains(s, "budget bad [enterprise octo-corp, no_such_sku] (the usage report rejects the enterprise's summary)") ||
		!strings.Contains(s, "budget cc [cost_center Platform, actions] (the cost-center listing is not available)") {
		t.Errorf("summary = %q", s)
	}
	l := logs.String()
	if strings.Count(l, "level=warn") != 2 || strings.Count(l, "cost-center listing answers 404") != 1 ||
		strings.Count(l, "rejects a budget's filter") != 1 || !strings.Contains(l, "collector=budgets") {
		t.Errorf("want one warning each over two refreshes, got:\n%s", l)
	}
}

// TestBudgetSpentCents: a spend summed from fractional amounts that lands
// on the limit is exactly the limit (no 239.99999999999997 against 240).
func TestBudgetSpentCents(t *testing.T) {
	b := []budget{{ID: "x", Type: "SkuPricing", Scope: "enterprise", SKUs: api.Strings{"a", "b", "c"}, Amount: api.Number{Value: 240, Valid: true}}}
	plans := []spendPlan{b[0].plan(nil)}
	spend := map[usageFilter]float64{{sku: "a"}: 8.11, {sku: "b"}: 231.79, {sku: "c"}: 0.1}
	for _, f := range plans[0].filters {
		if _, ok := spend[f]; !ok {
			t.Fatalf("unexpected filter %+v", f)
		}
	}
	if s := spend[usageFilter{sku: "a"}] + spend[usageFilter{sku: "b"}] + spend[usageFilter{sku: "c"}]; s == 240 {
		t.Fatalf("the test needs float noise: %v", s)
	}
	got := values(t, drain(func(ch chan<- prometheus.Metric) { collectBudgets("t", "e", b, plans, spend, nil, ch) }))
	if v := got[`github_enterprise_budget_spent_dollars{budget_id="x",entity="e",scope="enterprise",sku="a,b,c",target="t"}`]; v != 240 {
		t.Errorf("spent = %v, want exactly 240", v)
	}
}

// A line of the budget's product without an amount leaves its spend
// unknown (no series, counted), never $0.
func TestBudgetsLineWithoutAmountIsUnknown(t *testing.T) {
	sim, base := startSim(t, simulator.Options{})
	sim.SetFault(budgetsPath, simulator.JSONFault(http.StatusOK, `{"budgets": [
	  {"id": "a", "budget_type": "ProductPricing", "budget_product_sku": "actions", "budget_scope": "enterprise", "budget_amount": 100},
	  {"id": "b", "budget_type": "ProductPricing", "budget_product_sku": "packages", "budget_scope": "enterprise", "budget_amount": 100}
	], "has_next_page": false}`))
	sim.SetFault(summaryPath, simulator.JSONFault(http.StatusOK, `{"usageItems": [
	  {"product": "Actions", "sku": "actions_linux", "netAmount": null},
	  {"product": "Packages", "sku": "packages_storage", "netAmount": 2.5}
	]}`))
	metrics, err := runUpdate(t, budgetsCollectorAt(t, fixtureTarget(base)))
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	if v, ok := got[`github_enterprise_budget_spent_dollars{budget_id="a",entity="octo-corp",scope="enterprise",sku="actions",target="test"}`]; ok {
		t.Errorf("spent = %v for a line without an amount, want no series", v)
	}
	if v := got[`github_enterprise_budget_spent_dollars{budget_id="b",entity="octo-corp",scope="enterprise",sku="packages",target="test"}`]; v != 2.5 {
		t.Errorf("packages spent = %v, want 2.5", v)
	}
	if v := got[`github_enterprise_budgets_spend_unknown{target="test"}`]; v != 1 {
		t.Errorf("budgets_spend_unknown = %v, want 1", v)
	}
}
