package collector

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Budgets: https://docs.github.com/en/enterprise-cloud@latest/rest/billing/budgets#get-all-budgets
// and https://docs.github.com/en/billing/concepts/budgets-and-alerts.
var budgetsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "budgets", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint: "GET /enterprises/{e}/settings/billing/budgets (paged by page and has_next_page); " +
		"GET …/settings/billing/cost-centers?state=active when a budget names a cost center; " +
		"GET …/settings/billing/usage/summary?year=Y&month=M once per scope entity (the enterprise, or organization, repository or cost_center_id; the budget's products or SKUs picked from its lines), and once per product or SKU that has no line there (filtered by it, to tell $0 from a name the report does not know); " +
		"GET …/settings/billing/ai_credit/usage?year=Y&month=M once per scope entity (organization or cost_center_id) of AI credit budgets; " +
		"the listing and the reports that cost_centers, billing_usage and ai_credits read are shared with them; " +
		"GET …/settings/billing/budgets/{id}/user-states?threshold_lower_bound=80|100&per_page=1 twice per multi-user budget (total_count only)",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager (or a custom role with read access to enterprise billing; an organization owner sees only the budgets of what they administer)",
		Scopes:     "`manage_billing:enterprise`",
		Permission: "read access to enterprise billing (a GitHub App installed on the enterprise)",
	},
}

var (
	budgetLabels      = []string{"budget_id", "scope", "entity", "sku"}
	budgetLimitDesc   = budgetsSpec.gauge("github_enterprise_budget_limit_dollars", "Monthly limit of a budget in US dollars (budget_amount).", budgetLabels...)
	budgetLicenseDesc = budgetsSpec.gauge("github_enterprise_budget_limit_licenses",
		"Monthly limit of a budget on a license-based product (GitHub Enterprise, Advanced Security), in licenses (budget_amount).", budgetLabels...)
	budgetSpentDesc = budgetsSpec.gauge("github_enterprise_budget_spent_dollars",
		"Net amount this month (UTC) to date that counts against a dollar budget, in US dollars: the usage summary filtered to the budget's scope and products or SKUs, the AI credit usage report filtered to its scope for an AI credit budget, or consumed_amount for a user's budget.", budgetLabels...)
	budgetPreventDesc = budgetsSpec.gauge("github_enterprise_budget_prevent_further_usage",
		"1 when the product stops once the budget is spent (prevent_further_usage), else 0.", budgetLabels...)
	budgetsSpendUnknownDesc = budgetsSpec.gauge("github_enterprise_budgets_spend_unknown",
		"Dollar budgets whose spend could not be read (the usage report rejects the filter, the cost center is not among the active ones or could not be listed, a scope or product the reports cannot filter by): they have no github_enterprise_budget_spent_dollars series, so no budget alert can fire for them. Budgets of several users (multi_user_*) and license budgets are not counted; check and the status page name the budgets.")
)

func init() {
	registerCollector(budgetsSpec, func(t *Source) (Collector, error) { return &budgetsCollector{src: t, now: time.Now}, nil })
}

// budgetsCollector reads the enterprise's budgets and what each has spent.
type budgetsCollector struct {
	src *Source
	now func() time.Time
	summaryHolder
	absent absence
	warned sayOnce
}

var _ Collector = (*budgetsCollector)(nil)

type budget struct {
	ID      api.String `json:"id"`
	Type    api.String `json:"budget_type"`
	Amount  api.Number `json:"budget_amount"`
	Prevent api.Bool   `json:"prevent_further_usage"`
	Scope   api.String `json:"budget_scope"`
	Entity  api.String `json:"budget_entity_name"`
	// The schema names one product or SKU as the string budget_product_sku;
	// GitHub's own example sends the array budget_product_skus. Accept both.
	SKU      api.Strings `json:"budget_product_sku"`
	SKUs     api.Strings `json:"budget_product_skus"`
	Consumed api.Number  `json:"consumed_amount"`
	// budget_alerting names recipients by login: never read.
}

