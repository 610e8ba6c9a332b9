package rules

import (
	"fmt"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// monthElapsed records the elapsed share of the month (UTC), left out on the
// month's first day; the month-end forecasts divide by it.
const monthElapsed = "license_exporter:month_elapsed:ratio"

// monthEndForecast records a month-to-date figure carried to the month's
// end at this month's average pace, under the name
// LEVEL:METRIC:month_end_forecast.
func monthEndForecast(level, metric string) Rule {
	return Rule{
		Record: level + ":" + metric + ":month_end_forecast",
		Expr:   metric + " / on () group_left () " + monthElapsed,
	}
}

func billing() Group {
	budgetForecast := monthEndForecast("budget", "github_enterprise_budget_spent_dollars")
	costCenterForecast := monthEndForecast("cost_center", "github_enterprise_cost_center_ai_credits_used")
	notPersonal := fmt.Sprintf("{scope!~%q}", thresholds.PersonalBudgetScopes)
	const budgetSummary = "Budget {{ $labels.budget_id }} ({{ $labels.scope }} {{ $labels.entity }}, {{ $labels.sku }}) of {{ $labels.target }}"
	g := Group{
		Name: "license_exporter_billing_budgets",
		Comment: `
Budgets and AI credit pools (collectors budgets, cost_centers, ai_credits
and copilot_seats). The
figures are month-to-date in UTC and drop to 0 at 00:00 UTC on the 1st.
One forecast serves the alerts and the Billing dashboard: the month-to-date
average pace (spend so far / elapsed share of the month, UTC) carried to
the month's end. It needs no history, so a revision of the figures or the
month boundary cannot be read as a pace; it is left out on the month's
first day, when a few hours' spend says little about the month.
Budgets of one user (scope "user", "multi_user_*") stop one person, not a
team: they are counted by GitHubUserBudgetsExhausted, never paged one by one.`,
		Rules: []Rule{
			{
				Record: monthElapsed,
				Expr:   "(day_of_month() - 1 + (time() % 86400) / 86400 >= 1) / days_in_month()",
			},
			budgetForecast,
			costCenterForecast,
			{
				Alert: "GitHubBudgetNearlySpent",
				Expr: fmt.Sprintf(`(
  github_enterprise_budget_spent_dollars%[1]s >= %[2]s * github_enterprise_budget_limit_dollars
  or %[3]s%[1]s >= github_enterprise_budget_limit_dollars
)
and github_enterprise_budget_limit_dollars > 0
unless github_enterprise_budget_spent_dollars >= github_enterprise_budget_limit_dollars`,
					notPersonal, num(thresholds.BudgetNearlySpent), budgetForecast.Record),
				For:      "30m",
				Severity: "warning",
				Summary:  budgetSummary + " is nearly spent",
				Description: fmt.Sprintf(`
The {{ $labels.sku }} budget {{ $labels.budget_id }} of {{ $labels.target }} ({{ $labels.scope }}
{{ $labels.entity }}) has spent %s %% of its monthly limit, or will at this month's average pace before the
month ends (UTC). Raise the budget or find the usage (Billing > Usage) before the product is stopped or
billed beyond plan.`, pct(thresholds.BudgetNearlySpent)),
			},
			{
				Alert: "GitHubBudgetExhausted",
				Expr: `github_enterprise_budget_spent_dollars >= github_enterprise_budget_limit_dollars
and github_enterprise_budget_limit_dollars` + notPersonal + ` > 0
and github_enterprise_budget_prevent_further_usage == 1`,
				For:      "5m",
				Severity: "critical",
				Summary:  budgetSummary + " is spent: usage is stopped",
				Description: `
The {{ $labels.sku }} budget {{ $labels.budget_id }} of {{ $labels.target }} ({{ $labels.scope }}
{{ $labels.entity }}) has reached its monthly limit and stops further usage: the product no longer works
for everyone it covers until the 1st (UTC). Raise the budget (Billing > Budgets and alerts) if the work
must go on.`,
			},
			{
				Alert: "GitHubBudgetExhausted",
				Expr: `github_enterprise_budget_spent_dollars >= github_enterprise_budget_limit_dollars
and github_enterprise_budget_limit_dollars` + notPersonal + ` > 0
unless github_enterprise_budget_prevent_further_usage == 1`,
				For:      "5m",
				Severity: "warning",
				Summary:  budgetSummary + " is spent",
				Description: `
The {{ $labels.sku }} budget {{ $labels.budget_id }} of {{ $labels.target }} ({{ $labels.scope }}
{{ $labels.entity }}) has reached its monthly limit. It does not stop usage, so further usage is billed
beyond the budget. Raise the budget or find the usage (Billing > Usage).`,
			},
			{
				Alert: "GitHubUserBudgetsExhausted",
				Expr: `count by (target) (
  github_enterprise_budget_spent_dollars{scope="user"} >= github_enterprise_budget_limit_dollars
  and github_enterprise_budget_limit_dollars > 0
)`,
				For:      "5m",
				Severity: "info",
				Summary:  "{{ $value }} users' personal budgets of {{ $labels.target }} are spent",
				Description: `
{{ $value }} budgets of a single user (scope user) of {{ $labels.target }} have reached their monthly
limit; those users may be stopped from further usage until the 1st (UTC). Review the user budgets in
Billing > Budgets and alerts if this is more than expected.`,
			},
			{
				Alert: "GitHubCostCenterAICreditsNearlyExhausted",
				Expr: fmt.Sprintf(`(
  github_enterprise_cost_center_ai_credits_used >= %s * github_enterprise_cost_center_ai_credits_cap
  or %s >= github_enterprise_cost_center_ai_credits_cap
)
and github_enterprise_cost_center_ai_credits_cap > 0`, num(thresholds.AICreditsNearlyUsed), costCenterForecast.Record),
				For:      "30m",
				Severity: "warning",
				Summary:  "Cost center {{ $labels.cost_center }} of {{ $labels.target }} is running out of AI credits",
				Description: fmt.Sprintf(`
Cost center {{ $labels.cost_center }} ({{ $labels.cost_center_id }}) of {{ $labels.target }} has used
%s %% of its AI credit cap, or will at this month's average pace before the month ends (UTC). Once the cap is
reached its members' Copilot usage stops or is billed; add licenses to the cost center, move heavy users,
or raise the budget.`, pct(thresholds.AICreditsNearlyUsed)),
			},
		},
	}
	g.Rules = append(g.Rules, Rule{
		Alert: "GitHubBudgetUsersStopped",
		Expr: `github_enterprise_budget_users{state="over"} > 0
and on (target, budget_id)
github_enterprise_budget_prevent_further_usage == 1`,
		For:      "5m",
		Severity: "warning",
		Summary:  "{{ $value }} users of budget {{ $labels.budget_id }} of {{ $labels.target }} are stopped",
		Description: `
{{ $value }} users of the multi-user budget {{ $labels.budget_id }} of {{ $labels.target }} have used their
whole amount, and the budget stops further usage: their Copilot (or the budget's product) no longer works
until the 1st (UTC), whatever the enterprise's pool still holds. Raise the per-user amount (Billing >
Budgets and alerts) or give the users who need more a budget of their own.`,
	})
	g.Rules = append(g.Rules, aiCreditPool()...)
	return g
}
