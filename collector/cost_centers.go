package collector

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var costCentersSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "cost_centers", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint: "GET /enterprises/{e}/settings/billing/cost-centers?state=active; " +
		"GET …/settings/billing/usage/summary?year=Y&month=M&cost_center_id=ID once per active cost center and once for cost_center_id=none",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager, or a custom role with read access to enterprise billing (an organization owner sees only the cost centers of what they administer)",
		Scopes:     "`manage_billing:enterprise`",
		Permission: "read access to enterprise billing (a GitHub App installed on the enterprise)",
	},
}

var (
	costCenterResourcesDesc = costCentersSpec.gauge("github_enterprise_cost_center_resources",
		"Resources assigned to an active cost center, by resource type (user, team, repo, org).",
		"cost_center_id", "cost_center", "resource_type")
	costCentersDesc = costCentersSpec.gauge("github_enterprise_cost_centers",
		"Active cost centers of the enterprise.")
	costCenterAICapDesc = costCentersSpec.gauge("github_enterprise_cost_center_ai_credits_cap",
		"AI credits a cost center may use this month, capped from its members' licenses (ai_credit_pool_state.target_amount); absent without a pool or while GitHub has not computed it.",
		"cost_center_id", "cost_center")
	costCenterAIUsedDesc = costCentersSpec.gauge("github_enterprise_cost_center_ai_credits_used",
		"AI credits a cost center has used this month (UTC) against its cap (ai_credit_pool_state.current_amount); absent without a pool or while GitHub has not computed it.",
		"cost_center_id", "cost_center")
	costCenterNetDesc = costCentersSpec.gauge("github_enterprise_cost_center_net_amount_dollars",
		"Net amount this month (UTC) to date per cost center and product, in US dollars (usage summary with cost_center_id; cost_center_id=\"none\" is usage outside any cost center).",
		"cost_center_id", "cost_center", "product")
)

func init() {
	registerCollector(costCentersSpec, func(t *Source) (Collector, error) { return &costCentersCollector{src: t, now: time.Now}, nil })
}

// costCentersCollector reads GET /enterprises/{e}/settings/billing/cost-centers.
type costCentersCollector struct {
	src *Source
	now func() time.Time
	summaryHolder
}

var _ Collector = (*costCentersCollector)(nil)

type costCenterList struct {
	CostCenters api.List[costCenter] `json:"costCenters"`
}

type costCenter struct {
	ID        api.String                   `json:"id"`
	Name      api.String                   `json:"name"`
	State     api.String                   `json:"state"`
	Resources api.List[costCenterResource] `json:"resources"`
	// Only present when the cost center draws from the AI credit pool;
	// both amounts are null until GitHub computes the cap (OpenAPI
	// schema get-all-cost-centers).
	AIPool *aiCreditPool `json:"ai_credit_pool_state"`
}

type costCenterResource struct {
	Type api.String `json:"type"`
}

type costCenterKey struct{ id, name, kind string }

// tally counts resources per active cost center and type. Resource names
// (users, repositories) are never kept.
func (l *costCenterList) tally() (counts map[costCenterKey]int, centers int) {
	counts = map[costCenterKey]int{}
	seen := map[string]bool{}
	for _, cc := range l.CostCenters.Items {
		if strings.EqualFold(strings.TrimSpace(string(cc.State)), "deleted") {
			continue
		}
		id := label(cc.ID)
		if !seen[id] {
			seen[id] = true
			centers++
		}
		for _, r := range cc.Resources.Items {
			counts[costCenterKey{id: id, name: strings.TrimSpace(string(cc.Name)), kind: lowerLabel(r.Type)}]++
		}
	}
	return counts, centers
}

func (l *costCenterList) collect(target string, ch chan<- prometheus.Metric) (centers, resources int) {
	counts, centers := l.tally()
	keys := slices.SortedFunc(maps.Keys(counts), func(a, b costCenterKey) int {
		return cmp.Or(strings.Compare(a.id, b.id), strings.Compare(a.kind, b.kind), strings.Compare(a.name, b.name))
	})
	for _, k := range keys {
		ch <- sample(costCenterResourcesDesc, float64(counts[k]), target, k.id, k.name, k.kind)
		resources += counts[k]
	}
	ch <- sample(costCentersDesc, float64(centers), target)
	for _, cc := range l.active() {
		if cc.AIPool != nil {
			sendNumber(ch, costCenterAICapDesc, cc.AIPool.Target, target, cc.ID, cc.Name)
			sendNumber(ch, costCenterAIUsedDesc, cc.AIPool.Current, target, cc.ID, cc.Name)
		}
	}
	return centers, resources
}

