package rules

import "strings"

// orgBudgetAlerts are the budget rules that organizations outside an
// enterprise get as well: the same rules as billing()'s, on the github_org_
// twins of the budget metrics (collector/org.go), so an organization's
// budgets alert as an enterprise's do and the two are never mixed.
var orgBudgetAlerts = map[string]bool{"GitHubBudgetNearlySpent": true, "GitHubBudgetExhausted": true}

func orgBudgets() Group {
	rename := strings.NewReplacer("github_enterprise_budget_", "github_org_budget_")
	g := Group{
		Name: "license_exporter_org_budgets",
		Comment: `
The budget rules of license_exporter_billing_budgets for organizations
outside an enterprise (github_org targets), on their github_org_ metrics.`,
	}
	for _, r := range billing().Rules {
		if !orgBudgetAlerts[r.Alert] && !strings.HasPrefix(r.Record, "budget:") {
			continue
		}
		r.Expr, r.Record = rename.Replace(r.Expr), rename.Replace(r.Record)
		g.Rules = append(g.Rules, r)
	}
	return g
}
