package collector

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// copilotUsageSpec: GitHub's own active-user counts from the enterprise's
// 28-day Copilot usage metrics report. Its definition of active includes
// activity the per-user fields do not show (server-side, CLI); the exporter
// invents none of its own.
var copilotUsageSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "copilot_usage", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: copilotReportEvery},
	Endpoint:      "GET /enterprises/{e}/copilot/metrics/reports/enterprise-28-day/latest, then each of its download_links (signed URLs on another host, fetched with no credential); at most once a day",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager, or a user with the fine-grained permission \"View Enterprise Copilot Metrics\"; the enterprise's \"Copilot usage metrics\" policy must be enabled",
		Scopes:     "`manage_billing:copilot` or `read:enterprise`",
		Permission: "the enterprise permission \"Enterprise Copilot metrics\" (read)",
	},
}

// copilotUsageMaxBytes caps the enterprise report's files together: 28 days
// of totals are a few hundred kilobytes.
const copilotUsageMaxBytes = 64 << 20

var (
	copilotActiveDesc = copilotUsageSpec.gauge("github_enterprise_copilot_users_active",
		"Copilot users active as GitHub counts them, on the latest day of its 28-day usage metrics report: daily_active_users (window day), weekly_active_users (week), monthly_active_users (month). GitHub's definition includes server-side and CLI activity; read at most once a day.", "window")
	copilotReportEndDesc = copilotUsageSpec.gauge("github_enterprise_copilot_usage_report_end_timestamp_seconds",
		"The last day the latest Copilot usage metrics report covers (report_end_day), as 00:00 UTC of that day; GitHub makes a day's data available within two full UTC days.")
	copilotReportSkippedDesc = copilotUsageSpec.gauge("github_enterprise_copilot_usage_report_records_skipped",
		"Records of the latest Copilot usage metrics report that could not be read and were left out of the counts.")
)

func init() {
	registerCollector(copilotUsageSpec, func(t *Source) (Collector, error) {
		return &copilotUsageCollector{src: t, now: time.Now, maxBytes: copilotUsageMaxBytes}, nil
	})
}

// copilotUsageCollector reads the enterprise's latest 28-day report once a
// day and serves the same figures in between.
type copilotUsageCollector struct {
	src *Source
	now func() time.Time
	summaryHolder

	report   dailyReport[activeUsers]
	maxBytes int64
}

var _ Collector = (*copilotUsageCollector)(nil)

// usageDayTotal is one day of the enterprise report. A record is either a
// day itself (the 1-day reports) or carries them in day_totals.
type usageDayTotal struct {
	Day     api.String `json:"day"`
	Entity  api.String `json:"enterprise_id"`
	Daily   api.Number `json:"daily_active_users"`
	Weekly  api.Number `json:"weekly_active_users"`
	Monthly api.Number `json:"monthly_active_users"`
}

type usageRecord struct {
	usageDayTotal
	DayTotals api.List[usageDayTotal] `json:"day_totals"`
	End       api.String              `json:"report_end_day"`
}

// activeUsers keeps the counts of the latest day seen, per enterprise_id: a
// file repeated across parts counts once; several enterprises add up.
type activeUsers struct {
	day      time.Time
	byEntity map[string][3]api.Number
	end      time.Time
	records  int
	skipped  int
}

func newActiveUsers() *activeUsers { return &activeUsers{byEntity: map[string][3]api.Number{}} }

// add folds one record; false when it holds no day that can be read.
func (a *activeUsers) add(raw json.RawMessage) bool {
	var r usageRecord
	if json.Unmarshal(raw, &r) != nil {
		return false
	}
	days := r.DayTotals.Items
	if len(days) == 0 && strings.TrimSpace(string(r.Day)) != "" {
		days = []usageDayTotal{r.usageDayTotal}
	}
	if end, ok := parseDay(r.End); ok && end.After(a.end) {
		a.end = end
	}
	read := false
	for _, d := range days {
		day, ok := parseDay(d.Day)
		if !ok {
			continue
		}
		read = true
		entity := strings.TrimSpace(string(d.Entity))
		if entity == "" {
			entity = strings.TrimSpace(string(r.Entity))
		}
		switch {
		case day.After(a.day):
			a.day, a.byEntity = day, map[string][3]api.Number{}
			fallthrough
		case day.Equal(a.day):
			a.byEntity[entity] = [3]api.Number{d.Daily, d.Weekly, d.Monthly}
		}
	}
	if read {
		a.records++
	}
	return read
}

var activeWindows = [3]string{"day", "week", "month"}

func (a *activeUsers) collect(target string, ch chan<- prometheus.Metric) {
	if !a.day.IsZero() {
		for i, w := range activeWindows {
			var s sum
			for _, n := range a.byEntity {
				s.add(n[i])
			}
			s.send(ch, copilotActiveDesc, target, w)
		}
	}
	if !a.end.IsZero() {
		ch <- sample(copilotReportEndDesc, float64(a.end.Unix()), target)
	}
	ch <- sample(copilotReportSkippedDesc, float64(a.skipped), target)
}

func (c *copilotUsageCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	if now := c.now(); c.report.due(now) {
		var tally *activeUsers
		links, skipped, err := readCopilotReport(ctx, c.src, "copilot/metrics/reports/enterprise-28-day/latest", c.maxBytes,
			func() { tally = newActiveUsers() }, func(raw json.RawMessage) bool { return tally.add(raw) })
		if err == nil {
			tally.skipped = skipped
			if end, ok := parseDay(links.End); ok && end.After(tally.end) {
				tally.end = end
			}
		}
		if err := c.report.settle(now, tally, err); err != nil {
			return wrap("copilot usage report", err)
		}
	}
	if c.report.unavailable(&c.summaryHolder) {
		return nil
	}
	next := c.report.next()
	a := c.report.last
	a.collect(c.src.Name(), ch)
	if a.day.IsZero() {
		c.setSummary("the report holds no day that could be read (%d records skipped); read again after %s", a.skipped, next)
		return nil
	}
	var daily sum
	for _, n := range a.byEntity {
		daily.add(n[0])
	}
	c.setSummary("%s on %s, the report's latest day; %d records read, %d skipped; read again after %s",
		countFloat(daily.value, "active Copilot user", "active Copilot users"), a.day.Format(time.DateOnly), a.records, a.skipped, next)
	return nil
}
