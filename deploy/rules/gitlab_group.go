package rules

import (
	"fmt"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// gitlabGroup holds the alerts of GitLab.com groups (gitlab_subscription).
// A trial buys no seats and ends without a bill, so none of them fires for
// a group on a trial.
func gitlabGroup() Group {
	const (
		seats     = "gitlab_subscription_seats"
		end       = "gitlab_subscription_end_timestamp_seconds"
		notTrial  = "unless on (target) gitlab_subscription_trial == 1"
		inUse     = seats + `{kind="in_use"}`
		purchased = seats + `{kind="purchased"}`
	)
	rules := []Rule{
		{
			Alert: "GitLabSubscriptionSeatsNearlyExhausted",
			Expr: fmt.Sprintf("%s\n  / ignoring (kind) %s >= %s\nand ignoring (kind) %s > 0\n%s",
				inUse, purchased, num(thresholds.SeatsNearlyExhausted), purchased, notTrial),
			For:      "1h",
			Severity: "warning",
			Summary:  "GitLab.com group {{ $labels.target }} is running out of subscription seats",
			Description: fmt.Sprintf(`
{{ $labels.target }} has {{ $value | humanizePercentage }} of its subscription's seats in use (%s %% or more). Members
beyond the seats bought are billed at the next reconciliation: remove members who need no seat (Group > Manage >
Members), or buy seats (Settings > Usage quotas > Seats).`, pct(thresholds.SeatsNearlyExhausted)),
		},
		{
			Alert:    "GitLabSubscriptionSeatsOwed",
			Expr:     "max without (kind) (" + seats + `{kind="owed"}) > 0` + "\n" + notTrial,
			For:      "15m",
			Severity: "warning",
			Summary:  "GitLab.com group {{ $labels.target }} owes {{ $value }} seats",
			Description: `
{{ $labels.target }} has used more seats than its subscription holds at its peak (max_seats_used); GitLab bills
the {{ $value }} seats owed at the next reconciliation or renewal, even if members have left since. Buy the seats
(Settings > Usage quotas > Seats), or remove members before the peak grows.`,
		},
	}
	for _, s := range ladder() {
		rules = append(rules, Rule{
			Alert:    "GitLabSubscriptionExpiringSoon",
			Expr:     fmt.Sprintf("(\n%s\n)\n%s", indent(s.within(end)), notTrial),
			For:      "10m",
			Severity: s.severity,
			Summary:  fmt.Sprintf("GitLab.com subscription of {{ $labels.target }} ends within %d days", s.to),
			Description: `
The subscription of GitLab.com group {{ $labels.target }} ends in {{ $value | humanizeDuration }}. Renew it in the
Customers Portal (customers.gitlab.com), or check that automatic renewal is on, before paid features stop.`,
		})
	}
	rules = append(rules, Rule{
		Alert:    "GitLabSubscriptionExpired",
		Expr:     "(\n" + indent(expired(end)) + "\n)\n" + notTrial,
		For:      "5m",
		Severity: "critical",
		Summary:  "GitLab.com subscription of {{ $labels.target }} has ended",
		Description: `
The subscription of GitLab.com group {{ $labels.target }} ended on {{ $value | humanizeTimestamp }}: the group falls
back to the Free tier. Renew it in the Customers Portal (customers.gitlab.com).`,
	})
	return Group{Name: "license_exporter.gitlab_group", Rules: rules}
}
