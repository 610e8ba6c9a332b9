package dashboards

import (
	"fmt"
	"strings"

	sdk "github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// sel selects a metric for the chosen targets.
func sel(metric string) string { return metric + `{target=~"$target"}` }

// perTarget is one series per target, even when two Prometheus jobs or
// exporter replicas scrape the same target.
func perTarget(metric string, labels ...string) string {
	by := "target"
	for _, l := range labels {
		by += ", " + l
	}
	return fmt.Sprintf("max by (%s) (%s)", by, sel(metric))
}

// Variables of the rows that repeat per target of a kind.
var (
	orgVar   = kindVar{Name: "organization", Collector: "org_seats"}
	groupVar = kindVar{Name: "gitlab_group", Collector: "gitlab_subscription"}
)

// perTargetOf is perTarget within a repeated row: the row's target of kind
// v. metric may carry matchers of its own: name{kind="in_use"}.
func perTargetOf(v kindVar, metric string, labels ...string) string {
	by := "target"
	for _, l := range labels {
		by += ", " + l
	}
	matchers := fmt.Sprintf(`target=~"$target", target=~"$%s"`, v.Name)
	if name, rest, ok := strings.Cut(metric, "{"); ok {
		metric = name + "{" + strings.TrimSuffix(rest, "}") + ", " + matchers + "}"
	} else {
		metric += "{" + matchers + "}"
	}
	return fmt.Sprintf("max by (%s) (%s)", by, metric)
}

const (
	consumed  = "github_enterprise_seats_consumed"
	purchased = "github_enterprise_seats_purchased"
)

// daysUntilSeatsRunOut divides the seats left by the daily growth of the last
// 7 days. Not growing gives +Inf, clamped to 3650 and shown as "not growing";
// no seats left gives 0, shown as "out of seats" (never NaN, which Grafana's
// stat panels would show as "No data").
var daysUntilSeatsRunOut = func() string {
	left := fmt.Sprintf("(%s - %s)", perTarget(purchased), perTarget(consumed))
	growth := fmt.Sprintf("clamp_min(max by (target) (deriv(%s[7d])) * 86400, 0)", sel(consumed))
	return fmt.Sprintf("clamp_max((%s > 0) / %s or clamp_min(%s, 0) * 0, 3650)", left, growth, left)
}()

func daysLeft(expiry string) string {
	return fmt.Sprintf("(%s - time()) / 86400", perTarget(expiry))
}

func overview() dashboard {
	return dashboard{
		UID: "license-exporter-overview", Title: "License exporter / Overview",
		Desc: "Seats consumed against purchased, license expiry, license-sync health and the exporter's own health (license_exporter).",
		// Seat trends need weeks to show: a week hides the growth the seat
		// alerts forecast from.
		From:  "now-30d",
		Kinds: []kindVar{orgVar},
		Rows: []row{
			{Title: "Seats", Panels: []panel{
				{Title: "Seats used", Type: "gauge", W: 6, H: 6, Unit: "percentunit", Min: f(0), Max: f(1.1),
					Desc:       "Seats consumed as a share of seats purchased, per GitHub Enterprise target; a target with none purchased (usage-based billing) is left out.",
					Thresholds: warnAt(0.9, 1),
					Queries:    []query{{Expr: perTarget(consumed) + " / (" + perTarget(purchased) + " > 0)", Legend: "{{target}}", Instant: true}}},
				{Title: "Seats left", Type: "stat", W: 6, H: 6, Unit: "none",
					Desc:       "Seats purchased minus seats consumed; negative means over the purchase.",
					Thresholds: []step{{"red", nil}, {"orange", f(0)}, {"green", f(1)}},
					Queries:    []query{{Expr: perTarget(purchased) + " - " + perTarget(consumed), Legend: "{{target}}", Instant: true}}},
				{Title: "Days until seats run out", Type: "stat", W: 6, H: 6, Unit: "d", Decimals: f(0),
					Desc:       "Seats left divided by the daily growth of seats consumed over the last 7 days.",
					Thresholds: []step{{"red", nil}, {"orange", f(14)}, {"green", f(60)}},
					Mappings:   []sdk.ValueMapping{valueText("0", "out of seats", "red", "3650", "not growing", "green")},
					Queries:    []query{{Expr: daysUntilSeatsRunOut, Legend: "{{target}}", Instant: true}}},
				{Title: "License entries by type", Type: "bargauge", W: 6, H: 6, Unit: "none",
					Desc:    "Consumed-license entries per license type (enterprise, visual_studio, …).",
					Queries: []query{{Expr: perTarget("github_enterprise_license_users", "license_type"), Legend: "{{target}} {{license_type}}", Instant: true}}},
				{Title: "Seats per organization (top 10)", Type: "bargauge", W: 12, H: 9, Unit: "none",
					Desc:    "Licensed users per organization of the enterprise (from the consumed-licenses listing), the ten largest; a user in several organizations counts in each.",
					Queries: []query{{Expr: fmt.Sprintf("topk(10, %s)", perTarget("github_enterprise_license_org_members", "org")), Legend: "{{target}} {{org}}", Instant: true}}},
				{Title: "GitLab billable users", Type: "stat", W: 6, H: 9, Unit: "none",
					Desc:    "Billable users counted against each GitLab instance's license (active_users).",
					Queries: []query{{Expr: perTarget("gitlab_license_active_users"), Legend: "{{target}}", Instant: true}}},
				{Title: "GitLab user limit", Type: "stat", W: 6, H: 9, Unit: "none",
					Desc:     "Users each GitLab license is for; a license that sets no limit reports 0, shown as unlimited.",
					Mappings: []sdk.ValueMapping{valueText("0", "unlimited", "text")},
					Queries:  []query{{Expr: perTarget("gitlab_license_user_limit"), Legend: "{{target}}", Instant: true}}},
				{Title: "Seats consumed vs purchased", Type: "timeseries", W: 24, H: 9, Unit: "none",
					Desc: "Seats consumed and purchased per target, and where consumption is heading in 30 days at the growth of the last 7 days.",
					Queries: []query{
						{Expr: perTarget(consumed), Legend: "{{target}} consumed"},
						{Expr: perTarget(purchased), Legend: "{{target}} purchased"},
						{Expr: fmt.Sprintf("max by (target) (predict_linear(%s[7d], 30 * 86400))", sel(consumed)), Legend: "{{target}} forecast in 30 days"},
					}},
			}},
			{Title: "Organization $organization", Repeat: orgVar.Name, Panels: []panel{
				{Title: "Plan seats used", Type: "gauge", W: 6, H: 6, Unit: "percentunit", Min: f(0), Max: f(1.1),
					Desc:       "Seats filled as a share of the seats of the organization's GitHub plan (plan.filled_seats / plan.seats); absent when the token may not see the plan.",
					Thresholds: warnAt(0.9, 0.98),
					Queries: []query{{Expr: perTargetOf(orgVar, "github_org_seats_consumed") + " / (" + perTargetOf(orgVar, "github_org_seats_purchased") + " > 0)",
						Legend: "{{target}}", Instant: true}}},
				{Title: "Copilot seats", Type: "stat", W: 6, H: 6, Unit: "none",
					Desc: "Copilot seats billed this cycle, and those active and inactive this cycle (seat_breakdown of GET /orgs/{org}/copilot/billing).",
					Queries: []query{
						{Expr: perTargetOf(orgVar, "github_org_copilot_seats_billed"), Legend: "billed", Instant: true},
						{Expr: perTargetOf(orgVar, `github_org_copilot_seats{state=~"active_this_cycle|inactive_this_cycle"}`, "state"), Legend: "{{state}}", Instant: true},
					}},
				{Title: "Spend this month", Type: "stat", W: 6, H: 6, Unit: "currencyUSD", Decimals: f(2),
					Desc:    "Net amount billed this month to date across products (the organization's usage summary).",
					Queries: []query{{Expr: fmt.Sprintf(`sum by (target) (%s)`, perTargetOf(orgVar, "github_org_billing_usage_net_amount_dollars", "product", "sku")), Legend: "{{target}}", Instant: true}}},
				{Title: "Budgets spent", Type: "bargauge", W: 6, H: 6, Unit: "percentunit", Min: f(0), Max: f(1),
					Desc:       "Each budget's spend this month as a share of its limit.",
					Thresholds: warnAt(0.9, 1),
					Queries: []query{{Expr: fmt.Sprintf("%s / (%s > 0)", perTargetOf(orgVar, "github_org_budget_spent_dollars", "budget_id", "scope", "sku"), perTargetOf(orgVar, "github_org_budget_limit_dollars", "budget_id", "scope", "sku")),
						Legend: "{{scope}} {{sku}}", Instant: true}}},
			}},
			{Title: "Licenses and license sync", Panels: []panel{
				{Title: "Enterprise Server license expires in", Type: "stat", W: 6, H: 5, Unit: "d", Decimals: f(0),
					Desc:       "Days until the GitHub Enterprise Server license expires (negative: expired). Absent when the license has no expiry date.",
					Thresholds: []step{{"red", nil}, {"orange", f(0)}, {"green", f(30)}},
					Queries:    []query{{Expr: daysLeft("github_enterprise_server_license_expiry_timestamp_seconds"), Legend: "{{target}}", Instant: true}}},
				{Title: "GitLab license expires in", Type: "stat", W: 6, H: 5, Unit: "d", Decimals: f(0),
					Desc:       "Days until the GitLab license expires (negative: expired). Absent when the license has no expiry date.",
					Thresholds: []step{{"red", nil}, {"orange", f(0)}, {"green", f(30)}},
					Queries:    []query{{Expr: daysLeft("gitlab_license_expiry_timestamp_seconds"), Legend: "{{target}}", Instant: true}}},
				{Title: "License sync", Type: "table", W: 12, H: 5,
					Desc: "Enterprise Server instances connected for license sync: whether the last sync succeeded and how long ago it was.",
					Queries: []query{
						{Expr: perTarget("github_enterprise_license_sync_success", "server_id", "hostname"), Legend: "last sync succeeded", Instant: true, Unit: "none", Mappings: yesNo("failed", "red", "succeeded", "green")},
						{Expr: fmt.Sprintf("time() - %s", perTarget("github_enterprise_license_sync_timestamp_seconds", "server_id", "hostname")), Legend: "since last sync", Instant: true, Unit: "dtdurations"},
					},
					SortBy: "hostname"},
			}},
			{Title: "Exporter health", Panels: []panel{
				{Title: "Collectors failing", Type: "stat", W: 4, H: 5, Unit: "none",
					Desc:       "Collectors whose last refresh failed (their last good data is still served). Run `license_exporter check` to see why.",
					Thresholds: []step{{"green", nil}, {"red", f(1)}},
					Queries:    []query{{Expr: fmt.Sprintf("count(%s) - sum(%s)", perTarget("license_exporter_collector_success", "collector"), perTarget("license_exporter_collector_success", "collector")), Legend: "failing", Instant: true}}},
				{Title: "Oldest data", Type: "stat", W: 4, H: 5, Unit: "dtdurations",
					Desc:    "Age of the oldest successfully fetched data across collectors.",
					Queries: []query{{Expr: fmt.Sprintf("max(time() - %s)", perTarget("license_exporter_collector_last_success_timestamp_seconds", "collector")), Legend: "oldest", Instant: true}}},
				{Title: "Collectors", Type: "table", W: 16, H: 5,
					Desc: "Per collector: last refresh succeeded (1) or failed (0), age of the data, refresh interval and duration of the last refresh.",
					Queries: []query{
						{Expr: perTarget("license_exporter_collector_success", "collector"), Legend: "succeeded", Instant: true, Unit: "none", Mappings: yesNo("failed", "red", "succeeded", "green")},
						{Expr: fmt.Sprintf("time() - %s", perTarget("license_exporter_collector_last_success_timestamp_seconds", "collector")), Legend: "data age", Instant: true, Unit: "dtdurations"},
						{Expr: perTarget("license_exporter_collector_refresh_interval_seconds", "collector"), Legend: "refresh interval", Instant: true, Unit: "dtdurations"},
						{Expr: perTarget("license_exporter_collector_duration_seconds", "collector"), Legend: "last refresh took", Instant: true, Unit: "s"},
					}},
				{Title: "API rate limit left", Type: "timeseries", W: 12, H: 8, Unit: "percentunit", Min: f(0), Max: f(1),
					Desc:    "Share of each credential's API rate limit left in the current window; the rate-limit alert fires under 10 %.",
					Queries: []query{{Expr: fmt.Sprintf("%s / (%s > 0)", perTarget("license_exporter_api_rate_limit_remaining", "resource"), perTarget("license_exporter_api_rate_limit", "resource")), Legend: "{{target}} {{resource}}"}}},
				{Title: "API requests by status", Type: "timeseries", W: 12, H: 8, Unit: "reqps",
					Desc:    "Requests the exporter sends to the APIs, by HTTP status (error: no answer).",
					Queries: []query{{Expr: fmt.Sprintf("sum by (target, code) (rate(%s[$__rate_interval]))", sel("license_exporter_api_requests_total")), Legend: "{{target}} {{code}}"}}},
			}},
		},
	}
}
