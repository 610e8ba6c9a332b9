package main

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/internal/text"
	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// finding is one thing about a target's licenses that a person should act
// on, in the words of the status page, with the severity the alert rules
// give it: critical is already a problem (over the seats bought, expired,
// a budget spent), warning is about to be, info is worth planning for (an
// expiry within 90 days).
type finding struct {
	Critical, Info bool
	Text           string
}

func (f finding) rank() int {
	switch {
	case f.Critical:
		return 0
	case f.Info:
		return 2
	}
	return 1
}

// series holds one target's cached values by metric descriptor (the
// collectors' own, collector.StatusMetrics), then by the series' other labels (all but target, as labelKey renders them), so a
// labelled count such as advanced_security_committers{product} is compared
// with the purchase of the same product, not with whichever came first.
// labels keeps each key's labels for the wording.
type series struct {
	v      map[*prometheus.Desc]map[string]float64
	labels map[string]map[string]string
}

// labelKey renders a series' labels other than target, sorted as Gather
// returns them: "" for a series with target only.
func labelKey(m *dto.Metric) (string, map[string]string) {
	var parts []string
	labels := map[string]string{}
	for _, l := range m.GetLabel() {
		if l.GetName() != "target" {
			parts = append(parts, l.GetName()+"="+l.GetValue())
			labels[l.GetName()] = l.GetValue()
		}
	}
	return strings.Join(parts, ", "), labels
}

func (s *series) add(d *prometheus.Desc, m *dto.Metric) {
	if s.v[d] == nil {
		s.v[d] = map[string]float64{}
	}
	k, labels := labelKey(m)
	s.v[d][k] = value(m)
	s.labels[k] = labels
}

// of are a metric's values by label set.
func (s *series) of(m *collector.Metric) map[string]float64 { return s.v[m.Desc()] }

// one is the value of a metric that has no label but target.
func (s *series) one(m *collector.Metric) (float64, bool) {
	v, ok := s.of(m)[""]
	return v, ok
}

