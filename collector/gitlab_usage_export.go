package collector

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Reading the export is not free of side effects: since GitLab MR 185792
// (https://gitlab.com/gitlab-org/gitlab/-/merge_requests/185792) GET
// /license/usage_export.csv sets license_usage_data_exported, which lets the
// reminder to send usage data on an offline cloud license be dismissed as if
// it had been sent. Hence off by default, and read at most once a day.
var gitlabUsageExportSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "gitlab_usage_export", Types: []string{config.TypeGitLab}, Interval: usageExportEvery},
	Endpoint:      "GET /api/v4/license/usage_export.csv (at most once a day; marks the usage data as exported)",
	Needs:         gitlabLicenseSpec.Needs,
}

// usageExportEvery is how rarely the export is read, whatever refresh_interval says.
const usageExportEvery = 24 * time.Hour

var (
	glBillableDesc = gitlabUsageExportSpec.gauge("gitlab_license_billable_users",
		"Billable users in the latest row of the license usage export (usage_export.csv); read at most once a day.")
	glBillableTimeDesc = gitlabUsageExportSpec.gauge("gitlab_license_billable_users_timestamp_seconds",
		"When GitLab recorded the latest billable user count of the usage export.")
)

func init() {
	registerCollector(gitlabUsageExportSpec, func(t *Source) (Collector, error) {
		return &gitlabUsageExportCollector{src: t, now: time.Now}, nil
	})
}

// gitlabUsageExportCollector reads GET /license/usage_export.csv once a day
// and serves the same row in between.
type gitlabUsageExportCollector struct {
	src *Source
	now func() time.Time
	summaryHolder

	// fetched lives in memory only: a restart, and each `check`, read the
	// export again (README).
	fetched       time.Time // zero until the first read
	row           billableRow
	hasRow        bool
	toldCommunity bool
}

var _ Collector = (*gitlabUsageExportCollector)(nil)

func (c *gitlabUsageExportCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	if now := c.now(); c.fetched.IsZero() || now.Sub(c.fetched) >= usageExportEvery {
		b, _, err := c.src.Client.GetBytes(ctx, "/license/usage_export.csv", nil)
		if summary, ok := communityEdition(ctx, c.src, err, &c.toldCommunity, "gitlab_usage_export", "the license usage export (/license/usage_export.csv)"); ok {
			c.setSummary("%s", summary)
			return nil
		}
		if err != nil {
			return wrap("gitlab license usage export", err)
		}
		row, ok, err := parseUsageExport(b)
		if err != nil {
			return fmt.Errorf("gitlab license usage export: not readable as CSV: %w", err)
		}
		if !ok {
			level.Debug(c.src.Logger).Log("msg", "the license usage export has no billable user rows")
		}
		c.fetched, c.row, c.hasRow = now, row, ok
	}
	target := c.src.Name()
	next := c.fetched.Add(usageExportEvery).UTC().Format(time.RFC3339)
	if !c.hasRow {
		c.setSummary("the usage export has no billable user rows; read again after %s", next)
		return nil
	}
	ch <- sample(glBillableDesc, c.row.Users, target)
	if !c.row.At.IsZero() {
		ch <- sample(glBillableTimeDesc, float64(c.row.At.Unix()), target)
	}
	c.setSummary("%s in the usage export; read again after %s", countFloat(c.row.Users, "billable user", "billable users"), next)
	return nil
}

// billableRow is one row of the usage export's "Date,Billable User Count"
// section: the billable users GitLab recorded at a time.
type billableRow struct {
	At    time.Time // zero when the date did not parse
	Users float64
}

// parseUsageExport returns the latest row of the billable-user section of
// GET /license/usage_export.csv, and false when the export has none. The
// export is a stack of sections, not one table: key/value lines about the
// license (whose key may span lines inside quotes), a blank separator, then
// the dated counts. The latest row is the one with the latest date; rows
// whose dates do not parse count in file order.
func parseUsageExport(b []byte) (billableRow, bool, error) {
	row, ok, err := scanUsageExport(b)
	if ok {
		return row, ok, nil
	}
	// A stray quote in the header lines can swallow the rest of the file
	// into one field: read again from the count section's heading.
	if i := countSection.FindIndex(b); i != nil && i[0] > 0 {
		if row, ok, _ := scanUsageExport(b[i[0]:]); ok {
			return row, ok, nil
		}
	}
	return row, ok, err
}

var countSection = regexp.MustCompile(`(?im)^"?date"?\s*,\s*"?billable`)

func scanUsageExport(b []byte) (billableRow, bool, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true
	var (
		best     billableRow
		found    bool
		inCounts bool
	)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Keep what was read: a damaged tail should not hide the rows before it.
			if found {
				break
			}
			return billableRow{}, false, err
		}
		if len(rec) < 2 {
			continue
		}
		first := strings.TrimSpace(rec[0])
		if strings.EqualFold(first, "Date") && strings.Contains(strings.ToLower(rec[1]), "billable") {
			inCounts = true
			continue
		}
		if !inCounts {
			continue
		}
		users, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil || users < 0 || math.IsNaN(users) || math.IsInf(users, 0) {
			continue
		}
		at, _ := api.ParseTime(first)
		if !found || !at.Before(best.At) {
			best, found = billableRow{At: at, Users: users}, true
		}
	}
	return best, found, nil
}
