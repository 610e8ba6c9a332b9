// Package thresholds holds the figures the alert rules
// (deploy/prometheus/license_exporter.rules.yml) go off at, so the status
// page says what the rules would: the one place for them. deploy's rules
// test fails when the rule file and these disagree.
package thresholds

const (
	// SeatsNearlyExhausted is the share of seats (or committers, or a user
	// limit) in use at which the "NearlyExhausted" alerts fire whatever the
	// trend. The rules also fire on a 14-day forecast, which needs history
	// the status page does not have.
	SeatsNearlyExhausted = 0.98

	// BudgetNearlySpent is the share of a budget's limit spent at which
	// GitHubBudgetNearlySpent fires; GitHubBudgetExhausted fires at the
	// whole limit.
	BudgetNearlySpent = 0.9

	// PersonalBudgetScopes matches (as a Prometheus regex, fully anchored)
	// the budget scopes that cap one person rather than the product for
	// everyone: the budget alerts and the status page leave them out.
	PersonalBudgetScopes = "user|multi_user.*"

	// RateLimitLow is the share of an API rate-limit budget left below which
	// LicenseExporterRateLimitLow fires.
	RateLimitLow = 0.10

	// The ExpiringSoon ladder, in days before a license expires: severity
	// info within ExpiryInfoDays, warning within ExpiryWarningDays,
	// critical within ExpiryCriticalDays.
	ExpiryInfoDays     = 90
	ExpiryWarningDays  = 30
	ExpiryCriticalDays = 7
)
