package collector

import (
	"context"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var serverLicenseSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "server_license", Types: []string{config.TypeGitHubServer}, Default: true, Interval: time.Hour},
	Endpoint:      "GET /enterprise/settings/license",
	Needs: Needs{
		Role:   "a site administrator (anyone else gets 404)",
		Scopes: "`read:enterprise` (OAuth tokens: `site_admin`)",
	},
}

var (
	serverSeatsDesc = serverLicenseSpec.gauge("github_enterprise_server_license_seats",
		"Seats the Enterprise Server license grants (seats); absent when the license gives a word such as unlimited.")
	serverSeatsUsedDesc = serverLicenseSpec.gauge("github_enterprise_server_license_seats_used",
		"Seats in use on the Enterprise Server instance (seats_used).")
	serverSeatsAvailableDesc = serverLicenseSpec.gauge("github_enterprise_server_license_seats_available",
		"Seats still free under the Enterprise Server license (seats_available).")
	serverSeatsUnlimitedDesc = serverLicenseSpec.gauge("github_enterprise_server_license_seats_unlimited",
		"1 when the Enterprise Server license gives seats as unlimited, 0 when it gives a number.")
	serverExpiryDesc = serverLicenseSpec.gauge("github_enterprise_server_license_expiry_timestamp_seconds",
		"When the Enterprise Server license expires (expire_at); absent when the license gives no date.")
	serverLicenseInfoDesc = serverLicenseSpec.gauge("github_enterprise_server_license_info",
		"The kind of Enterprise Server license; always 1.", "kind")
	serverInfoDesc = serverLicenseSpec.gauge("github_enterprise_server_info",
		"The Enterprise Server release, from the X-GitHub-Enterprise-Version header of the license answer (no extra request); always 1.", "version")
)

func init() {
	registerCollector(serverLicenseSpec, func(t *Source) (Collector, error) { return &serverLicenseCollector{src: t}, nil })
}

// serverLicenseCollector reads GET /enterprise/settings/license.
type serverLicenseCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*serverLicenseCollector)(nil)

// serverLicense is the answer of GET /enterprise/settings/license. Its
// days_until_expiration is not kept: it is expire_at minus now, which a
// query derives from the expiry timestamp without going stale in the cache.
type serverLicense struct {
	Seats          api.Number `json:"seats"`
	SeatsUsed      api.Number `json:"seats_used"`
	SeatsAvailable api.Number `json:"seats_available"`
	Kind           api.String `json:"kind"`
	ExpireAt       api.Time   `json:"expire_at"`
}

func (c *serverLicenseCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var l serverLicense
	resp, err := c.src.Client.GetJSON(ctx, "/enterprise/settings/license", nil, &l)
	if err != nil {
		return wrap("server license", err)
	}
	collectServerLicense(c.src.Name(), l, ch)
	// Every Enterprise Server answer names its release in a header; the
	// license answer carries it at no extra cost.
	if v := strings.TrimSpace(resp.Header.Get(versionHeader)); v != "" {
		ch <- sample(serverInfoDesc, 1, c.src.Name(), v)
	}
	expiry := "no expiry date"
	if l.ExpireAt.Valid {
		expiry = "expires " + l.ExpireAt.UTC().Format("2006-01-02")
	}
	c.setSummary("%s of %s used, %s", fmtNumber(l.SeatsUsed), countNumber(l.Seats, "seat", "seats"), expiry)
	return nil
}

func collectServerLicense(target string, l serverLicense, ch chan<- prometheus.Metric) {
	sendNumber(ch, serverSeatsDesc, l.Seats, target)
	sendNumber(ch, serverSeatsUsedDesc, l.SeatsUsed, target)
	sendNumber(ch, serverSeatsAvailableDesc, l.SeatsAvailable, target)
	switch {
	case l.Seats.Unlimited():
		ch <- sample(serverSeatsUnlimitedDesc, 1, target)
	case l.Seats.Valid:
		ch <- sample(serverSeatsUnlimitedDesc, 0, target)
	}
	// A license without a date must not read as one that expired in 1970.
	if l.ExpireAt.Valid {
		ch <- sample(serverExpiryDesc, l.ExpireAt.Unix(), target)
	}
	ch <- sample(serverLicenseInfoDesc, 1, target, lowerLabel(l.Kind))
}
