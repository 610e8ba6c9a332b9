package rules

import "strings"

// orgBudgetAlerts are the budget rules that organizations outside an
// enterprise get as well: the same rules as billing()'s, on the github_org_
// twins of the budget metrics (collector/org.go), so an organization's
// budgets alert as an enterprise's do and the two are never mixed.
// The AI credit pool's rules come along too: an organization outside an
// enterprise is a billing entity with a pool of its own.
var orgBudgetAlerts = map[string]bool{"GitHubBudgetNearlySpent": true, "GitHubBudgetExhausted": true,
	"GitHubAICreditPoolNearlyExhausted": true, "GitHubAICreditMeteredSpendStarted": true}

func orgBudgets() Group {
	rename := strings.NewReplacer("github_enterprise_budget_", "github_org_budget_", "github_enterprise_ai_credits_", "github_org_ai_credits_")
	g := Group{
		Name: "license_exporter_org_budgets",
		Comment: `
The budget and AI credit pool rules of license_exporter_billing_budgets for
organizations outside an enterprise (github_org targets), on their
github_org_ metrics.`,
	}
	for _, r := range billing().Rules {
		if !orgBudgetAlerts[r.Alert] && !strings.HasPrefix(r.Record, "budget:") && !strings.HasPrefix(r.Record, "target:github_enterprise_ai_credits_") {
			continue
		}
		r.Expr, r.Record = rename.Replace(r.Expr), rename.Replace(r.Record)
		g.Rules = append(g.Rules, r)
	}
	return g
}
