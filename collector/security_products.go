package collector

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var securityProductsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "security_products", Types: []string{config.TypeGitHubServer}, Default: true, Interval: time.Hour},
	Endpoint:      "GET /enterprise/stats/security-products (Enterprise Server 3.17 and later)",
	Needs: Needs{
		Role:   "a site administrator (anyone else gets 404)",
		Scopes: "`read:enterprise` (OAuth tokens: `site_admin`)",
	},
}

var (
	ghesCommittersDesc = securityProductsSpec.gauge("github_enterprise_server_advanced_security_committers",
		"Active committers of a GitHub security product on the Enterprise Server instance (active_committers, code_security_active_committers, secret_protection_active_committers).",
		"product")
	ghesCommittersPurchasedDesc = securityProductsSpec.gauge("github_enterprise_server_advanced_security_committers_purchased",
		"Committer licenses of a GitHub security product in the Enterprise Server license (purchased_committers, code_security_licenses, secret_protection_licenses); 0 where the license has none.",
		"product")
	ghesFeatureReposDesc = securityProductsSpec.gauge("github_enterprise_server_security_feature_repositories",
		"Repositories with a security feature enabled (each *_enabled_repos field, named without the suffix); feature=\"total\" is total_repos.",
		"feature")
)

func init() {
	registerCollector(securityProductsSpec, func(t *Source) (Collector, error) { return &securityProductsCollector{src: t}, nil })
}

// securityProductsFrom is the first Enterprise Server release that serves
// GET /enterprise/stats/security-products ("Get security products
// statistics", docs.github.com/enterprise-server@3.17/rest/enterprise-admin/admin-stats).
var securityProductsFrom = serverVersion{3, 17}

// securityProductsCollector reads GET /enterprise/stats/security-products.
type securityProductsCollector struct {
	src *Source
	summaryHolder
	said sayOnce
}

var _ Collector = (*securityProductsCollector)(nil)

// securityProduct pairs a product label with its committer fields.
var securityProducts = []struct{ product, active, purchased string }{
	{"advanced_security", "active_committers", "purchased_committers"},
	{"code_security", "code_security_active_committers", "code_security_licenses"},
	{"secret_protection", "secret_protection_active_committers", "secret_protection_licenses"},
}

// securityStats is the answer, field by field (api.Number never fails, so an
// odd field is only left out): the feature counts are every *_enabled_repos
// field, so a feature GitHub adds shows up without a release.
type securityStats map[string]api.Number

func (c *securityProductsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var s securityStats
	resp, err := getAdminStats(ctx, c.src.Client, "/enterprise/stats/security-products", &s)
	if api.IsKind(err, api.KindNotFound) {
		if v, ok := versionOf(resp); ok && v.less(securityProductsFrom) {
			// Not a fault: the release predates the endpoint. Succeed with no
			// data so that the failing-collector alert stays quiet, and say
			// why on the status page and in check.
			c.said.Log("too old", level.Info(c.src.Logger), "msg", "Enterprise Server predates the security products statistics; security_products serves no data", "version", v)
			c.setSummary("not available: Enterprise Server %s predates GET /enterprise/stats/security-products (%s and later); upgrade, or remove security_products from collectors", v, securityProductsFrom)
			return nil
		}
	}
	if err != nil {
		return wrap("security products", err)
	}
	if s == nil {
		return errors.New("security products: the answer is null, not the documented object")
	}
	collectSecurityStats(c.src.Name(), s, ch)
	c.setSummary("%s of %s, %s of %s with Advanced Security",
		fmtNumber(s["active_committers"]), countNumber(s["purchased_committers"], "Advanced Security committer", "Advanced Security committers"),
		fmtNumber(s["advanced_security_enabled_repos"]), countNumber(s["total_repos"], "repository", "repositories"))
	return nil
}

func collectSecurityStats(target string, s securityStats, ch chan<- prometheus.Metric) {
	for _, p := range securityProducts {
		sendNumber(ch, ghesCommittersDesc, s[p.active], target, p.product)
		sendNumber(ch, ghesCommittersPurchasedDesc, s[p.purchased], target, p.product)
	}
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if feature, ok := strings.CutSuffix(k, "_enabled_repos"); ok && feature != "" {
			sendNumber(ch, ghesFeatureReposDesc, s[k], target, feature)
		}
	}
	sendNumber(ch, ghesFeatureReposDesc, s["total_repos"], target, "total")
}

// serverVersion is an Enterprise Server release, major.minor.
type serverVersion struct{ major, minor int }

func (v serverVersion) less(w serverVersion) bool {
	return v.major < w.major || v.major == w.major && v.minor < w.minor
}

func (v serverVersion) String() string { return fmt.Sprintf("%d.%d", v.major, v.minor) }

// versionHeader is the header with which every Enterprise Server REST answer
// names the release ("Version information", docs.github.com/enterprise-server@3.17/rest/enterprise-admin).
const versionHeader = "X-GitHub-Enterprise-Version"

// versionOf reads the release of the answer's header ("3.16.2" gives 3.16).
func versionOf(resp *api.Response) (serverVersion, bool) {
	if resp == nil {
		return serverVersion{}, false
	}
	return parseServerVersion(resp.Header.Get(versionHeader))
}

func parseServerVersion(s string) (serverVersion, bool) {
	parts := strings.SplitN(strings.TrimPrefix(strings.TrimSpace(s), "v"), ".", 3)
	if len(parts) < 2 {
		return serverVersion{}, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	if err1 != nil || err2 != nil || major < 0 || minor < 0 {
		return serverVersion{}, false
	}
	return serverVersion{major, minor}, true
}
