package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/license-exporter/license_exporter/collector"
)

// groupByCause keeps the statuses in order but puts together those of one
// target whose key is the same and not empty (one cause, such as a rejected
// token, failing several collectors), at the place of the first of them:
// check and the status page then say that cause once, naming every
// collector it stops.
func groupByCause(sts []collector.Status, key func(collector.Status) string) [][]collector.Status {
	var out [][]collector.Status
	at := map[string]int{}
	for _, s := range sts {
		if k := key(s); k != "" {
			k = s.Target + "\x00" + k
			if i, ok := at[k]; ok {
				out[i] = append(out[i], s)
				continue
			}
			at[k] = len(out)
		}
		out = append(out, []collector.Status{s})
	}
	return out
}

// failingCause is the status page's grouping key: the fix and the API's
// message of a failed refresh.
func failingCause(s collector.Status) string {
	if s.LastAttempt.IsZero() || s.Succeeded() {
		return ""
	}
	return s.Fix + "\x00" + s.APIMessage
}

func collectorNames(g []collector.Status) string {
	names := make([]string, len(g))
	for i, s := range g {
		names[i] = s.Collector
	}
	return strings.Join(names, ", ")
}

// describeGroup is one row for collectors that fail for one cause. The
// times shown are those of the collector whose data is oldest: the one that
// goes stale first.
func describeGroup(g []collector.Status, now time.Time) collectorView {
	if len(g) == 1 {
		return describeCollector(g[0], now)
	}
	oldest := slices.MinFunc(g, func(a, b collector.Status) int { return a.LastSuccess.Compare(b.LastSuccess) })
	v := describeCollector(oldest, now)
	v.Name = collectorNames(g)
	var intervals []string
	same := true
	for _, s := range g {
		if iv := shortDuration(s.Interval); !slices.Contains(intervals, iv) {
			intervals = append(intervals, iv)
		}
		same = same && s.LastSuccess.Equal(oldest.LastSuccess)
	}
	v.Interval = strings.Join(intervals, ", ")
	v.State = fmt.Sprintf("FAILING (%d collectors, one cause)", len(g))
	v.Summary = ""
	if !same {
		v.LastSuccess += ", the oldest of these"
	}
	return v
}
