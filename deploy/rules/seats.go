package rules

import (
	"fmt"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// trendDays is the window whose seat growth the forecasts carry forward.
const trendDays = 7

// overLimit is true where used exceeds a limit that is one (0 is no limit).
func overLimit(used, limit string) string {
	return fmt.Sprintf("%s > %s\nand %s > 0", used, limit, limit)
}

// nearlyExhausted is the "NearlyExhausted" test of a used count against its
// limit: the share in use, or the trend of the last week reaching the limit
// within the forecast. The trend is only trusted once the series is a day
// old (it was there 1d ago): on a series hours old predict_linear
// extrapolates a few minutes of change. It stays quiet once over the limit,
// where the "Over" alerts speak.
func nearlyExhausted(used, limit string) string {
	return fmt.Sprintf(`(
  %[1]s / %[2]s >= %[3]s
  or
  (predict_linear(%[1]s[%[4]dd], %[5]s) >= %[2]s and present_over_time(%[1]s[1h] offset 1d))
)
and %[2]s > 0
unless %[1]s > %[2]s`, used, limit, num(thresholds.SeatsNearlyExhausted), trendDays, days(thresholds.SeatsForecastDays))
}

// nearlyText fills in the figures a "NearlyExhausted" description names:
// the share in use, the forecast's horizon and its window.
func nearlyText(format string) string {
	return fmt.Sprintf(format, pct(thresholds.SeatsNearlyExhausted), thresholds.SeatsForecastDays, trendDays)
}

func seats() Group {
	const (
		ghecUsed, ghecLimit = "github_enterprise_seats_consumed", "github_enterprise_seats_purchased"
		ghesUsed, ghesLimit = "github_enterprise_server_license_seats_used", "github_enterprise_server_license_seats"
		glUsed, glLimit     = "gitlab_license_active_users", "gitlab_license_user_limit"
		ghasUsed, ghasLimit = "github_enterprise_advanced_security_committers", "github_enterprise_advanced_security_committers_purchased"
		ghasServerUsed      = "github_enterprise_server_advanced_security_committers"
		ghasServerLimit     = "github_enterprise_server_advanced_security_committers_purchased"
	)
	return Group{Name: "license_exporter.seats", Rules: []Rule{
		{
			Alert:    "GitHubEnterpriseSeatsOverPurchase",
			Expr:     overLimit(ghecUsed, ghecLimit),
			For:      "15m",
			Severity: "critical",
			Summary:  "{{ $labels.target }} uses more GitHub Enterprise seats than it bought",
			Description: `
{{ $labels.target }} consumes {{ $value }} seats, more than it purchased. GitHub bills the difference.
Buy more seats, or remove dormant members, outside collaborators and unused Visual Studio subscriptions
(Enterprise settings > Licensing).`,
		},
		{
			Alert:    "GitHubEnterpriseSeatsNearlyExhausted",
			Expr:     nearlyExhausted(ghecUsed, ghecLimit),
			For:      "1h",
			Severity: "warning",
			Summary:  "{{ $labels.target }} is running out of GitHub Enterprise seats",
			Description: nearlyText(`
{{ $labels.target }} uses %s %% or more of its purchased seats, or reaches the purchase within %d days at the
growth of the last %d days. Order seats now or reclaim dormant ones before new members are billed as overage.`),
		},
		{
			Alert:    "GitHubOrgSeatsNearlyExhausted",
			Expr:     nearlyExhausted("github_org_seats_consumed", "github_org_seats_purchased"),
			For:      "1h",
			Severity: "warning",
			Summary:  "Organization {{ $labels.target }} is running out of seats of its GitHub plan",
			Description: nearlyText(`
{{ $labels.target }} fills %s %% or more of its plan's seats, or reaches them within %d days at the growth of the
last %d days. Adding members beyond the seats needs more seats bought (Organization settings > Billing and
licensing): buy them, or remove members and outside collaborators who no longer need access.`),
		},
		{
			Alert:    "GitHubEnterpriseServerSeatsOverLicense",
			Expr:     overLimit(ghesUsed, ghesLimit),
			For:      "15m",
			Severity: "critical",
			Summary:  "Enterprise Server {{ $labels.target }} uses more seats than its license holds",
			Description: `
{{ $labels.target }} has {{ $value }} seats in use, more than the license allows. Suspend dormant users
(Site admin > Dormant users) or upload a license with more seats.`,
		},
		{
			Alert:    "GitHubEnterpriseServerSeatsNearlyExhausted",
			Expr:     nearlyExhausted(ghesUsed, ghesLimit),
			For:      "1h",
			Severity: "warning",
			Summary:  "Enterprise Server {{ $labels.target }} is running out of license seats",
			Description: nearlyText(`
{{ $labels.target }} uses %s %% or more of its license's seats, or reaches them within %d days at the growth
of the last %d days. Suspend dormant users (Site admin > Dormant users) or buy seats and upload the new license.`),
		},
		{
			Alert:    "GitLabSeatsNearlyExhausted",
			Expr:     nearlyExhausted(glUsed, glLimit),
			For:      "1h",
			Severity: "warning",
			Summary:  "GitLab {{ $labels.target }} is reaching its license's user limit",
			Description: nearlyText(`
{{ $labels.target }} has %s %% or more of its license's user limit in billable users, or reaches the limit
within %d days at the growth of the last %d days. Users beyond it are billed at the true-up: block or deactivate
unused users (Admin > Users), or buy more seats.`),
		},
		{
			Alert:    "GitLabLicenseOverage",
			Expr:     "gitlab_license_overage_users > 0\nunless " + glLimit + " == 0",
			For:      "15m",
			Severity: "warning",
			Summary:  "GitLab {{ $labels.target }} has {{ $value }} users over its license",
			Description: `
{{ $labels.target }} has more billable users than its license's user limit; GitLab bills the overage at
the next true-up. Block or deactivate unused users (Admin > Users), or buy more seats.`,
		},
		{
			// maximum_user_count is the most billable users the license
			// period has seen; past user_limit it is a true-up owed,
			// although overage (today's count) may be back to 0.
			Alert:    "GitLabLicenseTrueUpOwed",
			Expr:     "gitlab_license_maximum_users > " + glLimit + "\nand " + glLimit + " > 0",
			For:      "15m",
			Severity: "warning",
			Summary:  "GitLab {{ $labels.target }} owes a true-up: up to {{ $value }} users against its license",
			Description: `
{{ $labels.target }} has had {{ $value }} billable users at its peak this license period (maximum_user_count),
more than its license's user limit. GitLab bills the difference at the true-up even when today's overage is 0:
budget for it, or buy the seats now with the renewal.`,
		},
		{
			Alert: "GitHubAdvancedSecurityCommittersOverPurchase",
			Expr: fmt.Sprintf("(\n%s\n)\nor\n(\n%s\n)",
				indent(overLimit(ghasUsed, ghasLimit)), indent(overLimit(ghasServerUsed, ghasServerLimit))),
			For:      "1h",
			Severity: "warning",
			Summary:  "{{ $labels.target }} has more Advanced Security committers than purchased",
			Description: `
{{ $labels.target }} has {{ $value }} active committers of a GitHub security product, more than it
purchased. Buy more, or turn the product off for repositories that do not need it.`,
		},
		{
			Alert:    "GitHubAdvancedSecurityCommittersNearlyExhausted",
			Expr:     nearlyExhausted(ghasUsed, ghasLimit) + "\nor\n" + nearlyExhausted(ghasServerUsed, ghasServerLimit),
			For:      "1h",
			Severity: "warning",
			Summary:  "{{ $labels.target }} is running out of security product committers",
			Description: nearlyText(`
{{ $labels.target }} uses %s %% or more of the committers it purchased for a GitHub security product, or reaches
the purchase within %d days at the growth of the last %d days. A new committer beyond it is billed or blocked: buy
committers, or narrow the repositories the product is enabled for.`),
		},
		{
			Alert: "GitHubCopilotSeatsIdle",
			Expr: fmt.Sprintf(`github_enterprise_copilot_seats_inactive
  / sum without (plan_type) (github_enterprise_copilot_seats) > %s
and github_enterprise_copilot_seats_inactive >= %d`, num(thresholds.CopilotIdleShare), thresholds.CopilotIdleMinSeats),
			For:      "1d",
			Severity: "info",
			Summary:  "{{ $labels.target }} pays for Copilot seats nobody uses",
			Description: `
{{ $value | humanizePercentage }} of the Copilot seats of {{ $labels.target }} saw no use within copilot_inactive_days
(seats granted within that window do not count). Remove the seats of users who do not use Copilot, or help them
start.`,
		},
	}}
}
