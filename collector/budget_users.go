package collector

import (
	"context"
	"fmt"
	"github.com/go-kit/log/level"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/license-exporter/license_exporter/api"
)

// Users about to be stopped by a budget, counted, never named. A budget of
// several users (multi_user_* scopes) gives each user the same amount; its
// user states are filtered by threshold_lower_bound ("at or above this
// percentage") and only total_count is read, from a page of one:
// https://docs.github.com/en/enterprise-cloud@latest/rest/billing/budgets#get-user-states-for-a-multi-user-budget
// "If you have set a user-level budget and a user exhausts it, that user's
// access to Copilot is halted" (https://docs.github.com/en/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing).
const (
	budgetUsersNearPercent = 80  // state "near": 80 % to below 100 %
	budgetUsersOverPercent = 100 // state "over": 100 % or more
)

var (
	budgetUsersDesc = budgetsSpec.gauge("github_enterprise_budget_users",
		"Users of a multi-user budget (scope multi_user_*) with 80 % to below 100 % of their amount consumed (state near) or 100 % or more (state over), from GitHub's per-user budget states; a count, never a login.", "budget_id", "state")
	userBudgetsDesc = budgetsSpec.gauge("github_enterprise_user_budgets",
		"Budgets of a single user (scope user) with 80 % to below 100 % of budget_amount consumed (state near) or 100 % or more (state over), per target: one budget is one person. A $0 budget counts as over.", "state")
)

// userBudgetStates counts the budgets of single users near and over their
// amount from consumed_amount; a budget without both figures is not counted.
func userBudgetStates(budgets []budget) (near, over int) {
	seen := map[string]bool{}
	for i := range budgets {
		b := &budgets[i]
		if b.scope() != "user" || !b.Amount.Valid || !b.Consumed.Valid || b.Amount.Value < 0 {
			continue
		}
		if id := strings.TrimSpace(string(b.ID)); id != "" {
			if seen[id] {
				continue
			}
			seen[id] = true
		}
		switch c, a := b.Consumed.Value, b.Amount.Value; {
		case c >= a:
			over++
		case c*100 >= budgetUsersNearPercent*a:
			near++
		}
	}
	return near, over
}

// multiUserBudgetIDs are the ids of the budgets of several users, once each.
func multiUserBudgetIDs(budgets []budget) []string {
	var ids []string
	for i := range budgets {
		id := strings.TrimSpace(string(budgets[i].ID))
		if strings.HasPrefix(budgets[i].scope(), "multi_user") && id != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

type budgetUserStates struct {
	Total api.Number `json:"total_count"`
	// user_states names users: never read.
}

// usersAtOrAbove is how many users of budget id have consumed pct % or more.
func usersAtOrAbove(ctx context.Context, src *Source, id string, pct int) (float64, error) {
	var p budgetUserStates
	q := url.Values{"threshold_lower_bound": {strconv.Itoa(pct)}, "per_page": {"1"}}
	if _, err := src.Client.GetJSON(ctx, src.enterprisePath("settings/billing/budgets/"+url.PathEscape(id)+"/user-states"), q, &p); err != nil {
		return 0, err
	}
	if !p.Total.Valid || p.Total.Value < 0 {
		return 0, fmt.Errorf("budget %s user states: no total_count", id)
	}
	return p.Total.Value, nil
}

// budgetUsers asks, for each multi-user budget, how many users are at 80 %
// or more and at 100 % or more: two requests. A budget GitHub refuses to
// answer for (404, 403, another 4xx) is left out and said once, so that the
// budgets themselves are still exported; any other failure fails the refresh.
func (c *budgetsCollector) budgetUsers(ctx context.Context, ids []string) (map[string][2]float64, []string, error) {
	out := map[string][2]float64{}
	var left []string
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, id := range ids {
		g.Go(func() error {
			var n [2]float64
			for i, pct := range []int{budgetUsersNearPercent, budgetUsersOverPercent} {
				v, err := usersAtOrAbove(gctx, c.src, id, pct)
				if api.IsKind(err, api.KindNotFound) || api.IsKind(err, api.KindPermission) || api.IsKind(err, api.KindClient) {
					c.warned.Log("user states "+id, level.Warn(c.src.Logger), "msg", "GitHub does not answer the user states of a multi-user budget; its user counts are left out", "collector", "budgets", "budget_id", id, "err", err)
					mu.Lock()
					left = append(left, id)
					mu.Unlock()
					return nil
				}
				if err != nil {
					return wrap("budgets: user states of "+id, err)
				}
				n[i] = v
			}
			mu.Lock()
			out[id] = n
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	slices.Sort(left)
	return out, left, nil
}

// collectBudgetUsers sends the counts; states maps a budget id to its users
// at or above 80 % and at or above 100 %.
func collectBudgetUsers(target string, states map[string][2]float64, near, over int, ch chan<- prometheus.Metric) (stopped float64) {
	for _, id := range slices.Sorted(maps.Keys(states)) {
		n := states[id]
		ch <- sample(budgetUsersDesc, max(n[0]-n[1], 0), target, id, "near")
		ch <- sample(budgetUsersDesc, n[1], target, id, "over")
		stopped += n[1]
	}
	ch <- sample(userBudgetsDesc, float64(near), target, "near")
	ch <- sample(userBudgetsDesc, float64(over), target, "over")
	return stopped
}