// activeCostCenters is the listing of active cost centers, which budgets
// and cost_centers share (read-only).
func activeCostCenters(ctx context.Context, src *Source, spec *Spec) (*costCenterList, error) {
	return sharedJSON[costCenterList](ctx, src, spec, "settings/billing/cost-centers", url.Values{"state": {"active"}})
}

// costCenterRef is an active cost center's id and name.
type costCenterRef struct {
	ID, Name string
	AIPool   *aiCreditPool
}

type aiCreditPool struct {
	Target  api.Number `json:"target_amount"`
	Current api.Number `json:"current_amount"`
}

// UnmarshalJSON implements json.Unmarshaler: a state that is not an object
// ("pending", a number) is a pool whose amounts are not known yet.
func (p *aiCreditPool) UnmarshalJSON(b []byte) error {
	*p = aiCreditPool{}
	type plain aiCreditPool
	var v plain
	if json.Unmarshal(b, &v) == nil {
		*p = aiCreditPool(v)
	}
	return nil
}

// active lists the active cost centers with an id, once each, by id.
func (l *costCenterList) active() []costCenterRef {
	seen := map[string]bool{}
	var out []costCenterRef
	for _, cc := range l.CostCenters.Items {
		id := strings.TrimSpace(string(cc.ID))
		// "none" is the summary's name for usage outside any cost center.
		if id == "" || id == noCostCenter || seen[id] || strings.EqualFold(strings.TrimSpace(string(cc.State)), "deleted") {
			continue
		}
		seen[id] = true
		out = append(out, costCenterRef{ID: id, Name: strings.TrimSpace(string(cc.Name)), AIPool: cc.AIPool})
	}
	slices.SortFunc(out, func(a, b costCenterRef) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// noCostCenter is the usage summary's cost_center_id for usage outside any
// cost center ("An ID of 'none' will target usage not associated to any
// cost center", OpenAPI parameter cost_center_id).
const noCostCenter = "none"

// netByCostCenter asks the usage summary once per active cost center and
// once for usage outside any, and sends the month's net amount per product.
// A cost center the summary does not know (404, 400) is left out, and
// returned by name so that the refresh says so (partial).
func (c *costCentersCollector) netByCostCenter(ctx context.Context, centers []costCenterRef, ch chan<- prometheus.Metric) (refused []string, err error) {
	centers = append(slices.Clone(centers), costCenterRef{ID: noCostCenter, Name: noCostCenter})
	nets := make([]map[string]*sum, len(centers))
	month := monthQuery(c.now())
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i, cc := range centers {
		g.Go(func() error {
			q := url.Values{"cost_center_id": {cc.ID}}
			for k, v := range month {
				q[k] = v
			}
			r, err := sharedJSON[usageReport](gctx, c.src, costCentersSpec, "settings/billing/usage/summary", q)
			if api.IsKind(err, api.KindNotFound) || api.IsKind(err, api.KindClient) {
				mu.Lock()
				refused = append(refused, cc.Name)
				mu.Unlock()
				return nil
			}
			if err != nil {
				return wrap("cost centers: usage summary", err)
			}
			byProduct := map[string]*sum{}
			for _, it := range r.UsageItems.Items {
				p := label(it.Product)
				if byProduct[p] == nil {
					byProduct[p] = &sum{}
				}
				byProduct[p].add(it.NetAmount)
			}
			nets[i] = byProduct
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	target := c.src.Name()
	for i, cc := range centers {
		for _, p := range slices.Sorted(maps.Keys(nets[i])) {
			nets[i][p].rounded().send(ch, costCenterNetDesc, target, cc.ID, cc.Name, p)
		}
	}
	slices.Sort(refused)
	return refused, nil
}

func (c *costCentersCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	l, err := activeCostCenters(ctx, c.src, costCentersSpec)
	if err != nil {
		return wrap("cost centers", err)
	}
	refused, err := c.netByCostCenter(ctx, l.active(), ch)
	if err != nil {
		return err
	}
	centers, resources := l.collect(c.src.Name(), ch)
	var note string
	if l.CostCenters.Skipped > 0 {
		note = "; " + count(l.CostCenters.Skipped, "entry that is not a cost center", "entries that are not cost centers") + " skipped"
	}
	say := c.setSummary
	if len(refused) > 0 {
		// Their spend is unknown and left out: a warning, not OK.
		note += "; the usage summary refuses " + strings.Join(refused, ", ") + ": their spend is unknown"
		say = c.setPartial
	}
	say("%s, %s assigned, %s%s", count(centers, "cost center", "cost centers"), count(resources, "resource", "resources"), count(len(l.active())+1, "usage summary request", "usage summary requests"), note)
	return nil
}
