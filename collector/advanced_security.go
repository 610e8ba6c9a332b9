package collector

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Enterprises on the standalone GitHub Code Security and Secret Protection
// products must name one with advanced_security_product; for the bundled
// Advanced Security plan the parameter "cannot be used" (OpenAPI parameter
// advanced_security_product of
// https://docs.github.com/en/enterprise-cloud@latest/rest/billing/enhanced-billing#get-github-advanced-security-active-committers-for-an-enterprise).
var advancedSecuritySpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "advanced_security", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint: "GET /enterprises/{e}/settings/billing/advanced-security?per_page=1 (one request: every page repeats the enterprise totals); " +
		"on the standalone products, once with advanced_security_product=code_security and once with secret_protection",
	Needs: Needs{
		Role:   "an enterprise owner or billing manager",
		Scopes: "`manage_billing:enterprise`",
	},
}

var (
	ghasCommittersDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_committers",
		"Active committers of an Advanced Security product (advanced_security for the bundled plan, code_security, secret_protection), each counted once (total_advanced_security_committers).", "product")
	ghasPurchasedDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_committers_purchased",
		"Committer licenses purchased for an Advanced Security product (purchased_advanced_security_committers).", "product")
	ghasMaximumDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_committers_maximum",
		"Licenses an Advanced Security product would need if every repository enabled it (maximum_advanced_security_committers).", "product")
	ghasReposDesc = advancedSecuritySpec.gauge("github_enterprise_advanced_security_repositories",
		"Repositories with committer information for an Advanced Security product (total_count).", "product")
)

// The product label's values; the standalone ones are also the values of
// advanced_security_product.
const (
	ghasBundled = "advanced_security"
	ghasCode    = "code_security"
	ghasSecret  = "secret_protection"
)

var ghasStandalone = []string{ghasCode, ghasSecret}

func init() {
	registerCollector(advancedSecuritySpec, func(t *Source) (Collector, error) { return &advancedSecurityCollector{src: t, now: time.Now}, nil })
}

// advancedSecurityCollector reads GET /enterprises/{e}/settings/billing/advanced-security.
// It remembers which plan the enterprise has, so that a standalone
// enterprise is not sent the bare call (which fails) on every refresh.
type advancedSecurityCollector struct {
	src *Source
	now func() time.Time
	summaryHolder
	// products are those that answered last time; nil: not known yet.
	products []string
	// probed is when the plan was last found out with the bare call.
	probed time.Time
}

// planReprobe is how often a remembered plan is checked with the bare call:
// an enterprise that moves between the bundled and the standalone products
// is then read right within a day, for one refused call a day at most.
const planReprobe = 24 * time.Hour

var _ Collector = (*advancedSecurityCollector)(nil)

// advancedSecurityPage keeps only the enterprise totals: the per-repository
// breakdown lists committers by login and e-mail, which never become metrics.
type advancedSecurityPage struct {
	TotalCommitters     api.Number `json:"total_advanced_security_committers"`
	TotalCount          api.Number `json:"total_count"`
	MaximumCommitters   api.Number `json:"maximum_advanced_security_committers"`
	PurchasedCommitters api.Number `json:"purchased_advanced_security_committers"`
}

func (p *advancedSecurityPage) collect(target, product string, ch chan<- prometheus.Metric) {
	sendNumber(ch, ghasCommittersDesc, p.TotalCommitters, target, product)
	sendNumber(ch, ghasPurchasedDesc, p.PurchasedCommitters, target, product)
	sendNumber(ch, ghasMaximumDesc, p.MaximumCommitters, target, product)
	sendNumber(ch, ghasReposDesc, p.TotalCount, target, product)
}

// get reads a single one-item page. The listing is paginated by repository,
// but every page repeats the enterprise-wide totals, so walking all pages
// would cost one request per 100 repositories and add nothing.
func (c *advancedSecurityCollector) get(ctx context.Context, product string) (*advancedSecurityPage, error) {
	var p advancedSecurityPage
	q := url.Values{"per_page": {"1"}, "page": {"1"}}
	if product != ghasBundled {
		q.Set("advanced_security_product", product)
	}
	if _, err := c.src.Client.GetJSON(ctx, c.src.enterprisePath("settings/billing/advanced-security"), q, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// rejected is GitHub's answer to a call that does not fit the plan: 400 or
// 422 (the bare call on a standalone plan, the parameter on the bundled one),
// or 404 for a standalone product the enterprise does not have.
func rejected(err error) bool {
	return api.IsKind(err, api.KindClient) || api.IsKind(err, api.KindNotFound)
}

func (c *advancedSecurityCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	known := c.products
	if known != nil && c.now().Sub(c.probed) >= planReprobe {
		known = nil
	}
	products := known
	if products == nil {
		products = []string{ghasBundled}
	}
	pages, err := c.read(ctx, products)
	if err != nil && known == nil && api.IsKind(err, api.KindClient) {
		// The bare call is refused: a standalone plan. Ask both products
		// once and remember those that answer.
		level.Info(c.src.Logger).Log("msg", "the bare Advanced Security call was refused; reading the standalone Code Security and Secret Protection products", "err", err)
		pages, err = c.read(ctx, ghasStandalone)
	}
	if err != nil {
		if rejected(err) {
			c.products = nil // the plan may have changed: ask the bare call again next time
		}
		// Anything else (a 5xx, a timeout) says nothing of the plan.
		return wrap("advanced security committers", err)
	}
	if known == nil {
		c.probed = c.now()
	}
	c.products = nil
	var parts []string
	for _, product := range []string{ghasBundled, ghasCode, ghasSecret} {
		p := pages[product]
		if p == nil {
			continue
		}
		c.products = append(c.products, product)
		p.collect(c.src.Name(), product, ch)
		parts = append(parts, fmt.Sprintf("%s: %s of %s (maximum %s)", product, fmtNumber(p.TotalCommitters), countNumber(p.PurchasedCommitters, "committer", "committers"), fmtNumber(p.MaximumCommitters)))
	}
	c.setSummary("%s", strings.Join(parts, "; "))
	return nil
}

// read asks for each product's totals. A product GitHub refuses (400, 422,
// 404) is skipped when another answers; when none answers, the first
// refusal is the error. Any other failure fails the refresh.
func (c *advancedSecurityCollector) read(ctx context.Context, products []string) (map[string]*advancedSecurityPage, error) {
	out := map[string]*advancedSecurityPage{}
	var refused error
	for _, product := range products {
		p, err := c.get(ctx, product)
		switch {
		case err == nil:
			out[product] = p
		case rejected(err) && refused == nil:
			refused = err
		case !rejected(err):
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, refused
	}
	return out, nil
}