// keys are a metric's label sets in a stable order.
func (s *series) keys(m *collector.Metric) []string {
	var ks []string
	for k := range s.of(m) {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// licenseFindings reads the data the collectors last fetched (no API
// request) and says, per target, what the alert rules in
// deploy/prometheus/license_exporter.rules.yml would go off for, so the status
// page shows it before anyone looks at Grafana.
// personalBudget matches the scopes of budgets that cap one person.
var personalBudget = regexp.MustCompile("^(?:" + thresholds.PersonalBudgetScopes + ")$")

func licenseFindings(c prometheus.Collector, limits map[string][]api.RateLimit, now time.Time) (map[string][]finding, map[string]bool) {
	byTarget := map[string]*series{}
	ch := make(chan prometheus.Metric)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	for m := range ch {
		var pb dto.Metric
		if m.Write(&pb) != nil {
			continue // a bad sample still leaves the others to say something
		}
		t := targetOf(&pb)
		if byTarget[t] == nil {
			byTarget[t] = &series{v: map[*prometheus.Desc]map[string]float64{}, labels: map[string]map[string]string{}}
		}
		byTarget[t].add(m.Desc(), &pb)
	}
	out := map[string][]finding{}
	hasData := map[string]bool{}
	for t, s := range byTarget {
		hasData[t] = true
		out[t] = s.findings(now)
	}
	for t, rls := range limits {
		for _, rl := range rls {
			if rl.Limit > 0 && rl.Remaining/rl.Limit < thresholds.RateLimitLow && rl.Reset.After(now) {
				out[t] = append(out[t], finding{Text: fmt.Sprintf("API rate-limit budget nearly spent: %g of %g %s requests left until %s",
					rl.Remaining, rl.Limit, rl.Resource, rl.Reset.UTC().Format("15:04 UTC"))})
			}
		}
	}
	for t := range out {
		sort.SliceStable(out[t], func(i, j int) bool { return out[t][i].rank() < out[t][j].rank() })
	}
	return out, hasData
}

// findings words what the alert rules would go off for, at the figures in
// internal/thresholds, from which the rules (deploy/rules) are generated.
// The rules' 14-day forecasts need history this cache does not keep, so the
// page shows the levels only.
func (s *series) findings(now time.Time) []finding {
	var f []finding
	m := &collector.StatusMetrics
	// over compares each label set of used with the same label set of
	// bought; nearOnly leaves "over" to a finding of its own.
	over := func(used, bought *collector.Metric, what string, nearOnly bool) {
		for _, k := range s.keys(used) {
			u := s.of(used)[k]
			b, okB := s.of(bought)[k]
			name := what
			if k != "" {
				name += " (" + k + ")"
			}
			switch {
			case !okB || b <= 0: // 0: usage-based billing, no limit
			case u > b && !nearOnly:
				f = append(f, finding{Critical: true, Text: fmt.Sprintf("%s: %g in use, %g more than the %g bought", name, u, u-b, b)})
			case u > b:
			case u/b >= thresholds.SeatsNearlyExhausted:
				f = append(f, finding{Text: fmt.Sprintf("%s: %g of %g in use (%.0f %%)", name, u, b, 100*u/b)})
			}
		}
	}
	over(m.SeatsConsumed, m.SeatsPurchased, "GitHub Enterprise seats", false)
	over(m.ServerSeatsUsed, m.ServerSeats, "Enterprise Server license seats", false)
	over(m.GHASCommitters, m.GHASPurchased, "Advanced Security committers", false)
	over(m.ServerCommitters, m.ServerCommittersPurchased, "Enterprise Server security product committers", false)
	over(m.GitLabAddOnAssigned, m.GitLabAddOnPurchased, "GitLab add-on seats", false)
	// Over the limit is GitLab's own overage figure, below.
	over(m.GitLabActiveUsers, m.GitLabUserLimit, "GitLab billable users against the license's user limit", true)
	if n, _ := s.one(m.GitLabOverage); n > 0 {
		f = append(f, finding{Critical: true, Text: fmt.Sprintf("GitLab: %g users over the license", n)})
	}
	if peak, ok := s.one(m.GitLabMaximumUsers); ok {
		if limit, ok := s.one(m.GitLabUserLimit); ok && limit > 0 && peak > limit {
			f = append(f, finding{Text: fmt.Sprintf("GitLab: a true-up is owed for up to %g users: the license period's peak is %g against a user limit of %g", peak-limit, peak, limit)})
		}
	}
	// Organizations: the plan's seats, as GitHubOrgSeatsNearlyExhausted.
	over(m.OrgSeatsConsumed, m.OrgSeatsPurchased, "GitHub plan seats of the organization", true)
	f = append(f, s.gitlabGroup()...)
	budgetSpent, budgetLimit := m.BudgetSpent, m.BudgetLimit
	if len(s.of(budgetLimit)) == 0 {
		budgetSpent, budgetLimit = collector.OrgTwin(budgetSpent), collector.OrgTwin(budgetLimit)
	}
	for _, k := range s.keys(budgetSpent) {
		spent := s.of(budgetSpent)[k]
		limit, ok := s.of(budgetLimit)[k]
		l := s.labels[k]
		name := strings.Join(strings.Fields(fmt.Sprintf("budget %s %s %s", l["scope"], l["entity"], l["sku"])), " ")
		switch {
		case !ok || limit <= 0:
		case personalBudget.MatchString(l["scope"]): // caps one person, as in the rules
		case spent >= limit:
			f = append(f, finding{Critical: true, Text: fmt.Sprintf("%s: $%.2f spent of its $%.2f limit this month", name, spent, limit)})
		case spent >= thresholds.BudgetNearlySpent*limit:
			f = append(f, finding{Text: fmt.Sprintf("%s: $%.2f spent of its $%.2f limit this month (%.0f %%)", name, spent, limit, 100*spent/limit)})
		}
	}
	// A dollar budget without a spent series: its spend could not be read
	// (github_enterprise_budgets_spend_unknown counts them), so no budget
	// alert can fire for it.
	for _, k := range s.keys(budgetLimit) {
		l := s.labels[k]
		if _, ok := s.of(budgetSpent)[k]; ok || personalBudget.MatchString(l["scope"]) { // one person's: counted, not named
			continue
		}
		name := strings.Join(strings.Fields(fmt.Sprintf("budget %s %s %s %s", l["budget_id"], l["scope"], l["entity"], l["sku"])), " ")
		f = append(f, finding{Text: fmt.Sprintf("%s: spend unknown, so no budget alert can fire for it (the budgets collector's summary says why)", name)})
	}
	f = append(f, s.creditPool(now)...)
	f = append(f, s.stoppedUsers()...)
	day := 24 * time.Hour
	expiry := func(metric *collector.Metric, what string, expired bool) {
		ts, ok := s.one(metric)
		if !ok || ts <= 0 {
			return // no expiry date: never shown as expired
		}
		at := time.Unix(int64(ts), 0).UTC()
		left := at.Sub(now)
		msg := fmt.Sprintf("%s expires on %s, in %s", what, at.Format("2006-01-02"), text.Count(int(math.Ceil(left.Hours()/24)), "day", "days"))
		switch {
		case expired || left <= 0:
			f = append(f, finding{Critical: true, Text: fmt.Sprintf("%s expired on %s", what, at.Format("2006-01-02"))})
		case left <= thresholds.ExpiryCriticalDays*day:
			f = append(f, finding{Critical: true, Text: msg})
		case left <= thresholds.ExpiryWarningDays*day:
			f = append(f, finding{Text: msg})
		case left <= thresholds.ExpiryInfoDays*day:
			f = append(f, finding{Info: true, Text: msg})
		}
	}
	expiry(m.ServerExpiry, "the Enterprise Server license", false)
	if !s.isOne(m.GitLabSubTrial) { // a trial ends without a bill, as in the rules
		expiry(m.GitLabSubEnd, "the GitLab.com subscription", false)
	}
	if expired := s.isOne(m.GitLabExpired); expired || !s.gitlabRenewed() {
		expiry(m.GitLabExpiry, "the GitLab license", expired)
	}
	return f
}

// creditPool words GitHubAICreditPoolNearlyExhausted and
// GitHubAICreditMeteredSpendStarted: the pool's share used (the sum of the
// included credits) at thresholds.AICreditsNearlyUsed, or reached at this
// month's average pace before the month ends (not on the 1st, as the
// rules' license_exporter:month_elapsed:ratio); credits billed beyond it.
// Nothing on a pool of 0 or without one.
func (s *series) creditPool(now time.Time) []finding {
	m := &collector.StatusMetrics
	pool, ok := s.one(m.AICreditPool)
	if !ok || pool <= 0 {
		return nil
	}
	var f []finding
	if len(s.of(m.AICreditsIncluded)) > 0 {
		var used float64
		for _, v := range s.of(m.AICreditsIncluded) {
			used += v
		}
		share := used / pool
		elapsed := monthElapsed(now)
		switch {
		case share >= thresholds.AICreditsNearlyUsed:
			f = append(f, finding{Text: fmt.Sprintf("AI credit pool: %.0f of %.0f credits used this month (%.0f %%)", used, pool, 100*share)})
		case elapsed > 0 && share/elapsed >= 1:
			f = append(f, finding{Text: fmt.Sprintf("AI credit pool: %.0f of %.0f credits used this month (%.0f %%); at this pace %.0f by the month's end (UTC)", used, pool, 100*share, used/elapsed)})
		}
	}
	var billed float64
	for _, v := range s.of(m.AICreditsBilled) {
		billed += v
	}
	if billed > 0 {
		f = append(f, finding{Info: true, Text: fmt.Sprintf("AI credits beyond the pool are billed this month: %.0f so far", billed)})
	}
	return f
}

// gitlabGroup words GitLabSubscriptionSeatsNearlyExhausted and
// GitLabSubscriptionSeatsOwed; neither speaks for a trial.
func (s *series) gitlabGroup() []finding {
	m := &collector.StatusMetrics
	seats := s.of(m.GitLabSubSeats)
	if len(seats) == 0 || s.isOne(m.GitLabSubTrial) {
		return nil
	}
	var f []finding
	used, okU := seats["kind=in_use"]
	bought, okB := seats["kind=purchased"]
	if okU && okB && bought > 0 && used/bought >= thresholds.SeatsNearlyExhausted {
		f = append(f, finding{Text: fmt.Sprintf("GitLab.com subscription seats: %g of %g in use (%.0f %%)", used, bought, 100*used/bought)})
	}
	if owed := seats["kind=owed"]; owed > 0 {
		f = append(f, finding{Text: fmt.Sprintf("GitLab.com subscription: %g seats owed, billed at the next reconciliation", owed)})
	}
	return f
}

// stoppedUsers words GitHubBudgetUsersStopped: a multi-user budget that
// stops usage with users over their amount.
func (s *series) stoppedUsers() []finding {
	m := &collector.StatusMetrics
	stops := map[string]bool{}
	for _, k := range s.keys(m.BudgetPrevent) {
		if s.of(m.BudgetPrevent)[k] == 1 {
			stops[s.labels[k]["budget_id"]] = true
		}
	}
	var f []finding
	for _, k := range s.keys(m.BudgetUsers) {
		l := s.labels[k]
		if n := s.of(m.BudgetUsers)[k]; l["state"] == "over" && n > 0 && stops[l["budget_id"]] {
			f = append(f, finding{Text: fmt.Sprintf("budget %s: %s over their amount and stopped until the 1st (UTC)", l["budget_id"], text.Count(int(n), "user", "users"))})
		}
	}
	return f
}

// monthElapsed is the elapsed share of now's month (UTC), 0 on its first
// day, as the rules' license_exporter:month_elapsed:ratio.
func monthElapsed(now time.Time) float64 {
	now = now.UTC()
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	elapsed, month := now.Sub(start), start.AddDate(0, 1, 0).Sub(start)
	if elapsed < 24*time.Hour {
		return 0
	}
	return elapsed.Hours() / month.Hours()
}

// gitlabRenewed: as GitLabLicenseExpiringSoon, a listed license that starts
// after the current one and expires after it (or never) is its renewal.
func (s *series) gitlabRenewed() bool {
	m := &collector.StatusMetrics
	start, okS := s.one(m.GitLabStart)
	exp, okE := s.one(m.GitLabExpiry)
	if !okS || !okE {
		return false
	}
	for k, st := range s.of(m.GitLabLicensesStart) {
		e, hasExpiry := s.of(m.GitLabLicensesExpiry)[k]
		if st > start && (!hasExpiry || e > exp) {
			return true
		}
	}
	return false
}

func (s *series) isOne(m *collector.Metric) bool {
	v, ok := s.one(m)
	return ok && v == 1
}

func targetOf(m *dto.Metric) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == "target" {
			return l.GetValue()
		}
	}
	return ""
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	}
	return math.NaN()
}

// ssoPartialText: GitHub answered, but without the organizations whose SAML
// SSO the token is not authorized for, so the figures are short of them.
func ssoPartialText(orgs []string) string {
	return fmt.Sprintf("incomplete data: GitHub left out the organizations with IDs %s, for which the token is not authorized for SAML single sign-on (authorize it with Configure SSO beside the token in Settings > Developer settings > Personal access tokens)", strings.Join(orgs, ", "))
}
