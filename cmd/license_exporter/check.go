package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/go-kit/log"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/text"
)

// Exit statuses of the check command.
const (
	checkOK        = 0
	checkFailed    = 1 // a collector failed
	checkBadConfig = 2 // the configuration does not load
)

// runCheck runs every configured collector once and prints a table per
// target: OK with the collector's key figures, or FAIL with the fix in one
// line. Nothing it prints comes from a token: the figures are counts and the
// fixes are built from API error kinds and hints.
func runCheck(stdout, stderr io.Writer, file string, timeout time.Duration, opts collector.Options) int {
	cfg, err := config.Load(file, collector.Catalog())
	if err != nil {
		fmt.Fprintf(stderr, "%s check: %v\n", name, withConfigHint(err, file))
		return checkBadConfig
	}
	for _, t := range cfg.Targets {
		for _, n := range t.Notes {
			fmt.Fprintf(stdout, "%s: note: %s\n", t.Name, n)
		}
	}
	if opts.Logger == nil {
		opts.Logger = log.NewNopLogger()
	}
	exp := collector.New(opts)
	defer exp.Close()
	if err := exp.ApplyConfig(cfg); err != nil {
		fmt.Fprintf(stderr, "%s check: %v\n", name, err)
		return checkBadConfig
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	statuses := exp.RefreshAll(ctx)
	code := printCheck(stdout, statuses, exp, timeout)
	for t, orgs := range exp.SSOPartial() {
		fmt.Fprintf(stdout, "%s: %s\n", t, ssoPartialText(orgs))
	}
	if idle := idleTargets(cfg, statuses); len(idle) > 0 {
		for _, t := range idle {
			fmt.Fprintf(stdout, "%s (%s): no collector runs for this target; name them under collectors\n", t.Name, t.Type)
		}
		code = checkFailed
	}
	return code
}

// idleTargets are the targets no collector runs for, which would otherwise
// pass the check unnoticed.
func idleTargets(cfg *config.Config, statuses []collector.Status) []*config.Target {
	busy := map[string]bool{}
	for _, s := range statuses {
		busy[s.Target] = true
	}
	var out []*config.Target
	for _, t := range cfg.Targets {
		if !busy[t.Name] {
			out = append(out, t)
		}
	}
	return out
}

func printCheck(w io.Writer, statuses []collector.Status, src statusSource, timeout time.Duration) int {
	limits := src.RateLimits()
	ok, warn, last := 0, 0, ""
	var tw *tabwriter.Writer
	var shared []string // causes shared by several collectors of the target
	endTarget := func() {
		if tw == nil {
			return
		}
		tw.Flush()
		for _, line := range shared {
			fmt.Fprintln(w, line)
		}
		shared = nil
		for _, rl := range limits[last] {
			fmt.Fprintf(w, "  rate limit %s\n", describeLimit(rl, time.Now()))
		}
		fmt.Fprintln(w)
	}
	failed := func(s collector.Status) string {
		if result, detail := checkLine(s, timeout); result == "FAIL" {
			return detail
		}
		return ""
	}
	for _, g := range groupByCause(statuses, failed) {
		s := g[0]
		if s.Target != last {
			endTarget()
			last = s.Target
			fmt.Fprintf(w, "%s (%s, %s)\n", s.Target, s.Type, s.APIURL)
			tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		}
		result, detail := checkLine(s, timeout)
		switch result {
		case "OK":
			ok++
		case "WARN":
			warn++
		}
		if len(g) > 1 {
			// One cause, said once, with every collector it stops.
			shared = append(shared, fmt.Sprintf("  FAIL  %d collectors for one cause (%s): %s", len(g), collectorNames(g), detail))
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Collector, "every "+shortDuration(s.Interval), result, detail)
	}
	endTarget()
	if warn > 0 {
		// A 404 taken as "no data" is not a failure (the enterprise may have
		// no budgets), but the same 404 comes from a wrong slug: say so. A
		// partial answer says on its line what is missing.
		fmt.Fprintf(w, "%d of %s OK, %d not available (404: check the enterprise slug if unexpected) or partial (the WARN line says what is missing)\n", ok, text.Count(len(statuses), "collector", "collectors"), warn)
	} else {
		fmt.Fprintf(w, "%d of %s OK\n", ok, text.Count(len(statuses), "collector", "collectors"))
	}
	if ok+warn < len(statuses) {
		return checkFailed
	}
	return checkOK
}

func checkLine(s collector.Status, timeout time.Duration) (result, detail string) {
	switch {
	case s.LastAttempt.IsZero():
		return "FAIL", fmt.Sprintf("no answer within the check's --timeout (%s): the API is slow or unreachable; try a longer --timeout", timeout)
	case !s.Succeeded() && s.APIMessage != "":
		return "FAIL", fmt.Sprintf("%s (the API said: %q)", s.Fix, s.APIMessage)
	case !s.Succeeded():
		return "FAIL", s.Fix
	}
	detail = s.Summary
	if detail == "" {
		detail = "fetched"
	}
	if s.Absent || s.Partial {
		return "WARN", fmt.Sprintf("%s (%s)", detail, s.LastDuration.Round(time.Millisecond))
	}
	return "OK", fmt.Sprintf("%s (%s)", detail, s.LastDuration.Round(time.Millisecond))
}
