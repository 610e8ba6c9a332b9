// Package thresholds holds the figures the alert rules go off at: the one
// place for them. The rules (deploy/rules, generated into
// deploy/prometheus/license_exporter.rules.yml) are built from these, and the
// status page words its findings with the same, so both say the same thing.
package thresholds

const (
	// SeatsNearlyExhausted is the share of seats (or committers, or a user
	// limit) in use at which the "NearlyExhausted" alerts fire whatever the
	// trend. The rules also fire on a SeatsForecastDays forecast, which needs
	// history the status page does not have.
	SeatsNearlyExhausted = 0.98

	// SeatsForecastDays is how far ahead the "NearlyExhausted" alerts carry
	// the seat growth of the last week: early enough to buy seats.
	SeatsForecastDays = 14

	// CopilotIdleShare and CopilotIdleMinSeats: GitHubCopilotSeatsIdle fires
	// when more than this share of the Copilot seats, and at least this many,
	// saw no use within copilot_inactive_days.
	CopilotIdleShare    = 0.1
	CopilotIdleMinSeats = 10

	// BudgetNearlySpent is the share of a budget's limit spent at which
	// GitHubBudgetNearlySpent fires; GitHubBudgetExhausted fires at the
	// whole limit.
	BudgetNearlySpent = 0.9

	// AICreditsNearlyUsed is the share of an AI credit allowance (a cost
	// center's cap, the enterprise's monthly pool) used at which its
	// "NearlyExhausted" alert fires.
	AICreditsNearlyUsed = 0.9

	// PersonalBudgetScopes matches (as a Prometheus regex, fully anchored)
	// the budget scopes that cap one person rather than the product for
	// everyone: the budget alerts and the status page leave them out.
	PersonalBudgetScopes = "user|multi_user.*"

	// RateLimitLow is the share of an API rate-limit budget left below which
	// LicenseExporterRateLimitLow fires.
	RateLimitLow = 0.10

	// DataStaleIntervals: LicenseExporterDataStale fires when a collector's
	// last success is older than this many refresh intervals.
	DataStaleIntervals = 3

	// LicenseSyncStaleDays: GitHubEnterpriseLicenseSyncStale fires when an
	// Enterprise Server has not synced its license usage for this long.
	LicenseSyncStaleDays = 2

	// The ExpiringSoon ladder, in days before a license expires: severity
	// info within ExpiryInfoDays, warning within ExpiryWarningDays,
	// critical within ExpiryCriticalDays.
	ExpiryInfoDays     = 90
	ExpiryWarningDays  = 30
	ExpiryCriticalDays = 7
)
