package rules

import (
	"fmt"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// The AI credit pool of the month: the credits included in the Copilot
// licenses (github_enterprise_ai_credits_pool, copilot_seats) against those
// used so far (github_enterprise_ai_credits_included, ai_credits).
const (
	poolUsedSum      = "target:github_enterprise_ai_credits_included:sum"
	poolUsedRatio    = "target:github_enterprise_ai_credits_pool_used:ratio"
	poolUsedForecast = "target:github_enterprise_ai_credits_pool_used:month_end_forecast"
)

func aiCreditPool() []Rule {
	return []Rule{
		{
			Record: poolUsedSum,
			Expr:   "sum by (target) (github_enterprise_ai_credits_included)",
		},
		{
			// max by (target): the pool carries the exporter's job and
			// instance, the sum does not. A pool of 0 has no share.
			Record: poolUsedRatio,
			Expr:   poolUsedSum + "\n/ on (target)\nmax by (target) (github_enterprise_ai_credits_pool > 0)",
		},
		{
			Record: poolUsedForecast,
			Expr:   poolUsedRatio + " / on () group_left () " + monthElapsed,
		},
		{
			Alert: "GitHubAICreditPoolNearlyExhausted",
			Expr: fmt.Sprintf(`%s >= %s
or %s >= 1`, poolUsedRatio, num(thresholds.AICreditsNearlyUsed), poolUsedForecast),
			For:      "30m",
			Severity: "warning",
			Summary:  "The AI credit pool of {{ $labels.target }} is running out this month",
			Description: fmt.Sprintf(`
{{ $labels.target }} has used %s %% of the AI credits included in its Copilot licenses this month, or
will at this month's average pace before the month ends (UTC). Once the pool is used up, Copilot usage is
billed per credit or, where a policy or budget says so, stops until the 1st. Find the heaviest use
(Billing > Usage, AI credits by model), add licenses (each adds to the pool at once) or set budgets.`,
				pct(thresholds.AICreditsNearlyUsed)),
		},
		{
			Alert: "GitHubAICreditMeteredSpendStarted",
			Expr: `sum by (target) (github_enterprise_ai_credits_billed) > 0
and on (target)
max by (target) (github_enterprise_ai_credits_pool) > 0`,
			For:      "5m",
			Severity: "info",
			Summary:  "{{ $labels.target }} is billed for AI credits beyond its pool: {{ $value | humanize }} credits this month",
			Description: `
The AI credit pool of {{ $labels.target }} is used up for this month: further Copilot usage is billed per
credit (1 credit = $0.01) until the pool resets at 00:00 UTC on the 1st. If that is not wanted, disable
the paid usage policy (AI Controls) or set a budget that stops usage.`,
		},
	}
}
