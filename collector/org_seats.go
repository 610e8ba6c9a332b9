package collector

import (
	"context"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var orgSeatsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "org_seats", Types: []string{config.TypeGitHubOrg}, Default: true, Interval: 15 * time.Minute},
	Endpoint:      "GET /orgs/{org} (plan.seats, plan.filled_seats)",
	// api.github.com's description of GET /orgs/{org}: the plan is shown to
	// organization owners; a classic token needs admin:org (a write scope)
	// "to see the full details", a GitHub App the Organization plan
	// permission. A fine-grained token or App with read access to the plan
	// is the least a credential can have.
	Needs: Needs{
		Role:       "an organization owner",
		Scopes:     "`admin:org` (a write scope: prefer a fine-grained token or GitHub App)",
		Permission: "the organization permission Plan (read)",
	},
}

var (
	orgSeatsPurchasedDesc = orgSeatsSpec.gauge("github_org_seats_purchased",
		"Seats the organization's GitHub plan holds (plan.seats); absent when the plan is not shown to the token.")
	orgSeatsConsumedDesc = orgSeatsSpec.gauge("github_org_seats_consumed",
		"Seats of the organization's GitHub plan in use (plan.filled_seats); absent when the plan is not shown to the token.")
	orgPlanDesc = orgSeatsSpec.gauge("github_org_plan_info",
		"The organization's GitHub plan (plan.name, lower case); always 1, absent when the plan is not shown.", "plan")
)

func init() {
	registerCollector(orgSeatsSpec, func(t *Source) (Collector, error) { return &orgSeatsCollector{src: t}, nil })
}

// orgSeatsCollector reads the plan of an organization outside an enterprise.
type orgSeatsCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*orgSeatsCollector)(nil)

// orgAccount is the part of GET /orgs/{org} the exporter reads. plan is
// given only to those who may see it.
type orgAccount struct {
	Login api.String `json:"login"`
	Plan  *struct {
		Name        api.String `json:"name"`
		Seats       api.Number `json:"seats"`
		FilledSeats api.Number `json:"filled_seats"`
	} `json:"plan"`
}

func (c *orgSeatsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var org orgAccount
	if _, err := c.src.Client.GetJSON(ctx, "/orgs/"+url.PathEscape(c.src.Config.Organization), nil, &org); err != nil {
		return wrap("organization", err)
	}
	if org.Plan == nil {
		// GitHub answers 200 without the plan to a member, or to a token
		// without admin:org or the Plan permission: not an error, but the
		// seat series and their alerts are gone, which check says.
		c.setPartial("the plan is not shown to this token: the token's user must be an organization owner, and a fine-grained token or GitHub App needs the organization permission Plan (read); a classic token needs admin:org")
		return nil
	}
	collectOrgSeats(c.src.Name(), &org, ch)
	if lowerLabel(org.Plan.Name) == "enterprise" {
		// An organization owned by an enterprise account reports the
		// enterprise plan: its seats and billing are the enterprise's.
		c.setPartial("enterprise plan, %s of %s: this organization belongs to an enterprise, which holds its licenses and billing; watch it with type github and the enterprise key", fmtNumber(org.Plan.FilledSeats), countNumber(org.Plan.Seats, "seat", "seats"))
		return nil
	}
	c.setSummary("%s plan, %s of %s", lowerLabel(org.Plan.Name), fmtNumber(org.Plan.FilledSeats), countNumber(org.Plan.Seats, "seat", "seats"))
	return nil
}

func collectOrgSeats(target string, org *orgAccount, ch chan<- prometheus.Metric) {
	if org.Plan == nil {
		return
	}
	sendNumber(ch, orgSeatsPurchasedDesc, org.Plan.Seats, target)
	sendNumber(ch, orgSeatsConsumedDesc, org.Plan.FilledSeats, target)
	ch <- sample(orgPlanDesc, 1, target, lowerLabel(org.Plan.Name))
}
