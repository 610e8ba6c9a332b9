package rules

import (
	"fmt"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// step is one rung of the ExpiringSoon ladder: expiry within (from, to] days.
type step struct {
	severity string
	from, to int
}

// ladder is the ExpiringSoon ladder: one step fires at a time.
func ladder() []step {
	return []step{
		{"info", thresholds.ExpiryWarningDays, thresholds.ExpiryInfoDays},
		{"warning", thresholds.ExpiryCriticalDays, thresholds.ExpiryWarningDays},
		{"critical", 0, thresholds.ExpiryCriticalDays},
	}
}

// within is true where the expiry timestamp lies within the step. Only
// timestamps that exist are compared: the exporter leaves the series out when
// a license has no expiry date.
func (s step) within(expiry string) string {
	from := "0"
	if s.from > 0 {
		from = days(s.from)
	}
	return fmt.Sprintf("%[1]s - time() > %[2]s\nand %[1]s - time() <= %[3]s", expiry, from, days(s.to))
}

// expired is true where an expiry timestamp exists and has passed.
func expired(expiry string) string {
	return fmt.Sprintf("%[1]s > 0\nand %[1]s <= time()", expiry)
}

// gitlabRenewed is true for a GitLab target with a renewal uploaded: a listed
// license that starts after the current one and does not expire before or
// with it (one with no expiry counts). An older, replaced license that
// happened to run longer is no renewal.
const gitlabRenewed = `(
  gitlab_licenses_start_timestamp_seconds > on (target) group_left gitlab_license_start_timestamp_seconds
  unless
  gitlab_licenses_expiry_timestamp_seconds <= on (target) group_left gitlab_license_expiry_timestamp_seconds
)`

func expiry() Group {
	const (
		ghes   = "github_enterprise_server_license_expiry_timestamp_seconds"
		gitlab = "gitlab_license_expiry_timestamp_seconds"
	)
	var rules []Rule
	for _, s := range ladder() {
		rules = append(rules, Rule{
			Alert:    "GitHubEnterpriseServerLicenseExpiringSoon",
			Expr:     s.within(ghes),
			For:      "10m",
			Severity: s.severity,
			Summary:  fmt.Sprintf("Enterprise Server license of {{ $labels.target }} expires within %d days", s.to),
			Description: `
The license of {{ $labels.target }} expires in {{ $value | humanizeDuration }}. Renew it with GitHub and upload
the new license (Management Console or ` + "`ghe-license import`" + `) before it expires; the upload replaces the license at
once, which ends this alert.`,
		})
	}
	rules = append(rules, Rule{
		Alert:    "GitHubEnterpriseServerLicenseExpired",
		Expr:     expired(ghes),
		For:      "5m",
		Severity: "critical",
		Summary:  "Enterprise Server license of {{ $labels.target }} has expired",
		Description: `
The license of {{ $labels.target }} expired on {{ $value | humanizeTimestamp }}. Upload a renewed
license now: an expired Enterprise Server stops serving users.`,
	})
	for _, s := range ladder() {
		rules = append(rules, Rule{
			Alert:    "GitLabLicenseExpiringSoon",
			Expr:     fmt.Sprintf("(\n%s\n)\nunless on (target)\n%s", indent(s.within(gitlab)), gitlabRenewed),
			For:      "10m",
			Severity: s.severity,
			Summary:  fmt.Sprintf("GitLab license of {{ $labels.target }} expires within %d days", s.to),
			Description: `
The GitLab license of {{ $labels.target }} expires in {{ $value | humanizeDuration }} and no later license is
uploaded. Renew the subscription and add the new license (Admin > Subscription) before it expires.`,
		})
	}
	rules = append(rules, Rule{
		Alert:    "GitLabLicenseExpired",
		Expr:     "gitlab_license_expired == 1\nor (" + gitlab + " > 0 and " + gitlab + " <= time())",
		For:      "5m",
		Severity: "critical",
		Summary:  "GitLab license of {{ $labels.target }} has expired",
		Description: `
The GitLab license of {{ $labels.target }} has expired: paid features are off. Add a renewed license
(Admin > Subscription).`,
	})
	return Group{Name: "license_exporter.expiry", Rules: rules}
}

func licenseSync() Group {
	return Group{Name: "license_exporter.license_sync", Rules: []Rule{
		{
			Alert:    "GitHubEnterpriseLicenseSyncFailed",
			Expr:     "github_enterprise_license_sync_success == 0",
			For:      "1h",
			Severity: "warning",
			Summary:  "License sync of {{ $labels.hostname }} to {{ $labels.target }} failed",
			Description: `
The last license sync of Enterprise Server {{ $labels.hostname }} (server {{ $labels.server_id }}) did
not succeed, so GitHub may count its users twice. Check the server's connection to GitHub.com
(Management Console > GitHub Connect) and run a manual sync (Enterprise settings > License sync).`,
		},
		{
			Alert:    "GitHubEnterpriseLicenseSyncStale",
			Expr:     "time() - github_enterprise_license_sync_timestamp_seconds > " + days(thresholds.LicenseSyncStaleDays),
			For:      "1h",
			Severity: "warning",
			Summary:  fmt.Sprintf("{{ $labels.hostname }} has not synced its licenses to {{ $labels.target }} for %d days", thresholds.LicenseSyncStaleDays),
			Description: `
Enterprise Server {{ $labels.hostname }} last synced its license usage {{ $value | humanizeDuration }}
ago. Without a daily sync, users of both products may be billed twice. Check GitHub Connect's automatic
license sync on the server, or upload the usage file by hand.`,
		},
	}}
}
