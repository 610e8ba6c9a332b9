package collector

import (
	"context"
	"net/url"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var advancedSecuritySpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "advanced_security", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true},
	Endpoint:      "GET /enterprises/{e}/settings/billing/advanced-security?per_page=1 (one request: every page repeats the enterprise totals)",
	Needs: Needs{
		Role:   "an enterprise owner or billing manager",
		Scopes: "`manage_billing:enterprise`",
	},
}

var (
	ghasCommittersDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_committers",
		"Active GitHub Advanced Security committers of the enterprise, each counted once (total_advanced_security_committers).")
	ghasPurchasedDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_committers_purchased",
		"Advanced Security committer seats purchased (purchased_advanced_security_committers).")
	ghasMaximumDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_committers_maximum",
		"Most Advanced Security committers the enterprise may have (maximum_advanced_security_committers).")
	ghasReposDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_repositories",
		"Repositories with Advanced Security committer information (total_count).")
)

func init() {
	registerCollector(advancedSecuritySpec, func(t *Source) (Collector, error) { return &advancedSecurityCollector{src: t}, nil })
}

// advancedSecurityCollector reads GET /enterprises/{e}/settings/billing/advanced-security.
type advancedSecurityCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*advancedSecurityCollector)(nil)

// advancedSecurityPage keeps only the enterprise totals: the per-repository
// breakdown lists committers by login and e-mail, which never become metrics.
type advancedSecurityPage struct {
	TotalCommitters     api.Number `json:"total_advanced_security_committers"`
	TotalCount          api.Number `json:"total_count"`
	MaximumCommitters   api.Number `json:"maximum_advanced_security_committers"`
	PurchasedCommitters api.Number `json:"purchased_advanced_security_committers"`
}

func (p *advancedSecurityPage) collect(target string, ch chan<- prometheus.Metric) {
	sendNumber(ch, ghasCommittersDesc, p.TotalCommitters, target)
	sendNumber(ch, ghasPurchasedDesc, p.PurchasedCommitters, target)
	sendNumber(ch, ghasMaximumDesc, p.MaximumCommitters, target)
	sendNumber(ch, ghasReposDesc, p.TotalCount, target)
}

// Update reads a single one-item page. The listing is paginated by
// repository, but every page repeats the enterprise-wide totals, so walking
// all pages would cost one request per 100 repositories and add nothing.
func (c *advancedSecurityCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var p advancedSecurityPage
	q := url.Values{"per_page": {"1"}, "page": {"1"}}
	if _, err := c.src.Client.GetJSON(ctx, c.src.enterprisePath("settings/billing/advanced-security"), q, &p); err != nil {
		return wrap("advanced security committers", err)
	}
	p.collect(c.src.Name(), ch)
	c.setSummary("%s of %s Advanced Security committers (maximum %s)", fmtNumber(p.TotalCommitters), fmtNumber(p.PurchasedCommitters), fmtNumber(p.MaximumCommitters))
	return nil
}
