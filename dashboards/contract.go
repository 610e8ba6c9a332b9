package dashboards

import "strings"

// Contract lists the metric names the dashboards and alert rules may use, as
// the issues' metric tables define them, with the collector that serves each
// ("" for the exporter's own metrics). Tests use it to tell a metric that is
// missing from a collector's output (a failure) from one whose collector is
// not in this build.
var Contract = map[string]string{}

func init() {
	add := func(collector string, names ...string) {
		for _, n := range names {
			Contract[n] = collector
		}
	}
	add("", "license_exporter_collector_success", "license_exporter_collector_duration_seconds",
		"license_exporter_collector_last_success_timestamp_seconds", "license_exporter_collector_refresh_interval_seconds",
		"license_exporter_api_requests_total", "license_exporter_api_rate_limit", "license_exporter_api_rate_limit_remaining",
		"license_exporter_api_rate_limit_reset_timestamp_seconds", "license_exporter_build_info")
	add("consumed_licenses", "github_enterprise_seats_purchased", "github_enterprise_seats_consumed",
		"github_enterprise_license_users", "github_enterprise_license_users_without_two_factor",
		"github_enterprise_license_org_members", "github_enterprise_license_server_users")
	add("license_sync_status", "github_enterprise_license_sync_timestamp_seconds", "github_enterprise_license_sync_success",
		"github_enterprise_license_sync_servers")
	// Issue 3: billing.
	add("billing_usage", prefixed("github_enterprise_billing_usage_", "quantity", "gross_amount_dollars",
		"discount_amount_dollars", "net_amount_dollars")...)
	add("premium_requests", "github_enterprise_premium_requests", "github_enterprise_premium_requests_net_amount_dollars")
	add("advanced_security", prefixed("github_enterprise_advanced_security_", "committers", "committers_purchased",
		"committers_maximum")...)
	add("cost_centers", "github_enterprise_cost_center_resources")
	add("copilot_seats", "github_enterprise_copilot_seats", "github_enterprise_copilot_seats_inactive")
	// Issue 4: Enterprise Server and GitLab.
	add("server_license", prefixed("github_enterprise_server_license_", "seats", "seats_used", "seats_available",
		"expiry_timestamp_seconds", "info")...)
	add("admin_stats", prefixed("github_enterprise_server_", "users", "admin_users", "suspended_users",
		"repositories", "organizations")...)
	add("runners", "github_enterprise_runners")
	add("gitlab_license", prefixed("gitlab_license_", "user_limit", "active_users", "overage_users",
		"historical_max_users", "maximum_users", "expired", "expiry_timestamp_seconds", "start_timestamp_seconds",
		"info", "billable_users")...)
	add("gitlab_license", "gitlab_licenses")
}

func prefixed(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for n, s := range names {
		out[n] = prefix + s
	}
	return out
}

// Collector is the collector that serves metric, or "" for the exporter's
// own metrics; ok is false for names outside the contract.
func Collector(metric string) (collector string, ok bool) {
	c, ok := Contract[strings.TrimSpace(metric)]
	return c, ok
}
