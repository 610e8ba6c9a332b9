package collector

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var copilotSeatsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "copilot_seats", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true},
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
		return &copilotSeatsCollector{src: t, now: time.Now, inactiveAfter: t.Config.CopilotInactive()}, nil
	})
}

// copilotSeatsCollector reads GET /enterprises/{e}/copilot/billing/seats.
type copilotSeatsCollector struct {
	src           *Source
	now           func() time.Time
	inactiveAfter time.Duration
	summaryHolder
}

var _ Collector = (*copilotSeatsCollector)(nil)

type copilotSeatsPage struct {
	TotalSeats api.Number    `json:"total_seats"`
	Seats      []copilotSeat `json:"seats"`
}

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
	assigned     time.Time // the latest grant of a seat
	active       bool      // some entry is not pending cancellation
}

// copilotTally folds pages of seats into counts per user.
type copilotTally struct {
	total   api.Number
	users   map[string]*seatUser
	entries int
}

func newCopilotTally() *copilotTally { return &copilotTally{users: map[string]*seatUser{}} }

func (t *copilotTally) add(p *copilotSeatsPage) {
	if !t.total.Valid {
		t.total = p.TotalSeats
	}
	for i := range p.Seats {
		s := &p.Seats[i]
		t.entries++
		// Logins are unique; GitHub's own example gives two users the same id.
		key := "login:" + strings.ToLower(strings.TrimSpace(string(s.Assignee.Login)))
		if key == "login:" {
			key = "id:" + strings.TrimSpace(string(s.Assignee.ID))
		}
		if key == "id:" { // no identity: count the entry as its own user
			key = "entry:" + strconv.Itoa(t.entries)
		}
		u := t.users[key]
		if u == nil {
			u = &seatUser{}
			t.users[key] = u
		}
		if plan := lowerLabel(s.PlanType); !slices.Contains(u.plans, plan) {
			u.plans = append(u.plans, plan)
		}
		if s.LastActivityAt.Valid && s.LastActivityAt.After(u.lastActivity) {
			u.lastActivity = s.LastActivityAt.Time
		}
		// The user has had a seat since their earliest entry: a second team
		// that grants it again later is not a new seat to give time to.
		if s.CreatedAt.Valid && (u.assigned.IsZero() || s.CreatedAt.Before(u.assigned)) {
			u.assigned = s.CreatedAt.Time
		}
		if strings.TrimSpace(string(s.PendingCancellation)) == "" {
			u.active = true
		}
	}
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
	for _, u := range t.users {
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
	err := api.Paginate(ctx, c.src.Client, c.src.enterprisePath("copilot/billing/seats"), nil, func(p *copilotSeatsPage) error {
		tally.add(p)
		return nil
	})
	if err != nil {
		return wrap("copilot seats", err)
	}
	counts := tally.count(c.now(), c.inactiveAfter)
	counts.collect(c.src.Name(), ch)
	c.setSummary("%d Copilot users (total_seats %s), %d inactive, %d pending cancellation", len(tally.users), fmtNumber(tally.total), counts.inactive, counts.pending)
	return nil
}
