package collector

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var runnersSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "runners", Types: []string{config.TypeGitHub, config.TypeGitHubServer}, Default: true, NeedsEnterprise: true, Interval: 5 * time.Minute},
	Endpoint:      "GET /enterprises/{e}/actions/runners (paginated)",
	Needs: Needs{
		Role:   "an enterprise owner (on Enterprise Server, a site administrator)",
		Scopes: "`manage_runners:enterprise`",
	},
}

var runnersDesc = runnersSpec.gauge("github_enterprise_runners",
	"Self-hosted runners registered to the enterprise, by operating system, status and whether they run a job.",
	"os", "status", "busy")

func init() {
	registerCollector(runnersSpec, func(t *Source) (Collector, error) { return &runnersCollector{src: t}, nil })
}

// runnersCollector reads GET /enterprises/{e}/actions/runners.
type runnersCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*runnersCollector)(nil)

type runnersPage struct {
	TotalCount api.Number `json:"total_count"`
	Runners    []runner   `json:"runners"`
}

// Count implements api.Counted.
func (p *runnersPage) Count() (api.Number, int) { return p.TotalCount, len(p.Runners) }

type runner struct {
	OS     api.String `json:"os"`
	Status api.String `json:"status"`
	Busy   api.Bool   `json:"busy"`
}

// runnerKey is one series of github_enterprise_runners.
type runnerKey struct{ os, status, busy string }

// runnerTally counts runners by key; it keeps no runner, so memory stays
// flat however many pages there are.
type runnerTally struct {
	counts map[runnerKey]int
	total  int
	online int
	busy   int
}

func newRunnerTally() *runnerTally { return &runnerTally{counts: map[runnerKey]int{}} }

func (t *runnerTally) add(p *runnersPage) {
	for _, r := range p.Runners {
		k := runnerKey{os: lowerLabel(r.OS), status: lowerLabel(r.Status), busy: "false"}
		if r.Busy.True() {
			k.busy = "true"
			t.busy++
		}
		if k.status == "online" {
			t.online++
		}
		t.counts[k]++
		t.total++
	}
}

// merge adds another tally (one page's, kept for reuse on 304) without
// changing it.
func (t *runnerTally) merge(o *runnerTally) {
	for k, n := range o.counts {
		t.counts[k] += n
	}
	t.total += o.total
	t.online += o.online
	t.busy += o.busy
}

func (t *runnerTally) collect(target string, ch chan<- prometheus.Metric) {
	for k, n := range t.counts {
		ch <- sample(runnersDesc, float64(n), target, k.os, k.status, k.busy)
	}
}

func (c *runnersCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	tally := newRunnerTally()
	err := api.PaginateFold(ctx, c.src.Client, c.src.enterprisePath("actions/runners"), nil,
		func(p *runnersPage) *runnerTally {
			pt := newRunnerTally()
			pt.add(p)
			return pt
		},
		func(pt *runnerTally) error {
			tally.merge(pt)
			return nil
		})
	if err != nil {
		return wrap("self-hosted runners", err)
	}
	tally.collect(c.src.Name(), ch)
	c.setSummary("%s, %d online, %d busy", count(tally.total, "self-hosted runner", "self-hosted runners"), tally.online, tally.busy)
	return nil
}
