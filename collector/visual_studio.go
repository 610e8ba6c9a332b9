package collector

import (
	"context"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// https://docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/licensing#get-a-list-of-visual-studio-subscriptions-for-the-enterprise
// The operation's text names no role or scope; it sits with consumed-licenses
// (enterprise owner, read:enterprise), and x-github.enabledForGitHubApps is
// true.
var visualStudioSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "visual_studio_subscriptions", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint:      "GET /enterprises/{e}/visual-studio-subscriptions?is_unmatched_only=true&per_page=1 (one request: total_count)",
	Needs: Needs{
		Role:       "an enterprise owner (GitHub's description names no role; the licensing endpoints beside it need an owner)",
		Scopes:     "`read:enterprise` (as consumed-licenses; the description names none)",
		Permission: "read access to the enterprise's licensing (a GitHub App installed on the enterprise; the description names no permission)",
	},
}

var vsUnmatchedDesc = visualStudioSpec.gauge("github_enterprise_visual_studio_subscriptions_unmatched",
	"Visual Studio subscriptions with GitHub Enterprise that are linked to no GitHub user: paid seats nobody uses (total_count with is_unmatched_only=true).")

func init() {
	registerCollector(visualStudioSpec, func(t *Source) (Collector, error) { return &visualStudioCollector{src: t}, nil })
}

// visualStudioCollector counts the enterprise's unmatched Visual Studio
// subscriptions. Only total_count is read: the list names e-mail addresses.
type visualStudioCollector struct {
	src *Source
	summaryHolder
	absent absence
}

var _ Collector = (*visualStudioCollector)(nil)

type visualStudioPage struct {
	TotalCount api.Number `json:"total_count"`
}

func (c *visualStudioCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var p visualStudioPage
	q := url.Values{"is_unmatched_only": {"true"}, "per_page": {"1"}}
	_, err := c.src.Client.GetJSON(ctx, c.src.enterprisePath("visual-studio-subscriptions"), q, &p)
	if c.absent.notFound(c.src.Logger, visualStudioSpec.Name, err, "no Visual Studio subscriptions with GitHub Enterprise for this enterprise (404); github_enterprise_visual_studio_subscriptions_unmatched is left out") {
		c.setNotFound("no Visual Studio subscriptions with GitHub Enterprise")
		return nil
	}
	if err != nil {
		return wrap("visual studio subscriptions", err)
	}
	sendNumber(ch, vsUnmatchedDesc, p.TotalCount, c.src.Name())
	c.setSummary("%s linked to no GitHub user", countNumber(p.TotalCount, "Visual Studio subscription", "Visual Studio subscriptions"))
	return nil
}
