package collector

import (
	"context"
	"hash/maphash"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var copilotSeatsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "copilot_seats", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: 15 * time.Minute},
	Endpoint:      "GET /enterprises/{e}/copilot/billing/seats (paginated)",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager",
		Scopes:     "`manage_billing:copilot` or `read:enterprise`",
		Permission: "a GitHub App installed on the enterprise with its Copilot seat permission (the endpoint is enabled for GitHub Apps)",
	},
}

var (
	copilotSeatsDesc = copilotSeatsSpec.gauge("github_enterprise_copilot_seats",
		"Copilot seats billed, per plan_type (unknown when the seat names none); a user counts once per plan.", "plan_type")
	copilotInactiveDesc = copilotSeatsSpec.gauge("github_enterprise_copilot_seats_inactive",
		"Copilot users with a seat and no activity within copilot_inactive_days (default 30), or never active; a seat assigned within that window is not counted until the window has passed.")
	copilotPendingDesc = copilotSeatsSpec.gauge("github_enterprise_copilot_seats_pending_cancellation",
		"Copilot users whose every seat is pending cancellation at the end of the billing cycle.")
)

func init() {
	registerCollector(copilotSeatsSpec, func(t *Source) (Collector, error) {
		business, enterprise := t.Config.AICredits()
		return &copilotSeatsCollector{src: t, now: time.Now, inactiveAfter: t.Config.CopilotInactive(), businessCredits: business, enterpriseCredits: enterprise}, nil
	})
}

// copilotSeatsCollector reads GET /enterprises/{e}/copilot/billing/seats.
type copilotSeatsCollector struct {
	src           *Source
	now           func() time.Time
	inactiveAfter time.Duration
	// The AI credits per license of each plan (ai_credits_per_license), and
	// the month's pool they make up.
	businessCredits, enterpriseCredits float64
	pool                               creditPool
	summaryHolder
}

var _ Collector = (*copilotSeatsCollector)(nil)

type copilotSeatsPage struct {
	TotalSeats api.Number    `json:"total_seats"`
	Seats      []copilotSeat `json:"seats"`
}

// Count implements api.Counted: total_seats counts the listing's entries.
func (p *copilotSeatsPage) Count() (api.Number, int) { return p.TotalSeats, len(p.Seats) }

type copilotSeat struct {
	PlanType            api.String `json:"plan_type"`
	CreatedAt           api.Time   `json:"created_at"` // when the seat was (last) granted
	LastActivityAt      api.Time   `json:"last_activity_at"`
	PendingCancellation api.String `json:"pending_cancellation_date"`
	Assignee            struct {
		ID    api.String `json:"id"`
		Login api.String `json:"login"`
	} `json:"assignee"`
}

// seatUser is what the tally keeps of one user while pages come in: the
// listing has one entry per organization or team that grants the seat, and
// GitHub bills a user once.
type seatUser struct {
	plans        []string // usually one
	lastActivity time.Time
	assigned     time.Time // the earliest grant of a seat among the user's entries
	active       bool      // some entry is not pending cancellation
}

// seatPage is one page folded, kept with its ETag for reuse on 304: its
// users keyed by a hash of their login (or id), so that users can be
// de-duplicated across pages without keeping who they are.
type seatPage struct {
	total   api.Number
	users   map[uint64]*seatUser
	anon    []seatUser // entries that name nobody: each counts as a user
	entries int
}

var seatKeySeed = maphash.MakeSeed()

func foldSeats(p *copilotSeatsPage) *seatPage {
	sp := &seatPage{total: p.TotalSeats, users: map[uint64]*seatUser{}}
	for i := range p.Seats {
		s := &p.Seats[i]
		sp.entries++
		// Logins are unique; GitHub's own example gives two users the same id.
		key := "login:" + strings.ToLower(strings.TrimSpace(string(s.Assignee.Login)))
		if key == "login:" {
			key = "id:" + strings.TrimSpace(string(s.Assignee.ID))
		}
		one := seatUser{plans: []string{lowerLabel(s.PlanType)}, active: strings.TrimSpace(string(s.PendingCancellation)) == ""}
		if s.LastActivityAt.Valid {
			one.lastActivity = s.LastActivityAt.Time
		}
		if s.CreatedAt.Valid {
			one.assigned = s.CreatedAt.Time
		}
		if key == "id:" {
			sp.anon = append(sp.anon, one)
			continue
		}
		h := maphash.String(seatKeySeed, key)
		if u := sp.users[h]; u != nil {
			u.mergeFrom(&one)
		} else {
			sp.users[h] = &one
		}
	}
	return sp
}

