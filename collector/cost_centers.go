package collector

import (
	"cmp"
	"context"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var costCentersSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "cost_centers", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true},
	Endpoint:      "GET /enterprises/{e}/settings/billing/cost-centers?state=active",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager (an organization owner sees only the cost centers of what they administer)",
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
)

func init() {
	registerCollector(costCentersSpec, func(t *Source) (Collector, error) { return &costCentersCollector{src: t}, nil })
}

// costCentersCollector reads GET /enterprises/{e}/settings/billing/cost-centers.
type costCentersCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*costCentersCollector)(nil)

type costCenterList struct {
	CostCenters []struct {
		ID        api.String `json:"id"`
		Name      api.String `json:"name"`
		State     api.String `json:"state"`
		Resources []struct {
			Type api.String `json:"type"`
		} `json:"resources"`
	} `json:"costCenters"`
}

type costCenterKey struct{ id, name, kind string }

// tally counts resources per active cost center and type. Resource names
// (users, repositories) are never kept.
func (l *costCenterList) tally() (counts map[costCenterKey]int, centers int) {
	counts = map[costCenterKey]int{}
	seen := map[string]bool{}
	for _, cc := range l.CostCenters {
		if strings.EqualFold(strings.TrimSpace(string(cc.State)), "deleted") {
			continue
		}
		id := label(cc.ID)
		if !seen[id] {
			seen[id] = true
			centers++
		}
		for _, r := range cc.Resources {
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
	return centers, resources
}

func (c *costCentersCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var l costCenterList
	q := url.Values{"state": {"active"}}
	if _, err := c.src.Client.GetJSON(ctx, c.src.enterprisePath("settings/billing/cost-centers"), q, &l); err != nil {
		return wrap("cost centers", err)
	}
	centers, resources := l.collect(c.src.Name(), ch)
	c.setSummary("%d cost centers, %d resources assigned", centers, resources)
	return nil
}
