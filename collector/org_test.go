package collector

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// orgTarget is a github_org target of the simulator's organization.
func orgTarget(url string) *config.Target {
	return &config.Target{Type: config.TypeGitHubOrg, APIURL: url, Organization: simulator.FixtureOrganization}
}

// Each collector that serves organizations reads the organization's path of
// its report (api.github.com's examples) and sends github_org_ metrics only.
func TestOrgGolden(t *testing.T) {
	for name, path := range map[string]string{
		"org_seats":     "/orgs/github",
		"org_copilot":   "/orgs/github/copilot/billing",
		"copilot_seats": "/orgs/github/copilot/billing/seats",
		"billing_usage": "/organizations/github/settings/billing/usage/summary",
		"ai_credits":    "/organizations/github/settings/billing/ai_credit/usage",
		"budgets":       "/organizations/github/settings/billing/budgets",
	} {
		t.Run(name, func(t *testing.T) {
			sim, url := startSim(t, simulator.Options{})
			c := newCollector(t, name, orgTarget(url))
			metrics, err := runUpdate(t, c)
			if err != nil {
				t.Fatal(err)
			}
			assertGoldenMetrics(t, metrics, "org_"+strings.TrimPrefix(name, "org_"))
			if sim.Hits(path) == 0 {
				t.Errorf("%s not asked", path)
			}
			text, _ := exposition(t, metrics)
			for _, line := range strings.Split(text, "\n") {
				if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "github_org_") {
					t.Errorf("%s: not an organization metric", line)
				}
			}
		})
	}
}

// A token that may not see the plan gets the organization without it: the
// seat series are left out, never 0, and check warns with the fix.
func TestOrgSeatsPlanHidden(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/orgs/github", simulator.JSONFault(http.StatusOK, `{"login":"github","id":1}`))
	c := newCollector(t, "org_seats", orgTarget(url))
	ms, err := runUpdate(t, c)
	if err != nil || len(ms) != 0 {
		t.Fatalf("err = %v, %d metrics, want none", err, len(ms))
	}
	if s := c.(Summarizer).Summary(); !c.(Partialer).Partial() || !strings.Contains(s, "Plan (read)") {
		t.Errorf("summary %q, want a warning naming the Plan permission", s)
	}
	// An organization of an enterprise answers with the enterprise plan:
	// exported, and check says to watch the enterprise instead.
	sim.SetFault("/orgs/github", simulator.JSONFault(http.StatusOK, `{"login":"github","plan":{"name":"enterprise","seats":100,"filled_seats":90}}`))
	if got := values(t, mustUpdate(t, c)); got[`github_org_seats_purchased{target="test"}`] != 100 {
		t.Errorf("got %v", got)
	}
	if s := c.(Summarizer).Summary(); !c.(Partialer).Partial() || !strings.Contains(s, "belongs to an enterprise") {
		t.Errorf("summary %q, want the enterprise named", s)
	}
	// A plan without seats (GitHub Free) has its name only.
	sim.SetFault("/orgs/github", simulator.JSONFault(http.StatusOK, `{"login":"github","plan":{"name":"free","seats":null}}`))
	got := values(t, mustUpdate(t, c))
	if len(got) != 1 || got[`github_org_plan_info{plan="free",target="test"}`] != 1 {
		t.Errorf("got %v, want the plan only", got)
	}
}

// An organization budget is the organization's whole spend: its reports
// take no organization filter, which the simulator refuses like a bad
// parameter, so the spend would otherwise be unknown.
func TestOrgBudgetSpendUnfiltered(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/organizations/github/settings/billing/budgets", simulator.JSONFault(http.StatusOK,
		`{"budgets":[{"id":"b1","budget_type":"ProductPricing","budget_scope":"organization","budget_entity_name":"github","budget_product_sku":"actions","budget_amount":10,"prevent_further_usage":false}],"has_next_page":false}`))
	got := values(t, mustUpdate(t, newCollector(t, "budgets", orgTarget(url))))
	found := false
	for k, v := range got {
		if strings.HasPrefix(k, "github_org_budget_spent_dollars{") {
			found = true
			if v != 8 {
				t.Errorf("%s = %v, want 8 (the example's Actions net amount)", k, v)
			}
		}
	}
	if !found {
		t.Errorf("no spend series: %v", got)
	}
}

// The twins: every github_enterprise_ metric of an enterprise collector
// that serves organizations has a github_org_ twin with the same help and
// labels; other collectors have none, and only those and the organization's
// own collectors serve github_org.
func TestOrgTwins(t *testing.T) {
	for _, s := range Specs() {
		if s.Org == nil {
			if len(s.orgTwins) != 0 {
				t.Errorf("%s: twins without an organization variant", s.Name)
			}
			continue
		}
		for desc, twin := range s.orgTwins {
			var orig *Metric
			for _, m := range s.metrics {
				if m.desc == desc {
					orig = m
				}
			}
			if orig == nil || twin.Help != strings.ReplaceAll(orig.Help, "github_enterprise_", "github_org_") || strings.Join(twin.Labels, ",") != strings.Join(orig.Labels, ",") || !strings.HasPrefix(twin.Name, "github_org_") {
				t.Errorf("%s: twin %s of %v differs", s.Name, twin.Name, orig)
			}
		}
	}
	for _, s := range Specs() {
		if slices.Contains(s.Types, config.TypeGitHubOrg) && s.Org == nil && !strings.HasPrefix(s.Name, "org_") {
			t.Errorf("%s serves organizations without an organization variant", s.Name)
		}
	}
	if m, coll, ok := MetricByName("github_org_copilot_seats"); !ok || coll != "org_copilot" || m.Labels[1] != "state" {
		t.Errorf("github_org_copilot_seats is %v of %q, want the breakdown's", m, coll)
	}
}

// mustUpdate runs Update once and fails the test on an error.
func mustUpdate(t *testing.T, c Collector) []prometheus.Metric {
	t.Helper()
	ms, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}
