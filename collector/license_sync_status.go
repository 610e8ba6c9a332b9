package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var licenseSyncSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "license_sync_status", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint:      "GET /enterprises/{e}/license-sync-status",
	// GitHub's REST page lists fine-grained tokens with "Enterprise
	// administration" (read) and also says only classic tokens work; the
	// OpenAPI description (ghec.json) says GitHub Apps cannot call it.
	// docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/license
	Needs: Needs{
		Role:        "an enterprise owner",
		Scopes:      "`read:enterprise`",
		Unconfirmed: `the "Enterprise administration" (read) permission`,
	},
}

var (
	licenseSyncTimeDesc = licenseSyncSpec.gauge("github_enterprise_license_sync_timestamp_seconds",
		"Time of the last license sync of a connected Enterprise Server instance.", "server_id", "hostname")
	licenseSyncSuccessDesc = licenseSyncSpec.gauge("github_enterprise_license_sync_success",
		"1 when the last license sync of a connected Enterprise Server instance succeeded, else 0.", "server_id", "hostname")
	licenseSyncServersDesc = licenseSyncSpec.gauge("github_enterprise_license_sync_servers",
		"Enterprise Server instances connected for license sync.")
)

func init() {
	registerCollector(licenseSyncSpec, func(t *Source) (Collector, error) { return &licenseSyncCollector{src: t}, nil })
}

// licenseSyncCollector reads GET /enterprises/{e}/license-sync-status.
type licenseSyncCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*licenseSyncCollector)(nil)

type syncServer struct {
	ServerID api.String `json:"server_id"`
	Hostname api.String `json:"hostname"`
	LastSync struct {
		Date   api.Time   `json:"date"`
		Status api.String `json:"status"`
		Error  api.String `json:"error"`
	} `json:"last_sync"`
}

// syncServers is the answer of license-sync-status: the documented object
// and, leniently, a bare list of objects that each hold server_instances.
type syncServers []syncServer

// UnmarshalJSON implements json.Unmarshaler.
func (s *syncServers) UnmarshalJSON(b []byte) error {
	type status struct {
		ServerInstances []syncServer `json:"server_instances"`
	}
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '[' {
		var list []status
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		var out syncServers
		for _, l := range list {
			out = append(out, l.ServerInstances...)
		}
		*s = out
		return nil
	}
	var st status
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	*s = st.ServerInstances
	return nil
}

func (c *licenseSyncCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var servers syncServers
	if _, err := c.src.Client.GetJSON(ctx, c.src.enterprisePath("license-sync-status"), nil, &servers); err != nil {
		return wrap("license sync status", err)
	}
	failed := collectLicenseSync(c.src.Name(), servers, ch)
	c.setSummary("%s, %d with a failed last sync", count(len(servers), "connected server", "connected servers"), failed)
	return nil
}

func collectLicenseSync(target string, servers []syncServer, ch chan<- prometheus.Metric) (failed int) {
	ch <- sample(licenseSyncServersDesc, float64(len(servers)), target)
	seen := map[[2]string]bool{}
	for _, s := range servers {
		id, host := string(s.ServerID), string(s.Hostname)
		if seen[[2]string{id, host}] {
			continue // a repeated entry would make the scrape fail
		}
		seen[[2]string{id, host}] = true
		ok := 0.0
		if strings.EqualFold(strings.TrimSpace(string(s.LastSync.Status)), "success") {
			ok = 1
		} else {
			failed++
		}
		ch <- sample(licenseSyncSuccessDesc, ok, target, id, host)
		// A server that never synced has no date: leave the timestamp out
		// rather than export 1970, which would look like a sync long ago.
		if s.LastSync.Date.Valid {
			ch <- sample(licenseSyncTimeDesc, s.LastSync.Date.Unix(), target, id, host)
		}
	}
	return failed
}