// mergeFrom adds o's entries to u, leaving o as it is.
func (u *seatUser) mergeFrom(o *seatUser) {
	for _, p := range o.plans {
		if !slices.Contains(u.plans, p) {
			u.plans = append(u.plans, p)
		}
	}
	if o.lastActivity.After(u.lastActivity) {
		u.lastActivity = o.lastActivity
	}
	// The user has had a seat since their earliest entry: a second team
	// that grants it again later is not a new seat to give time to.
	if !o.assigned.IsZero() && (u.assigned.IsZero() || o.assigned.Before(u.assigned)) {
		u.assigned = o.assigned
	}
	u.active = u.active || o.active
}

// copilotTally merges pages of seats into counts per user.
type copilotTally struct {
	total   api.Number
	users   map[uint64]*seatUser
	entries int
	// anonUsers keeps the entries that name nobody, for count.
	anonUsers []seatUser
}

func newCopilotTally() *copilotTally { return &copilotTally{users: map[uint64]*seatUser{}} }

// add merges one page; the page's aggregate stays unchanged.
func (t *copilotTally) add(sp *seatPage) {
	if !t.total.Valid {
		t.total = sp.total
	}
	t.entries += sp.entries
	for h, pu := range sp.users {
		u := t.users[h]
		if u == nil {
			u = &seatUser{}
			t.users[h] = u
		}
		u.mergeFrom(pu)
	}
	t.anonUsers = append(t.anonUsers, sp.anon...)
}

type copilotCounts struct {
	byPlan            map[string]int
	inactive, pending int
}

// count decides, at now, which users are inactive: no activity since
// now-inactiveAfter, or none ever recorded, unless the seat was granted
// after now-inactiveAfter: a rollout's new seats are not waste before their
// users have had the window to start.
func (t *copilotTally) count(now time.Time, inactiveAfter time.Duration) copilotCounts {
	c := copilotCounts{byPlan: map[string]int{}}
	cutoff := now.Add(-inactiveAfter)
	all := slices.Collect(maps.Values(t.users))
	for i := range t.anonUsers {
		all = append(all, &t.anonUsers[i])
	}
	for _, u := range all {
		for _, p := range u.plans {
			c.byPlan[p]++
		}
		if (u.lastActivity.IsZero() || u.lastActivity.Before(cutoff)) && !u.assigned.After(cutoff) {
			c.inactive++
		}
		if !u.active {
			c.pending++
		}
	}
	return c
}

func (c copilotCounts) collect(target string, ch chan<- prometheus.Metric) {
	for _, p := range slices.Sorted(maps.Keys(c.byPlan)) {
		ch <- sample(copilotSeatsDesc, float64(c.byPlan[p]), target, p)
	}
	ch <- sample(copilotInactiveDesc, float64(c.inactive), target)
	ch <- sample(copilotPendingDesc, float64(c.pending), target)
}

func (c *copilotSeatsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	tally := newCopilotTally()
	err := api.PaginateFold(ctx, c.src.Client, c.src.enterprisePath("copilot/billing/seats"), nil, foldSeats,
		func(sp *seatPage) error {
			tally.add(sp)
			return nil
		})
	if err != nil {
		return wrap("copilot seats", err)
	}
	now := c.now()
	counts := tally.count(now, c.inactiveAfter)
	counts.collect(c.src.Name(), ch)
	c.pool.update(now, tally)
	pool := c.pool.collect(c.src.Name(), c.businessCredits, c.enterpriseCredits, ch)
	c.setSummary("%s (total_seats %s), %d inactive, %d pending cancellation; AI credit pool %.0f credits this month", count(len(tally.users)+len(tally.anonUsers), "Copilot user", "Copilot users"), fmtNumber(tally.total), counts.inactive, counts.pending, pool)
	return nil
}
