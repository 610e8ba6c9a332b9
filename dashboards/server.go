package dashboards

import (
	"fmt"

	sdk "github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// renewalUploaded is 1 where a GitLab license that expires or starts after
// the current one is uploaded, as GitLabLicenseExpiringSoon decides it; a
// current license that never expires is judged by the start alone.
var renewalUploaded = func() string {
	later := fmt.Sprintf("(%s > bool %s)", perTarget("gitlab_licenses_expiry_timestamp_seconds"), perTarget("gitlab_license_expiry_timestamp_seconds"))
	starts := fmt.Sprintf("(%s > bool %s)", perTarget("gitlab_licenses_start_timestamp_seconds"), perTarget("gitlab_license_start_timestamp_seconds"))
	return fmt.Sprintf("clamp_max(%s + %s, 1) or %s", later, starts, starts)
}()

func server() dashboard {
	return dashboard{
		UID: "license-exporter-server", Title: "License exporter / Enterprise Server and GitLab",
		Desc:  "GitHub Enterprise Server license and admin stats, self-hosted runners, GitLab license seats, overage and expiry, and GitLab.com group subscriptions (license_exporter).",
		Kinds: []kindVar{groupVar},
		Rows: []row{
			{Title: "GitHub Enterprise Server", Panels: []panel{
				{Title: "License seats", Type: "timeseries", W: 12, H: 8, Unit: "none",
					Desc: "Seats of the Enterprise Server license: total, used and available.",
					Queries: []query{
						{Expr: perTarget("github_enterprise_server_license_seats"), Legend: "{{target}} seats"},
						{Expr: perTarget("github_enterprise_server_license_seats_used"), Legend: "{{target}} used"},
						{Expr: perTarget("github_enterprise_server_license_seats_available"), Legend: "{{target}} available"},
					}},
				{Title: "License expires in", Type: "stat", W: 6, H: 4, Unit: "d", Decimals: f(0),
					Desc:       "Days until the Enterprise Server license expires (negative: expired).",
					Thresholds: []step{{"red", nil}, {"orange", f(0)}, {"green", f(30)}},
					Queries:    []query{{Expr: daysLeft("github_enterprise_server_license_expiry_timestamp_seconds"), Legend: "{{target}}", Instant: true}}},
				{Title: "License kind", Type: "table", W: 6, H: 4,
					Desc:    "The kind of license the server reports.",
					Queries: []query{{Expr: perTarget("github_enterprise_server_license_info", "kind"), Legend: "info", Instant: true, Unit: "none"}}},
				{Title: "Users", Type: "stat", W: 6, H: 4, Unit: "none",
					Desc: "Users on the server, site administrators and suspended users (admin stats).",
					Queries: []query{
						{Expr: perTarget("github_enterprise_server_users"), Legend: "{{target}} users", Instant: true},
						{Expr: perTarget("github_enterprise_server_admin_users"), Legend: "{{target}} admins", Instant: true},
						{Expr: perTarget("github_enterprise_server_suspended_users"), Legend: "{{target}} suspended", Instant: true},
					}},
				{Title: "Repositories and organizations", Type: "stat", W: 6, H: 4, Unit: "none",
					Desc: "Repositories and organizations on the server (admin stats).",
					Queries: []query{
						{Expr: perTarget("github_enterprise_server_repositories"), Legend: "{{target}} repositories", Instant: true},
						{Expr: perTarget("github_enterprise_server_organizations"), Legend: "{{target}} organizations", Instant: true},
					}},
				{Title: "Version", Type: "table", W: 6, H: 4,
					Desc:    "The Enterprise Server release (X-GitHub-Enterprise-Version).",
					Queries: []query{{Expr: perTarget("github_enterprise_server_info", "version"), Legend: "info", Instant: true, Unit: "none"}}},
			}},
			{Title: "Enterprise Server security products", Panels: []panel{
				{Title: "Security committers vs licenses", Type: "timeseries", W: 12, H: 8, Unit: "none",
					Desc: "Active committers of each GitHub security product against the committer licenses the server's license holds (Enterprise Server 3.17 and later).",
					Queries: []query{
						{Expr: perTarget("github_enterprise_server_advanced_security_committers", "product"), Legend: "{{target}} {{product}} active"},
						{Expr: perTarget("github_enterprise_server_advanced_security_committers_purchased", "product"), Legend: "{{target}} {{product}} licenses"},
					}},
				{Title: "Repositories with security features", Type: "bargauge", W: 12, H: 8, Unit: "none",
					Desc:    "Repositories with each security feature enabled, and all repositories (total).",
					Queries: []query{{Expr: perTarget("github_enterprise_server_security_feature_repositories", "feature"), Legend: "{{target}} {{feature}}", Instant: true}}},
			}},
			{Title: "Self-hosted runners", Panels: []panel{
				{Title: "Runners by status", Type: "timeseries", W: 12, H: 7, Unit: "none",
					Desc:    "Enterprise self-hosted runners online and offline.",
					Queries: []query{{Expr: fmt.Sprintf("sum by (target, status) (%s)", perTarget("github_enterprise_runners", "os", "status", "busy")), Legend: "{{target}} {{status}}"}}},
				{Title: "Runners by OS and activity", Type: "table", W: 12, H: 7,
					Desc:    "Enterprise self-hosted runners per operating system, status and whether they run a job.",
					Queries: []query{{Expr: perTarget("github_enterprise_runners", "os", "status", "busy"), Legend: "runners", Instant: true, Unit: "none"}}},
			}},
			{Title: "GitLab", Panels: []panel{
				{Title: "GitLab seats", Type: "timeseries", W: 12, H: 8, Unit: "none",
					Desc: "The license's user limit (none drawn when the license sets no limit), billable users (active_users) and the maximum reached.",
					Queries: []query{
						// A limit of 0 means none: no line rather than one at 0.
						{Expr: perTarget("gitlab_license_user_limit") + " > 0", Legend: "{{target}} user limit"},
						{Expr: perTarget("gitlab_license_active_users"), Legend: "{{target}} active"},
						{Expr: perTarget("gitlab_license_maximum_users"), Legend: "{{target}} maximum"},
						{Expr: perTarget("gitlab_license_historical_max_users"), Legend: "{{target}} historical maximum"},
					}},
				{Title: "Overage", Type: "stat", W: 4, H: 4, Unit: "none",
					Desc:       "Users over the license's user limit; GitLab bills them at the true-up.",
					Thresholds: []step{{"green", nil}, {"red", f(1)}},
					Queries:    []query{{Expr: perTarget("gitlab_license_overage_users"), Legend: "{{target}}", Instant: true}}},
				{Title: "License expires in", Type: "stat", W: 4, H: 4, Unit: "d", Decimals: f(0),
					Desc:       "Days until the GitLab license expires (negative: expired).",
					Thresholds: []step{{"red", nil}, {"orange", f(0)}, {"green", f(30)}},
					Queries:    []query{{Expr: daysLeft("gitlab_license_expiry_timestamp_seconds"), Legend: "{{target}}", Instant: true}}},
				{Title: "License state", Type: "stat", W: 4, H: 4, Unit: "none",
					Desc:     "Whether GitLab reports the license as expired.",
					Mappings: []sdk.ValueMapping{valueText("0", "valid", "green", "1", "expired", "red")},
					Queries:  []query{{Expr: perTarget("gitlab_license_expired"), Legend: "{{target}}", Instant: true}}},
				{Title: "License", Type: "table", W: 8, H: 4,
					Desc: "The current license's plan, when it started, and how many licenses the instance holds.",
					Queries: []query{
						{Expr: perTarget("gitlab_license_info", "id", "plan"), Legend: "current", Instant: true, Unit: "none"},
						{Expr: perTarget("gitlab_licenses"), Legend: "licenses", Instant: true, Unit: "none"},
					}},
				{Title: "License started", Type: "stat", W: 4, H: 4, Unit: "dateTimeAsIso",
					Desc:    "When the current GitLab license started.",
					Queries: []query{{Expr: perTarget("gitlab_license_start_timestamp_seconds") + " * 1000", Legend: "{{target}}", Instant: true}}},
				{Title: "Renewal", Type: "stat", W: 4, H: 4, Unit: "none",
					Desc:     "Whether a license that expires or starts after the current one is uploaded (GitLabLicenseExpiringSoon stays silent then).",
					Mappings: []sdk.ValueMapping{valueText("0", "no renewal uploaded", "orange", "1", "renewal uploaded", "green")},
					Queries:  []query{{Expr: renewalUploaded, Legend: "{{target}}", Instant: true}}},
				{Title: "Uploaded licenses", Type: "table", W: 12, H: 6,
					Desc: "Every license uploaded to the instance (the most recent 20): when each starts and expires, and its user limit.",
					Queries: []query{
						{Expr: perTarget("gitlab_licenses_start_timestamp_seconds", "id", "plan") + " * 1000", Legend: "starts", Instant: true, Unit: "dateTimeAsIso"},
						{Expr: perTarget("gitlab_licenses_expiry_timestamp_seconds", "id", "plan") + " * 1000", Legend: "expires", Instant: true, Unit: "dateTimeAsIso"},
						{Expr: perTarget("gitlab_licenses_user_limit", "id", "plan"), Legend: "user limit", Instant: true, Unit: "none", Mappings: []sdk.ValueMapping{valueText("0", "unlimited", "text")}},
					}},
				{Title: "License add-ons", Type: "table", W: 12, H: 6,
					Desc:    "Add-ons of the current license and their counts (add_ons of /license).",
					Queries: []query{{Expr: perTarget("gitlab_license_add_on", "name"), Legend: "count", Instant: true, Unit: "none"}}},
			}},
			{Title: "GitLab.com group $gitlab_group", Repeat: groupVar.Name, Panels: []panel{
				{Title: "Subscription seats", Type: "timeseries", W: 12, H: 8, Unit: "none",
					Desc:    "Seats of the group's subscription: bought, in use, the most used this term (what the renewal bills) and owed. Bought and owed are absent when only GET /namespaces/:id answered.",
					Queries: []query{{Expr: perTargetOf(groupVar, "gitlab_subscription_seats", "kind"), Legend: "{{kind}}"}}},
				{Title: "Seats in use", Type: "gauge", W: 4, H: 8, Unit: "percentunit", Min: f(0), Max: f(1.1),
					Desc:       "Seats in use as a share of seats bought; GitLabSubscriptionSeatsNearlyExhausted fires at 98 %.",
					Thresholds: warnAt(0.9, 0.98),
					Queries: []query{{Expr: fmt.Sprintf(`%s / (%s > 0)`, perTargetOf(groupVar, `gitlab_subscription_seats{kind="in_use"}`), perTargetOf(groupVar, `gitlab_subscription_seats{kind="purchased"}`)),
						Legend: "{{target}}", Instant: true}}},
				{Title: "Subscription ends in", Type: "stat", W: 4, H: 4, Unit: "d", Decimals: f(0),
					Desc:       "Days until the group's subscription ends (negative: ended). Absent without an end date (Free).",
					Thresholds: []step{{"red", nil}, {"orange", f(0)}, {"green", f(30)}},
					Queries:    []query{{Expr: fmt.Sprintf("(%s - time()) / 86400", perTargetOf(groupVar, "gitlab_subscription_end_timestamp_seconds")), Legend: "{{target}}", Instant: true}}},
				{Title: "Plan", Type: "table", W: 4, H: 4,
					Desc: "The group's plan, and whether it is a trial.",
					Queries: []query{
						{Expr: perTargetOf(groupVar, "gitlab_subscription_info", "plan"), Legend: "plan", Instant: true, Unit: "none"},
						{Expr: perTargetOf(groupVar, "gitlab_subscription_trial"), Legend: "trial", Instant: true, Unit: "none", Mappings: yesNo("no", "text", "trial", "orange")},
					}},
				{Title: "Add-on seats", Type: "table", W: 8, H: 4,
					Desc: "Seats of each add-on of the group assigned and bought (none listed: no add-ons, or the token's user is not an Owner).",
					Queries: []query{
						{Expr: perTargetOf(groupVar, "gitlab_add_on_seats_assigned", "name"), Legend: "assigned", Instant: true, Unit: "none"},
						{Expr: perTargetOf(groupVar, "gitlab_add_on_seats_purchased", "name"), Legend: "purchased", Instant: true, Unit: "none"},
					}},
			}},
			{Title: "GitLab Duo and other add-on seats", Panels: []panel{
				{Title: "Add-on seats assigned vs purchased", Type: "timeseries", W: 16, H: 8, Unit: "none",
					Desc: "Seats of each add-on (GitLab Duo Pro, Duo Enterprise, …) assigned to users against seats bought.",
					Queries: []query{
						{Expr: perTarget("gitlab_add_on_seats_assigned", "name"), Legend: "{{target}} {{name}} assigned"},
						{Expr: perTarget("gitlab_add_on_seats_purchased", "name"), Legend: "{{target}} {{name}} purchased"},
					}},
				{Title: "Add-on seats used", Type: "bargauge", W: 8, H: 8, Unit: "percentunit", Min: f(0), Max: f(1),
					Desc:       "Assigned seats as a share of purchased seats, per add-on.",
					Thresholds: warnAt(0.9, 1),
					Queries: []query{{Expr: fmt.Sprintf("%s / (%s > 0)", perTarget("gitlab_add_on_seats_assigned", "name"), perTarget("gitlab_add_on_seats_purchased", "name")),
						Legend: "{{target}} {{name}}", Instant: true}}},
			}},
		},
	}
}
