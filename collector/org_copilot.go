package collector

import (
	"context"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var orgCopilotSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "org_copilot", Types: []string{config.TypeGitHubOrg}, Default: true, Interval: 15 * time.Minute},
	Endpoint:      "GET /orgs/{org}/copilot/billing (seat_breakdown, plan_type)",
	// api.github.com's description: "Only organization owners can view
	// details about the organization's Copilot Business or Copilot
	// Enterprise subscription"; classic tokens need manage_billing:copilot
	// or read:org; enabled for GitHub Apps.
	Needs: Needs{
		Role:       "an organization owner",
		Scopes:     "`manage_billing:copilot` or `read:org`",
		Permission: "the organization permission GitHub Copilot Business (read)",
	},
}

var (
	// Not …_seats_total: the suffix _total belongs to counters
	// (promtool check metrics).
	orgCopilotTotalDesc = orgCopilotSpec.gauge("github_org_copilot_seats_billed",
		"Copilot seats billed to the organization this billing cycle (seat_breakdown.total). The states of github_org_copilot_seats overlap it, so it stands alone.")
	orgCopilotSeatsDesc = orgCopilotSpec.gauge("github_org_copilot_seats",
		"Copilot seats of the organization by state: active_this_cycle, inactive_this_cycle, pending_invitation, pending_cancellation, added_this_cycle (seat_breakdown). The states overlap: do not sum them.", "state")
	orgCopilotPlanDesc = orgCopilotSpec.gauge("github_org_copilot_plan_info",
		"The organization's Copilot plan (plan_type: business or enterprise); always 1.", "plan_type")
)

func init() {
	registerCollector(orgCopilotSpec, func(t *Source) (Collector, error) { return &orgCopilotCollector{src: t}, nil })
}

// orgCopilotCollector reads an organization's Copilot subscription.
type orgCopilotCollector struct {
	src    *Source
	absent absence
	summaryHolder
}

var _ Collector = (*orgCopilotCollector)(nil)

// orgCopilot is GET /orgs/{org}/copilot/billing.
type orgCopilot struct {
	SeatBreakdown struct {
		Total               api.Number `json:"total"`
		AddedThisCycle      api.Number `json:"added_this_cycle"`
		PendingInvitation   api.Number `json:"pending_invitation"`
		PendingCancellation api.Number `json:"pending_cancellation"`
		ActiveThisCycle     api.Number `json:"active_this_cycle"`
		InactiveThisCycle   api.Number `json:"inactive_this_cycle"`
	} `json:"seat_breakdown"`
	PlanType api.String `json:"plan_type"`
}

func (c *orgCopilotCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var cp orgCopilot
	_, err := c.src.Client.GetJSON(ctx, "/orgs/"+url.PathEscape(c.src.Config.Organization)+"/copilot/billing", nil, &cp)
	// GitHub answers 404 for an organization without a Copilot subscription.
	if c.absent.notFound(c.src.Logger, orgCopilotSpec.Name, err, "no Copilot subscription for this organization (404); the Copilot metrics are left out") {
		c.setNotFound("no Copilot subscription")
		return nil
	}
	if err != nil {
		return wrap("copilot billing", err)
	}
	collectOrgCopilot(c.src.Name(), &cp, ch)
	b := cp.SeatBreakdown
	c.setSummary("Copilot %s, %s, %s active this cycle, %s inactive", lowerLabel(cp.PlanType), countNumber(b.Total, "seat", "seats"), fmtNumber(b.ActiveThisCycle), fmtNumber(b.InactiveThisCycle))
	return nil
}

func collectOrgCopilot(target string, cp *orgCopilot, ch chan<- prometheus.Metric) {
	b := cp.SeatBreakdown
	sendNumber(ch, orgCopilotTotalDesc, b.Total, target)
	for _, s := range []struct {
		state string
		n     api.Number
	}{
		{"active_this_cycle", b.ActiveThisCycle},
		{"inactive_this_cycle", b.InactiveThisCycle},
		{"pending_invitation", b.PendingInvitation},
		{"pending_cancellation", b.PendingCancellation},
		{"added_this_cycle", b.AddedThisCycle},
	} {
		sendNumber(ch, orgCopilotSeatsDesc, s.n, target, s.state)
	}
	if cp.PlanType != "" {
		ch <- sample(orgCopilotPlanDesc, 1, target, lowerLabel(cp.PlanType))
	}
}
