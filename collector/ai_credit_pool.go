package collector

import (
	"maps"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The AI credit pool: since 2026-06-01 each Copilot license adds its plan's
// AI credits to a pool of the billing entity for the month (UTC). "Adding
// licenses mid-cycle increases the pool immediately. Removing licenses
// mid-cycle doesn't shrink the pool", and it resets at 00:00:00 UTC on the 1st:
// https://docs.github.com/en/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing
// copilot_seats computes it, as it already holds the seats per plan.
var (
	aiCreditPoolDesc = copilotSeatsSpec.gauge("github_enterprise_ai_credits_pool",
		"AI credits included in this month's (UTC) Copilot licenses: every license held at some time this month, times its plan's credits (ai_credits_per_license). A license removed still counts until the month ends; one added counts at once. After a restart mid-month, licenses removed before it are not known.")
	aiCreditPoolSeatsDesc = copilotSeatsSpec.gauge("github_enterprise_ai_credits_pool_seats",
		"Copilot users whose licenses make up this month's AI credit pool, per plan_type: a user counts once, at the highest plan held this month; a plan_type other than business or enterprise counts at the Business rate.", "plan_type")
)

// planRank orders plans by their credits: an upgrade mid-month counts at
// once, a downgrade from the next month, like a license.
func planRank(p string) int {
	switch p {
	case "enterprise":
		return 2
	case "business":
		return 1
	}
	return 0
}

// creditPool remembers who held a Copilot license at some time this month
// (by the tally's hash of their login, never the login), so that a removal
// does not shrink the pool before the month ends.
type creditPool struct {
	month time.Time
	users map[uint64]string // the highest plan held this month
	// anon: entries that name nobody cannot be followed from one read to
	// the next; the most seen this month per plan count.
	anon map[string]int
}

// update folds the current seats into the pool of now's month (UTC),
// starting a new pool when the month has changed.
func (p *creditPool) update(now time.Time, t *copilotTally) {
	now = now.UTC()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !month.Equal(p.month) || p.users == nil {
		*p = creditPool{month: month, users: map[uint64]string{}, anon: map[string]int{}}
	}
	for h, u := range t.users {
		best, seen := p.users[h]
		for _, plan := range u.plans {
			if !seen || planRank(plan) > planRank(best) {
				best, seen = plan, true
			}
		}
		p.users[h] = best
	}
	anon := map[string]int{}
	for _, u := range t.anonUsers {
		best := ""
		for i, plan := range u.plans {
			if i == 0 || planRank(plan) > planRank(best) {
				best = plan
			}
		}
		anon[best]++
	}
	for plan, n := range anon {
		p.anon[plan] = max(p.anon[plan], n)
	}
}

// seats counts the pool's users per plan.
func (p *creditPool) seats() map[string]int {
	out := maps.Clone(p.anon)
	for _, plan := range p.users {
		out[plan]++
	}
	return out
}

// credits is the pool: seats times the credits of their plan.
func (p *creditPool) credits(business, enterprise float64) float64 {
	var total float64
	for plan, n := range p.seats() {
		rate := business
		if plan == "enterprise" {
			rate = enterprise
		}
		total += float64(n) * rate
	}
	return total
}

func (p *creditPool) collect(target string, business, enterprise float64, ch chan<- prometheus.Metric) float64 {
	seats := p.seats()
	for _, plan := range slices.Sorted(maps.Keys(seats)) {
		if seats[plan] > 0 {
			ch <- sample(aiCreditPoolSeatsDesc, float64(seats[plan]), target, plan)
		}
	}
	pool := p.credits(business, enterprise)
	ch <- sample(aiCreditPoolDesc, pool, target)
	return pool
}
