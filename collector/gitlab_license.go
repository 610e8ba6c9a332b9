package collector

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var gitlabLicenseSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "gitlab_license", Types: []string{config.TypeGitLab}, Default: true, Interval: time.Hour},
	Endpoint:      "GET /api/v4/license, /licenses (and /version once, after a 404)",
	Needs: Needs{
		Role:   "an administrator (where Admin Mode is on, the token also needs `admin_mode`)",
		Scopes: "`read_api` (or `api`), sent as PRIVATE-TOKEN",
	},
}

// maxGitLabLicenses bounds the per-license series: the most recent ones
// (highest id) are kept, which include any renewal uploaded in advance.
const maxGitLabLicenses = 20

var (
	glUserLimitDesc = gitlabLicenseSpec.gauge("gitlab_license_user_limit",
		"Users the current GitLab license is for (user_limit); 0 means the license sets no limit.")
	glActiveUsersDesc = gitlabLicenseSpec.gauge("gitlab_license_active_users",
		"Billable users counted against the current GitLab license (active_users).")
	glOverageDesc = gitlabLicenseSpec.gauge("gitlab_license_overage_users",
		"Users beyond the current GitLab license's limit (overage).")
	glHistoricalMaxDesc = gitlabLicenseSpec.gauge("gitlab_license_historical_max_users",
		"Highest number of billable users since the current GitLab license started (historical_max).")
	glMaximumUsersDesc = gitlabLicenseSpec.gauge("gitlab_license_maximum_users",
		"Maximum user count of the current GitLab license (maximum_user_count).")
	glExpiredDesc = gitlabLicenseSpec.gauge("gitlab_license_expired",
		"1 when the current GitLab license has expired, else 0 (expired).")
	glExpiryDesc = gitlabLicenseSpec.gauge("gitlab_license_expiry_timestamp_seconds",
		"When the current GitLab license expires (expires_at); absent when it never expires.")
	glStartDesc = gitlabLicenseSpec.gauge("gitlab_license_start_timestamp_seconds",
		"When the current GitLab license starts (starts_at).")
	glInfoDesc = gitlabLicenseSpec.gauge("gitlab_license_info",
		"The current GitLab license; always 1.", "id", "plan")
	glAddOnDesc = gitlabLicenseSpec.gauge("gitlab_license_add_on",
		"Count of each add-on of the current GitLab license (add_ons), e.g. GitLab_Auditor_User.", "name")
	glLicensesDesc = gitlabLicenseSpec.gauge("gitlab_licenses",
		"Licenses uploaded to the GitLab instance (GET /licenses), current, past and future.")
	glLicensesUserLimitDesc = gitlabLicenseSpec.gauge("gitlab_licenses_user_limit",
		"Users each uploaded GitLab license is for; 0 means no limit. Only the most recent licenses.", "id", "plan")
	glLicensesExpiryDesc = gitlabLicenseSpec.gauge("gitlab_licenses_expiry_timestamp_seconds",
		"When each uploaded GitLab license expires; absent for one that never expires. Only the most recent licenses.", "id", "plan")
	glLicensesStartDesc = gitlabLicenseSpec.gauge("gitlab_licenses_start_timestamp_seconds",
		"When each uploaded GitLab license starts. Only the most recent licenses.", "id", "plan")
)

func init() {
	registerCollector(gitlabLicenseSpec, func(t *Source) (Collector, error) { return &gitlabLicenseCollector{src: t}, nil })
}

// gitlabLicenseCollector reads GET /license, /licenses and
// /license/usage_export.csv under /api/v4.
type gitlabLicenseCollector struct {
	src *Source
	summaryHolder
	toldNoLicenseAPI bool
}

var _ Collector = (*gitlabLicenseCollector)(nil)

type gitlabLicense struct {
	ID            api.String `json:"id"`
	Plan          api.String `json:"plan"`
	StartsAt      api.Time   `json:"starts_at"`
	ExpiresAt     api.Time   `json:"expires_at"`
	HistoricalMax api.Number `json:"historical_max"`
	MaximumUsers  api.Number `json:"maximum_user_count"`
	Expired       api.Bool   `json:"expired"`
	Overage       api.Number `json:"overage"`
	UserLimit     api.Number `json:"user_limit"`
	ActiveUsers   api.Number `json:"active_users"`
	// AddOns maps add-on names to counts; a license without add-ons may give
	// [] or null instead of {}, which api.Numbers decodes to nil.
	AddOns api.Numbers `json:"add_ons"`
}