type budgetPage struct {
	Budgets api.List[budget] `json:"budgets"`
	More    api.Bool         `json:"has_next_page"`
	Total   api.Number       `json:"total_count"`
}

// HasNextPage implements api.NextPager.
func (p *budgetPage) HasNextPage() bool { return p.More.True() }

// TotalCount implements api.NextPager.
func (p *budgetPage) TotalCount() api.Number { return p.Total }

// ItemIDs implements api.NextPager.
func (p *budgetPage) ItemIDs() []string {
	ids := make([]string, len(p.Budgets.Items))
	for i := range p.Budgets.Items {
		ids[i] = string(p.Budgets.Items[i].ID)
	}
	return ids
}

// skus lists the budget's products or SKUs, lower-cased, sorted, once each:
// GitHub writes "actions" in budgets and "Actions" in usage reports.
func (b *budget) skus() []string {
	var out []string
	for _, s := range append(slices.Clone(b.SKU), b.SKUs...) {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (b *budget) scope() string { return lowerLabel(b.Scope) }

// licenseBased reports whether a budget's amount counts licenses, not
// dollars: "For license-based products, this represents the number of
// licenses" (OpenAPI schema of budget_amount). Of the product identifiers
// (https://docs.github.com/en/billing/reference/product-and-sku-names),
// GitHub Enterprise (ghec) and Advanced Security (ghas, and its standalone
// code_security and secret_protection) are sold as licenses.
func licenseBased(skus []string) bool {
	if len(skus) == 0 {
		return false
	}
	for _, s := range skus {
		switch {
		case s == "ghec", s == "ghas", strings.HasPrefix(s, "ghec_"), strings.HasPrefix(s, "ghas_"),
			strings.HasPrefix(s, "code_security"), strings.HasPrefix(s, "secret_protection"):
		default:
			return false
		}
	}
	return true
}

// usageFilter is one question to the usage summary, or with aiCredit to the
// AI credit usage report. A budget with several products or SKUs asks one
// per product or SKU.
type usageFilter struct {
	organization, repository, costCenterID, product, sku string
	aiCredit                                             bool
}

// path is the report the filter asks.
func (f usageFilter) path() string {
	if f.aiCredit {
		return "settings/billing/ai_credit/usage"
	}
	return "settings/billing/usage/summary"
}

func (f usageFilter) query(month url.Values) url.Values {
	q := url.Values{}
	for k, v := range month {
		q[k] = v
	}
	for k, v := range map[string]string{"organization": f.organization, "repository": f.repository,
		"cost_center_id": f.costCenterID, "product": f.product, "sku": f.sku} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// spendPlan says how a budget's spend is found: from consumed_amount, from
// the summary under filters, or not at all. A budget whose spend cannot be
// found says why (unknown), unless it has no dollar spend to find (license
// budgets) or is per user by design (multi_user_*): its spend is left out,
// never 0.
type spendPlan struct {
	consumed bool
	filters  []usageFilter
	unknown  string
}

// unknownSpend is the plan of a budget whose spend cannot be read.
func unknownSpend(why string) spendPlan { return spendPlan{unknown: why} }

// plan decides where a budget's spend comes from. costCenters maps cost
// center names to ids; nil when the listing was not needed or not
// available, and then a cost center's spend is unknown.
func (b *budget) plan(costCenters map[string]string) spendPlan {
	skus := b.skus()
	if licenseBased(skus) {
		return spendPlan{} // licenses, not dollars: nothing to compare
	}
	scope := b.scope()
	if scope == "user" {
		// A user's budget carries what that user consumed.
		if !b.Consumed.Valid {
			return unknownSpend("no consumed_amount")
		}
		return spendPlan{consumed: true}
	}
	var base usageFilter
	entity := strings.TrimSpace(string(b.Entity))
	switch scope {
	case "enterprise":
	case "organization":
		base.organization = entity
	case "repository":
		base.repository = entity
	case "cost_center":
		if costCenters == nil {
			return unknownSpend("the cost-center listing is not available")
		}
		id, ok := costCenters[strings.ToLower(entity)]
		if entity != "" && !ok {
			// Deleted, or renamed since: either way nothing says what it
			// spent, and 0 would hide a renamed cost center's spend.
			return unknownSpend("its cost center is not among the active ones")
		}
		base.costCenterID = id
	default:
		if strings.HasPrefix(scope, "multi_user") {
			// Each user's limit; their spend is per user, which the
			// exporter does not turn into series.
			return spendPlan{}
		}
		return unknownSpend("scope " + scope + " has no documented filter")
	}
	if scope != "enterprise" && entity == "" {
		return unknownSpend("it names no " + strings.ReplaceAll(scope, "_", " "))
	}
	var byProduct bool
	switch strings.ToLower(strings.TrimSpace(string(b.Type))) {
	case "productpricing":
		byProduct = true
	case "skupricing":
	case "bundlepricing":
		// AI credits: not a product or SKU of the summary, but the AI credit
		// report filters by organization and cost_center_id (not by
		// repository): https://docs.github.com/en/enterprise-cloud@latest/rest/billing/usage#get-billing-ai-credit-usage-report-for-an-enterprise
		if scope == "repository" {
			return unknownSpend("the AI credit report has no repository filter")
		}
		base.aiCredit = true
		return spendPlan{filters: []usageFilter{base}}
	default:
		return unknownSpend("budget_type " + lowerLabel(b.Type) + " is not one the reports filter by")
	}
	if len(skus) == 0 {
		return unknownSpend("it names no product or SKU")
	}
	p := spendPlan{}
	for _, s := range skus {
		f := base
		if byProduct {
			f.product = s
		} else {
			f.sku = s
		}
		p.filters = append(p.filters, f)
	}
	return p
}

func (b *budget) needsCostCenter() bool { return b.scope() == "cost_center" }

func (b *budget) labels(target, enterprise string) []string {
	entity := strings.TrimSpace(string(b.Entity))
	switch scope := b.scope(); {
	case scope == "enterprise":
		entity = enterprise
	case scope == "user", strings.HasPrefix(scope, "multi_user"):
		entity = "" // may name a login: never a label
	}
	return []string{target, label(b.ID), b.scope(), entity, strings.Join(b.skus(), ",")}
}

// budgetSpend is what collectBudgets found: how many budgets' spend is known,
// and the budgets whose spend is not, each with why.
type budgetSpend struct {
	known   int
	unknown []string
}

// collectBudgets sends each budget's series; spend maps each filter the
// reports answered to its net amount, and rejected maps those they
// rejected to the reason. A budget with a filter that was not answered
// has no spent series: a partial sum would read as a spend too low.
func collectBudgets(target, enterprise string, budgets []budget, plans []spendPlan, spend map[usageFilter]float64, rejected map[usageFilter]string, ch chan<- prometheus.Metric) budgetSpend {
	var out budgetSpend
	seen := map[[5]string]bool{}
	for i := range budgets {
		b := &budgets[i]
		l := b.labels(target, enterprise)
		// Two budgets that look alike (no id, repeated on a page) would be
		// duplicate series and fail the whole scrape: keep the first.
		if k := [5]string(l); seen[k] {
			continue
		} else {
			seen[k] = true
		}
		if licenseBased(b.skus()) {
			sendNumber(ch, budgetLicenseDesc, b.Amount, l...)
		} else {
			sendNumber(ch, budgetLimitDesc, b.Amount, l...)
		}
		if b.Prevent.Valid {
			v := 0.0
			if b.Prevent.Value {
				v = 1
			}
			ch <- sample(budgetPreventDesc, v, l...)
		}
		p := plans[i]
		switch {
		case p.consumed:
			ch <- sample(budgetSpentDesc, cents(b.Consumed.Value), l...)
			out.known++
		case len(p.filters) > 0:
			var v float64
			for _, f := range p.filters {
				n, ok := spend[f]
				if !ok {
					why := rejected[f]
					if why == "" {
						why = "the report did not answer"
					}
					p.unknown = why
					break
				}
				v += n
			}
			if p.unknown == "" {
				ch <- sample(budgetSpentDesc, cents(v), l...)
				out.known++
			}
		}
		if p.unknown != "" {
			out.unknown = append(out.unknown, fmt.Sprintf("%s (%s)", budgetName(l), p.unknown))
		}
	}
	ch <- sample(budgetsSpendUnknownDesc, float64(len(out.unknown)), target)
	return out
}

// maxNamed is how many budgets of unknown spend the summary names: a line
// for check and the status page, not a listing.
const maxNamed = 10

// budgetName names a budget for a person from its labels (target, id,
// scope, entity, SKUs): "budget 2066deda… [organization octo-org, actions]".
func budgetName(l []string) string {
	what := strings.Join(strings.Fields(l[2]+" "+l[3]), " ")
	if l[4] != "" {
		what += ", " + l[4]
	}
	return "budget " + l[1] + " " + "[" + what + "]"
}

func (c *budgetsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var budgets []budget
	var skipped int
	err := api.PaginateBody(ctx, c.src.Client, c.src.enterprisePath("settings/billing/budgets"), nil, func(p *budgetPage) error {
		budgets = append(budgets, p.Budgets.Items...)
		skipped += p.Budgets.Skipped
		return nil
	})
	if c.absent.notFound(c.src.Logger, budgetsSpec.Name, err, "no budgets for this enterprise (404); the budget metrics are left out") {
		c.setNotFound("no budgets")
		return nil
	}
	if err != nil {
		return wrap("budgets", err)
	}
	slices.SortStableFunc(budgets, func(a, b budget) int { return cmp.Compare(label(a.ID), label(b.ID)) })
	if c.src.Config.Type == config.TypeGitHubOrg {
		orgBudgetEntities(budgets, c.src.Config.Organization)
	}

	var costCenters map[string]string
	var note string
	if slices.ContainsFunc(budgets, func(b budget) bool { return b.needsCostCenter() }) {
		costCenters, err = c.costCenterIDs(ctx)
		if api.IsKind(err, api.KindNotFound) {
			note = "; cost-center listing not found (404): cost-center budgets' spend unknown"
			c.warned.Log("cost centers", level.Warn(c.src.Logger), "msg", "the cost-center listing answers 404: the spend of cost-center budgets is unknown and left out", "collector", "budgets", "err", err)
		} else if err != nil {
			return wrap("budgets: cost centers", err)
		}
	}
	plans := make([]spendPlan, len(budgets))
	wanted := map[usageFilter]bool{}
	for i := range budgets {
		plans[i] = budgets[i].plan(costCenters)
		for _, f := range plans[i].filters {
			wanted[f] = true
		}
	}
	spend, rejected, reports, err := c.fetchSpend(ctx, wanted)
	if err != nil {
		return err
	}
	var multiUser []string
	if c.src.Config.Type != config.TypeGitHubOrg { // organizations have no budget user states
		multiUser = multiUserBudgetIDs(budgets)
	}
	states, unanswered, err := c.budgetUsers(ctx, multiUser)
	if err != nil {
		return err
	}
	found := collectBudgets(c.src.Name(), c.src.Config.Enterprise, budgets, plans, spend, rejected, ch)
	near, over := userBudgetStates(budgets)
	if stopped := collectBudgetUsers(c.src.Name(), states, near, over, ch); stopped > 0 || over > 0 {
		note += fmt.Sprintf("; users over their amount: %g in multi-user budgets, %d with a budget of their own", stopped, over)
	}
	if len(unanswered) > 0 {
		note += "; user states not answered for " + strings.Join(unanswered, ", ")
	}
	if n := len(found.unknown); n > 0 {
		names := found.unknown[:min(n, maxNamed)]
		more := ""
		if n > maxNamed {
			more = fmt.Sprintf("; and %d more", n-maxNamed)
		}
		note += fmt.Sprintf("; spend unknown for %d: %s%s", n, strings.Join(names, "; "), more)
	}
	if skipped > 0 {
		note += "; " + count(skipped, "entry that is not a budget", "entries that are not budgets") + " skipped"
	}
	say := c.setSummary
	if len(found.unknown) > 0 || len(unanswered) > 0 {
		// Part of what the budget alerts need is missing: check and the
		// status page warn (license_exporter_collector_partial), not OK.
		say = c.setPartial
	}
	say("%s, spend known for %d, %s%s", count(len(budgets), "budget", "budgets"), found.known, count(reports, "usage report read", "usage reports read"), note)
	return nil
}

// costCenterIDs maps active cost centers' lower-cased names to their ids:
// a cost-center budget names its cost center, the usage summary wants the id.
func (c *budgetsCollector) costCenterIDs(ctx context.Context) (map[string]string, error) {
	l, err := activeCostCenters(ctx, c.src, budgetsSpec)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, cc := range l.CostCenters.Items {
		name, id := strings.ToLower(strings.TrimSpace(string(cc.Name))), strings.TrimSpace(string(cc.ID))
		if name != "" && id != "" && !strings.EqualFold(strings.TrimSpace(string(cc.State)), "deleted") {
			out[name] = id
		}
	}
	return out, nil
}

// fetchSpend finds each filter's net amount this month. It asks the usage
// summary (or the AI credit report) once per scope entity, without the
// product or SKU, and sums the lines of each filter's product or SKU
// itself: one request serves every budget of an organization or cost
// center, and the requests are the very ones cost_centers (per cost
// center), billing_usage (the enterprise's summary) and ai_credits make,
// shared with them (sharedJSON). A report GitHub rejects (400, 404: an
// organization gone) has no amount: its filters land in rejected with the
// reason, said once at warn, and their budgets' spend is left out. Any
// other failure fails the refresh, which keeps the last good figures. It
// also returns how many reports it read.
func (c *budgetsCollector) fetchSpend(ctx context.Context, wanted map[usageFilter]bool) (spend map[usageFilter]float64, rejected map[usageFilter]string, reports int, err error) {
	month := monthQuery(c.now())
	spend, rejected = map[usageFilter]float64{}, map[usageFilter]string{}
	byReport := map[usageFilter][]usageFilter{}
	for f := range wanted {
		r := f.report()
		if c.src.Config.Type == config.TypeGitHubOrg {
			// An organization's reports take no organization filter: its
			// organization budget is the whole report.
			r.organization = ""
		}
		byReport[r] = append(byReport[r], f)
	}
	keys := slices.SortedFunc(maps.Keys(byReport), func(a, b usageFilter) int {
		return cmp.Or(cmp.Compare(fmt.Sprint(a.aiCredit), fmt.Sprint(b.aiCredit)), strings.Compare(a.organization, b.organization), strings.Compare(a.repository, b.repository),
			strings.Compare(a.costCenterID, b.costCenterID))
	})
	var (
		mu        sync.Mutex
		unmatched []usageFilter
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, rf := range keys {
		g.Go(func() error {
			r, err := sharedJSON[usageReport](gctx, c.src, budgetsSpec, rf.path(), rf.query(month))
			if api.IsKind(err, api.KindNotFound) || api.IsKind(err, api.KindClient) {
				what := rf.query(nil).Encode()
				if what == "" {
					what = "the enterprise's summary"
				}
				c.warned.Log("filter "+what, level.Warn(c.src.Logger), "msg", "the usage report rejects a budget's filter; its spend is unknown and left out", "collector", "budgets", "filter", what, "err", err)
				mu.Lock()
				for _, f := range byReport[rf] {
					rejected[f] = "the usage report rejects " + what
				}
				mu.Unlock()
				return nil
			}
			if err != nil {
				return wrap("budgets: "+rf.path(), err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, f := range byReport[rf] {
				switch n, matched, known := f.net(r); {
				case matched && !known:
					rejected[f] = "the usage report gives a line of it no amount"
				case matched || (f.product == "" && f.sku == ""):
					spend[f] = n
				default:
					unmatched = append(unmatched, f)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, 0, err
	}
	// A product or SKU with no line in its entity's report is either unused
	// there this month ($0) or a name the reports do not know (a renamed
	// SKU, which would read $0 forever and keep the budget's alerts silent).
	// The enterprise's report filtered by it tells the two apart, once per
	// name whatever the entities: GitHub rejects a product or SKU it does
	// not know (400/404) and answers one it knows.
	byName := map[usageFilter][]usageFilter{}
	for _, f := range unmatched {
		k := usageFilter{aiCredit: f.aiCredit, product: f.product, sku: f.sku}
		byName[k] = append(byName[k], f)
	}
	names := slices.SortedFunc(maps.Keys(byName), func(a, b usageFilter) int {
		return cmp.Or(cmp.Compare(fmt.Sprint(a.aiCredit), fmt.Sprint(b.aiCredit)), strings.Compare(a.product, b.product), strings.Compare(a.sku, b.sku))
	})
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(4)
	for _, k := range names {
		g.Go(func() error {
			_, err := sharedJSON[usageReport](gctx, c.src, budgetsSpec, k.path(), k.query(month))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case api.IsKind(err, api.KindNotFound) || api.IsKind(err, api.KindClient):
				what := k.query(nil).Encode()
				c.warned.Log("filter "+what, level.Warn(c.src.Logger), "msg", "the usage report rejects a budget's filter; its spend is unknown and left out", "collector", "budgets", "filter", what, "err", err)
				for _, f := range byName[k] {
					rejected[f] = "the usage report rejects " + what
				}
			case err != nil:
				return wrap("budgets: "+k.path(), err)
			default: // a known name without a line in the entity's report
				for _, f := range byName[k] {
					spend[f] = 0
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, 0, err
	}
	return spend, rejected, len(keys) + len(names), nil
}

// orgBudgetEntities names the organization in an organization's own
// organization-scoped budgets that name none: there is only one it can be.
func orgBudgetEntities(budgets []budget, org string) {
	for i := range budgets {
		if budgets[i].scope() == "organization" && strings.TrimSpace(string(budgets[i].Entity)) == "" {
			budgets[i].Entity = api.String(org)
		}
	}
}

// report is the report a filter reads: its scope entity, without the
// product or SKU, which net applies.
func (f usageFilter) report() usageFilter {
	f.product, f.sku = "", ""
	return f
}

// net is the net amount of the report's lines of the filter's product or
// SKU (none: every line). Product names are not case sensitive (OpenAPI
// parameter product); a SKU is compared in skuLabel's form.
// matched says whether any line was of the filter's product or SKU, known
// whether every such line had an amount.
func (f usageFilter) net(r *usageReport) (net float64, matched, known bool) {
	var s sum
	known = true
	for i := range r.UsageItems.Items {
		it := &r.UsageItems.Items[i]
		if f.product != "" && !strings.EqualFold(strings.TrimSpace(string(it.Product)), f.product) {
			continue
		}
		if f.sku != "" && skuLabel(it.SKU) != skuLabel(api.String(f.sku)) {
			continue
		}
		matched = true
		known = known && it.NetAmount.Valid // a line without an amount leaves the spend unknown, not short
		s.add(it.NetAmount)
	}
	return s.value, matched, known
}
