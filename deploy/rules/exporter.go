package rules

import (
	"fmt"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// exporter: alerts on the exporter itself, which would otherwise leave every
// license alert blind.
func exporter() Group {
	return Group{Name: "license_exporter.exporter", Rules: []Rule{
		{
			Alert:    "LicenseExporterDown",
			Expr:     "up{job=\"license_exporter\"} == 0\nor absent(up{job=\"license_exporter\"})",
			For:      "5m",
			Severity: "critical",
			Summary:  "Prometheus cannot scrape license_exporter",
			Description: `
Prometheus has not scraped license_exporter for 5 minutes (or has no such target): every license alert is
blind meanwhile. Check that the exporter runs and listens, and the scrape job; if your job is not called
license_exporter, change the job matcher in this rule.`,
		},
		{
			Alert:    "LicenseExporterConfigReloadFailed",
			Expr:     "license_exporter_config_last_reload_successful == 0",
			For:      "5m",
			Severity: "warning",
			Summary:  "license_exporter could not load its new configuration",
			Description: `
The last reload of license_exporter's configuration failed; it still runs with the previous one. The log
and the answer of POST /-/reload name the target, the key and the line: fix the file and reload again.`,
		},
		{
			Alert:    "LicenseExporterCollectorFailing",
			Expr:     "license_exporter_collector_success == 0",
			For:      "30m",
			Severity: "warning",
			Summary:  "license_exporter collector {{ $labels.collector }} fails for {{ $labels.target }}",
			Description: `
The {{ $labels.collector }} collector of {{ $labels.target }} has failed for 30 minutes; its metrics are
stale or missing. Run ` + "`license_exporter check`" + ` or read the exporter's log: the error names the missing
token scope, permission or endpoint. Disable collectors the account cannot use in ` + "`collectors:`" + `.`,
		},
		{
			// Absence that follows data: a lost billing role and a plan change
			// look alike (GitHub answers 404 to a token that may not see a
			// resource); a target that never had the data never fires.
			Alert: "LicenseExporterDataNoLongerAvailable",
			Expr: `license_exporter_collector_not_available == 1
and min_over_time(license_exporter_collector_not_available[7d]) == 0`,
			For:      "1h",
			Severity: "warning",
			Summary:  "{{ $labels.collector }} data of {{ $labels.target }} is no longer available",
			Description: `
The API answered 404 to the {{ $labels.collector }} collector of {{ $labels.target }}, which had data
within the last 7 days: its series are gone and the alerts on them cannot fire. A token that lost its
role or scope gets the same 404 as an enterprise whose plan no longer has the data: run
` + "`license_exporter check`" + ` and follow the runbook to tell them apart.`,
		},
		{
			Alert: "LicenseExporterDataStale",
			Expr: fmt.Sprintf(`time() - license_exporter_collector_last_success_timestamp_seconds
  > %d * license_exporter_collector_refresh_interval_seconds`, thresholds.DataStaleIntervals),
			For:      "10m",
			Severity: "warning",
			Summary:  "license_exporter data of {{ $labels.target }}/{{ $labels.collector }} is old",
			Description: fmt.Sprintf(`
The last successful refresh of {{ $labels.collector }} for {{ $labels.target }} was
{{ $value | humanizeDuration }} ago, more than %s refresh intervals. Check the exporter's log for API
errors or rate limiting.`, spell(thresholds.DataStaleIntervals)),
		},
		{
			Alert: "LicenseExporterRateLimitLow",
			Expr: fmt.Sprintf(`license_exporter_api_rate_limit_remaining / license_exporter_api_rate_limit < %s
unless (license_exporter_api_rate_limit_reset_timestamp_seconds < time())`, num(thresholds.RateLimitLow)),
			For:      "5m",
			Severity: "warning",
			Summary:  fmt.Sprintf("{{ $labels.target }} has used %s %% of its {{ $labels.resource }} API rate limit", pct(1-thresholds.RateLimitLow)),
			Description: `
The token of {{ $labels.target }} has {{ $value | humanizePercentage }} of its {{ $labels.resource }}
rate limit left. Other tools share this budget: give the exporter its own token or GitHub App, raise
refresh_interval, or turn off collectors it does not need.`,
		},
	}}
}

// spell writes a small count in words, as the prose does.
func spell(n int) string {
	if words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}; n >= 0 && n < len(words) {
		return words[n]
	}
	return fmt.Sprint(n)
}