func (c *gitlabLicenseCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	// GitLab answers null when no license is installed: current stays nil.
	var current *gitlabLicense
	_, err := c.src.Client.GetJSON(ctx, "/license", nil, &current)
	if summary, ok := communityEdition(ctx, c.src, err, &c.toldNoLicenseAPI, "gitlab_license", "the license API (/license)"); ok {
		c.setSummary("%s", summary)
		return nil
	}
	if err != nil {
		return wrap("gitlab license", err)
	}
	var all []gitlabLicense
	if _, err := c.src.Client.GetJSON(ctx, "/licenses", nil, &all); err != nil {
		return wrap("gitlab licenses", err)
	}
	target := c.src.Name()
	if current != nil {
		collectGitLabLicense(target, current, ch)
	}
	collectGitLabLicenses(target, all, ch)
	c.setSummary("%s", gitlabSummary(current, len(all)))
	return nil
}

func collectGitLabLicense(target string, l *gitlabLicense, ch chan<- prometheus.Metric) {
	sendNumber(ch, glUserLimitDesc, l.UserLimit, target)
	sendNumber(ch, glActiveUsersDesc, l.ActiveUsers, target)
	sendNumber(ch, glOverageDesc, l.Overage, target)
	sendNumber(ch, glHistoricalMaxDesc, l.HistoricalMax, target)
	sendNumber(ch, glMaximumUsersDesc, l.MaximumUsers, target)
	if l.Expired.Valid {
		ch <- sample(glExpiredDesc, boolValue(l.Expired.Value), target)
	}
	// A license that never expires has expires_at null: leave the series
	// out, since a 0 would look like an expiry in 1970 to every alert.
	if l.ExpiresAt.Valid {
		ch <- sample(glExpiryDesc, l.ExpiresAt.Unix(), target)
	}
	if l.StartsAt.Valid {
		ch <- sample(glStartDesc, l.StartsAt.Unix(), target)
	}
	ch <- sample(glInfoDesc, 1, target, idOf(l.ID), lowerLabel(l.Plan))
	addOns := l.AddOns
	seen := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(addOns)) {
		name := strings.TrimSpace(key)
		if name == "" || seen[name] {
			continue // a repeated name would make the scrape fail
		}
		seen[name] = true
		sendNumber(ch, glAddOnDesc, addOns[key], target, name)
	}
}

func collectGitLabLicenses(target string, all []gitlabLicense, ch chan<- prometheus.Metric) {
	ch <- sample(glLicensesDesc, float64(len(all)), target)
	recent := append([]gitlabLicense(nil), all...)
	sort.SliceStable(recent, func(i, j int) bool { return idLess(recent[j].ID, recent[i].ID) })
	seen := map[string]bool{}
	for _, l := range recent {
		id := idOf(l.ID)
		if seen[id] || len(seen) >= maxGitLabLicenses {
			continue // a repeated id would make the scrape fail
		}
		seen[id] = true
		plan := lowerLabel(l.Plan)
		sendNumber(ch, glLicensesUserLimitDesc, l.UserLimit, target, id, plan)
		if l.ExpiresAt.Valid {
			ch <- sample(glLicensesExpiryDesc, l.ExpiresAt.Unix(), target, id, plan)
		}
		if l.StartsAt.Valid {
			ch <- sample(glLicensesStartDesc, l.StartsAt.Unix(), target, id, plan)
		}
	}
}

// idLess orders license ids numerically where they are numbers.
func idLess(x, y api.String) bool {
	a, b := idOf(x), idOf(y)
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// idOf writes a numeric id as an integer, whether it came as 7 or 7.0.
func idOf(id api.String) string {
	s := strings.TrimSpace(string(id))
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return s
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func gitlabSummary(l *gitlabLicense, n int) string {
	if l == nil {
		return fmt.Sprintf("no current license, %d uploaded", n)
	}
	expiry := "never expires"
	if l.ExpiresAt.Valid {
		expiry = "expires " + l.ExpiresAt.UTC().Format("2006-01-02")
	}
	return fmt.Sprintf("%s plan, %s of %s, %s", lowerLabel(l.Plan), fmtNumber(l.ActiveUsers), countNumber(l.UserLimit, "user", "users"), expiry)
}
