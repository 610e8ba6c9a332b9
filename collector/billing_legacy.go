package collector

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// The legacy billing platform's endpoints. GitHub retired them on 2025-09-25
// (they answer 410 Gone); enterprises not yet moved may still be served.

// gibibyte is what the legacy endpoints' "gigabytes" become: GitHub meters
// storage and bandwidth in binary gigabytes (GiB).
const gibibyte = 1 << 30

// legacyEndpoint is one legacy billing collector and the path it reads.
type legacyEndpoint struct {
	*Spec
	path string
}

// legacySpec declares one legacy billing collector: off by default, and the
// same credential for all three.
func legacySpec(name, path string) legacyEndpoint {
	return legacyEndpoint{path: path, Spec: &Spec{
		CollectorSpec: config.CollectorSpec{Name: name, Types: []string{config.TypeGitHub}, NeedsEnterprise: true, Interval: time.Hour},
		Endpoint:      "GET /enterprises/{e}/" + path + " (legacy billing platform; 410 since 2025-09-25)",
		Needs:         Needs{Role: "an enterprise owner", Scopes: "`manage_billing:enterprise`"},
		ReplacedBy:    "billing_usage",
	}}
}

var (
	legacyActionsEndpoint  = legacySpec("billing_actions", "settings/billing/actions")
	legacyPackagesEndpoint = legacySpec("billing_packages", "settings/billing/packages")
	legacyStorageEndpoint  = legacySpec("billing_shared_storage", "settings/billing/shared-storage")
)

var (
	actionsUsedDesc = legacyActionsEndpoint.gauge("github_enterprise_actions_used_seconds",
		"GitHub Actions time used this billing cycle (legacy billing: total_minutes_used × 60).")
	actionsPaidDesc = legacyActionsEndpoint.gauge("github_enterprise_actions_paid_used_seconds",
		"Paid GitHub Actions time used this billing cycle (legacy billing: total_paid_minutes_used × 60).")
	actionsIncludedDesc = legacyActionsEndpoint.gauge("github_enterprise_actions_included_seconds",
		"GitHub Actions time included in the plan (legacy billing: included_minutes × 60).")
	actionsOSDesc = legacyActionsEndpoint.gauge("github_enterprise_actions_os_used_seconds",
		"GitHub Actions time used this billing cycle per runner operating system (legacy billing: minutes_used_breakdown × 60).", "os")
	packagesUsedDesc = legacyPackagesEndpoint.gauge("github_enterprise_packages_bandwidth_used_bytes",
		"GitHub Packages bandwidth used this billing cycle (legacy billing: total_gigabytes_bandwidth_used × 2^30).")
	packagesPaidDesc = legacyPackagesEndpoint.gauge("github_enterprise_packages_bandwidth_paid_used_bytes",
		"Paid GitHub Packages bandwidth used this billing cycle (legacy billing: total_paid_gigabytes_bandwidth_used × 2^30).")
	packagesIncludedDesc = legacyPackagesEndpoint.gauge("github_enterprise_packages_bandwidth_included_bytes",
		"GitHub Packages bandwidth included in the plan (legacy billing: included_gigabytes_bandwidth × 2^30).")
	storageEstimatedDesc = legacyStorageEndpoint.gauge("github_enterprise_shared_storage_estimated_bytes",
		"Estimated Actions and Packages storage for the month (legacy billing: estimated_storage_for_month × 2^30).")
	storagePaidDesc = legacyStorageEndpoint.gauge("github_enterprise_shared_storage_estimated_paid_bytes",
		"Estimated paid Actions and Packages storage for the month (legacy billing: estimated_paid_storage_for_month × 2^30).")
	cycleRemainingDesc = legacyStorageEndpoint.gauge("github_enterprise_billing_cycle_remaining_seconds",
		"Time left in the billing cycle (legacy billing: days_left_in_billing_cycle × 86400).")
)

// legacyParser decodes one legacy answer through decode (the API client in
// Update, bytes in tests) and sends its metrics.
type legacyParser func(decode func(v any) error, target string, ch chan<- prometheus.Metric) (summary string, err error)

func init() {
	for _, l := range []struct {
		legacyEndpoint
		parse legacyParser
	}{
		{legacyActionsEndpoint, parseLegacyActions},
		{legacyPackagesEndpoint, parseLegacyPackages},
		{legacyStorageEndpoint, parseLegacySharedStorage},
	} {
		registerCollector(l.Spec, func(t *Source) (Collector, error) {
			return &legacyBillingCollector{src: t, name: l.Name, path: l.path, parse: l.parse}, nil
		})
	}
}

