package collector

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Off by default: since 2026-06-01 GitHub bills Copilot in AI credits
// (collector ai_credits). Request-based billing remains only for "Copilot
// Pro and Copilot Pro+ subscribers on an existing annual plan"
// (https://docs.github.com/en/enterprise-cloud@latest/copilot/reference/copilot-billing/request-based-billing-legacy/copilot-requests),
// individual plans that an enterprise report does not cover; for an
// enterprise this report holds only months before June 2026.
var premiumRequestsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "premium_requests", Types: []string{config.TypeGitHub}, Default: false, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint:      "GET /enterprises/{e}/settings/billing/premium_request/usage?year=Y&month=M (current month, UTC)",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager (or a custom role with read access to enterprise billing)",
		Scopes:     "`manage_billing:enterprise`",
		Permission: "read access to enterprise billing (a GitHub App installed on the enterprise)",
	},
}

var (
	premiumRequestsDesc = premiumRequestsSpec.gauge("github_enterprise_premium_requests",
		"Copilot premium requests this month (UTC) to date per model (grossQuantity).", "model")
	premiumNetDesc = premiumRequestsSpec.gauge("github_enterprise_premium_requests_net_amount_dollars",
		"Net amount billed for premium requests this month to date per model, in US dollars (netAmount).", "model")
)

func init() {
	registerCollector(premiumRequestsSpec, func(t *Source) (Collector, error) { return &premiumRequestsCollector{src: t, now: time.Now}, nil })
}

// premiumRequestsCollector reads GET
// /enterprises/{e}/settings/billing/premium_request/usage for the current month.
type premiumRequestsCollector struct {
	src *Source
	now func() time.Time
	summaryHolder
}

var _ Collector = (*premiumRequestsCollector)(nil)

// premiumTotals folds premium request items by model. Items of the same
// model under several SKUs or products add up.
type premiumTotals struct {
	requests, net map[string]*sum
}

func newPremiumTotals() *premiumTotals {
	return &premiumTotals{requests: map[string]*sum{}, net: map[string]*sum{}}
}

func (p *premiumTotals) add(r *usageReport) {
	for i := range r.UsageItems.Items {
		it := &r.UsageItems.Items[i]
		m := label(it.Model)
		if p.requests[m] == nil {
			p.requests[m], p.net[m] = &sum{}, &sum{}
		}
		if it.GrossQuantity.Valid {
			p.requests[m].add(it.GrossQuantity)
		} else {
			p.requests[m].add(it.Quantity)
		}
		p.net[m].add(it.NetAmount)
	}
}

func (p *premiumTotals) collect(target string, ch chan<- prometheus.Metric) (requests, net float64) {
	for _, m := range slices.Sorted(maps.Keys(p.requests)) {
		p.requests[m].send(ch, premiumRequestsDesc, target, m)
		p.net[m].rounded().send(ch, premiumNetDesc, target, m)
		requests += p.requests[m].value
		net += p.net[m].value
	}
	return requests, net
}

func (c *premiumRequestsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var report usageReport
	path := c.src.enterprisePath("settings/billing/premium_request/usage")
	if _, err := c.src.Client.GetJSONUpTo(ctx, path, monthQuery(c.now()), &report, api.MaxReportBytes); err != nil {
		return wrap("premium request usage", err)
	}
	totals := newPremiumTotals()
	totals.add(&report)
	requests, net := totals.collect(c.src.Name(), ch)
	c.setSummary("%s over %s this month, $%.2f net", countFloat(requests, "premium request", "premium requests"), count(len(totals.requests), "model", "models"), net)
	return nil
}
