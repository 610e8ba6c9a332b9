package collector

import (
	"context"
	"encoding/json"
	"hash/maphash"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// copilotUserCreditsSpec: how the AI credits of the last 28 days spread over
// users, from the users' 28-day usage metrics report. Off by default: it
// downloads per-user data, though it keeps nothing per user.
var copilotUserCreditsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "copilot_user_credits", Types: []string{config.TypeGitHub}, NeedsEnterprise: true, Interval: copilotReportEvery},
	Endpoint:      "GET /enterprises/{e}/copilot/metrics/reports/users-28-day/latest, then each of its download_links (signed URLs on another host, fetched with no credential); at most once a day",
	Needs:         copilotUsageSpec.Needs,
}

// copilotUserCreditsMaxBytes caps the users report's files together: a
// record per user and day, a few kilobytes each.
const copilotUserCreditsMaxBytes = 2 << 30

// userCreditBuckets are the histogram's upper bounds in AI credits; 1,900
// and 3,900 are a Business and an Enterprise license's monthly share.
var userCreditBuckets = []float64{50, 100, 250, 500, 1000, 1900, 3900, 7500, 15000, 30000}

var copilotUserCreditsDesc = copilotUserCreditsSpec.histogram("github_enterprise_copilot_user_ai_credits",
	"How the AI credits used over the 28 days of the latest Copilot users report spread over users (ai_credits_used summed per user; users whose records carry no ai_credits_used are not counted). A snapshot rebuilt from each day's report, not a counter: do not rate() it.")

func init() {
	registerCollector(copilotUserCreditsSpec, func(t *Source) (Collector, error) {
		return &copilotUserCreditsCollector{src: t, now: time.Now}, nil
	})
}

// copilotUserCreditsCollector keeps only the histogram between reads.
type copilotUserCreditsCollector struct {
	src *Source
	now func() time.Time
	summaryHolder

	report dailyReport[creditSpread]
}

var _ Collector = (*copilotUserCreditsCollector)(nil)

type userCreditRecord struct {
	UserID  api.String `json:"user_id"`
	Login   api.String `json:"user_login"`
	Credits api.Number `json:"ai_credits_used"`
}

// creditSpread is the histogram. While a report is read, users maps a hash
// of each user's id (or login) to their credits so far; it is dropped once
// the histogram is built.
type creditSpread struct {
	users   map[uint64]float64
	count   uint64
	sum     float64
	buckets map[float64]uint64
	records int
	skipped int
}

var userKeySeed = maphash.MakeSeed()

func (s *creditSpread) add(raw json.RawMessage) bool {
	var r userCreditRecord
	if json.Unmarshal(raw, &r) != nil {
		return false
	}
	s.records++
	if !r.Credits.Valid || r.Credits.Value < 0 {
		return true // a record without the field is not a bad record
	}
	key := "id:" + strings.TrimSpace(string(r.UserID))
	if key == "id:" {
		key = "login:" + strings.ToLower(strings.TrimSpace(string(r.Login)))
	}
	if key == "login:" {
		return false // nobody to add the credits to
	}
	s.users[maphash.String(userKeySeed, key)] += r.Credits.Value
	return true
}

// build turns the per-user sums into the histogram and forgets the users.
func (s *creditSpread) build() {
	s.buckets = map[float64]uint64{}
	for _, b := range userCreditBuckets {
		s.buckets[b] = 0 // every bound, so that the buckets are the same each day
	}
	for _, v := range s.users {
		s.count++
		s.sum += v
		for _, b := range userCreditBuckets {
			if v <= b {
				s.buckets[b]++
			}
		}
	}
	s.users = nil
}

func (c *copilotUserCreditsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	if now := c.now(); c.report.due(now) {
		var spread *creditSpread
		_, skipped, err := readCopilotReport(ctx, c.src, "copilot/metrics/reports/users-28-day/latest", copilotUserCreditsMaxBytes,
			func() { spread = &creditSpread{users: map[uint64]float64{}} }, func(raw json.RawMessage) bool { return spread.add(raw) })
		if err == nil {
			spread.build()
			spread.skipped = skipped
		}
		if err := c.report.settle(now, spread, err); err != nil {
			return wrap("copilot users report", err)
		}
	}
	if c.report.unavailable(&c.summaryHolder) {
		return nil
	}
	next := c.report.next()
	s := c.report.last
	if s.count == 0 {
		// No record carried ai_credits_used: nothing was read, so nothing is
		// exported (an empty histogram would read as "nobody used any").
		c.setSummary("no record of the users report carries ai_credits_used (%d records, %d skipped); read again after %s", s.records, s.skipped, next)
		return nil
	}
	ch <- prometheus.MustNewConstHistogram(copilotUserCreditsDesc.desc, s.count, s.sum, s.buckets, c.src.Name())
	c.setSummary("%s over %s in the last 28 days, %d records skipped; read again after %s", countFloat(s.sum, "AI credit", "AI credits"), count(int(s.count), "user", "users"), s.skipped, next)
	return nil
}