// legacyBillingCollector reads one of the legacy billing endpoints.
type legacyBillingCollector struct {
	src        *Source
	name, path string
	parse      legacyParser
	summaryHolder
}

var _ Collector = (*legacyBillingCollector)(nil)

func (c *legacyBillingCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	get := func(v any) error {
		_, err := c.src.Client.GetJSON(ctx, c.src.enterprisePath(c.path), nil, v)
		return err
	}
	summary, err := c.parse(get, c.src.Name(), ch)
	if err != nil {
		if api.IsKind(err, api.KindGone) {
			return fmt.Errorf("%s: GitHub retired this legacy billing endpoint on 2025-09-25 (enhanced billing platform); the billing_usage collector carries the same data, so remove %s from this target's collectors: %w", c.name, c.name, err)
		}
		return wrap(c.name, err)
	}
	c.setSummary("%s", summary)
	return nil
}

func scaled(n api.Number, factor float64) api.Number {
	if n.Valid {
		n.Value *= factor
	}
	return n
}

type legacyActions struct {
	TotalMinutesUsed     api.Number  `json:"total_minutes_used"`
	TotalPaidMinutesUsed api.Number  `json:"total_paid_minutes_used"`
	IncludedMinutes      api.Number  `json:"included_minutes"`
	MinutesUsedBreakdown api.Numbers `json:"minutes_used_breakdown"`
}

func parseLegacyActions(decode func(any) error, target string, ch chan<- prometheus.Metric) (string, error) {
	var a legacyActions
	if err := decode(&a); err != nil {
		return "", err
	}
	sendNumber(ch, actionsUsedDesc, scaled(a.TotalMinutesUsed, 60), target)
	sendNumber(ch, actionsPaidDesc, scaled(a.TotalPaidMinutesUsed, 60), target)
	sendNumber(ch, actionsIncludedDesc, scaled(a.IncludedMinutes, 60), target)
	// An odd breakdown (null, a list) leaves the per-OS series out, not the totals.
	byOS := map[string]*sum{}
	for k, v := range a.MinutesUsedBreakdown {
		os := lowerLabel(api.String(k))
		if byOS[os] == nil {
			byOS[os] = &sum{}
		}
		byOS[os].add(scaled(v, 60))
	}
	for _, os := range slices.Sorted(maps.Keys(byOS)) {
		byOS[os].send(ch, actionsOSDesc, target, os)
	}
	return fmt.Sprintf("%s of %s included Actions minutes used", fmtNumber(a.TotalMinutesUsed), fmtNumber(a.IncludedMinutes)), nil
}

type legacyPackages struct {
	Used     api.Number `json:"total_gigabytes_bandwidth_used"`
	Paid     api.Number `json:"total_paid_gigabytes_bandwidth_used"`
	Included api.Number `json:"included_gigabytes_bandwidth"`
}

func parseLegacyPackages(decode func(any) error, target string, ch chan<- prometheus.Metric) (string, error) {
	var p legacyPackages
	if err := decode(&p); err != nil {
		return "", err
	}
	sendNumber(ch, packagesUsedDesc, scaled(p.Used, gibibyte), target)
	sendNumber(ch, packagesPaidDesc, scaled(p.Paid, gibibyte), target)
	sendNumber(ch, packagesIncludedDesc, scaled(p.Included, gibibyte), target)
	return fmt.Sprintf("%s of %s included GB of Packages bandwidth used", fmtNumber(p.Used), fmtNumber(p.Included)), nil
}

type legacySharedStorage struct {
	DaysLeft      api.Number `json:"days_left_in_billing_cycle"`
	EstimatedPaid api.Number `json:"estimated_paid_storage_for_month"`
	Estimated     api.Number `json:"estimated_storage_for_month"`
}

func parseLegacySharedStorage(decode func(any) error, target string, ch chan<- prometheus.Metric) (string, error) {
	var s legacySharedStorage
	if err := decode(&s); err != nil {
		return "", err
	}
	sendNumber(ch, storageEstimatedDesc, scaled(s.Estimated, gibibyte), target)
	sendNumber(ch, storagePaidDesc, scaled(s.EstimatedPaid, gibibyte), target)
	sendNumber(ch, cycleRemainingDesc, scaled(s.DaysLeft, 86400), target)
	return fmt.Sprintf("%s GB storage estimated this month, %s left in the cycle", fmtNumber(s.Estimated), countNumber(s.DaysLeft, "day", "days")), nil
}
