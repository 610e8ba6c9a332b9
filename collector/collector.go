// Package collector turns API answers into Prometheus metrics: one collector
// per file, each refreshed on its own schedule and served from a cache.
package collector

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Collector fetches one kind of data for one target. Update sends const
// metrics to ch; the framework keeps them as the collector's snapshot only
// when Update returns nil, so a failed refresh never replaces good data.
// Update is never called again before it returns, so a collector may keep
// state between refreshes without a lock.
type Collector interface {
	Update(ctx context.Context, ch chan<- prometheus.Metric) error
}

// Factory builds a collector for a target.
type Factory func(t *Source) (Collector, error)

// Summarizer is implemented by collectors that can say in one line what they
// found (for the check command and the status page), and whether their
// last refresh took a 404 as "no data" (Absent).
type Summarizer interface {
	Summary() string
	Absent() bool
}

// Partialer is implemented by collectors whose refresh can succeed with
// part of their data unreadable (a refused read with a fallback that knows
// less, a list the token may see only part of): check and the status page
// show it as a warning.
type Partialer interface {
	Partial() bool
}

// Source is one target's API as a collector sees it: the target's
// configuration, its API client and its logger.
type Source struct {
	Config *config.Target
	Client *api.Client
	Logger log.Logger
	// shared holds what the target's collectors fetch in common; nil
	// (tests of one collector) fetches every time.
	shared *shared
}

// Name is the value of the target label.
func (t *Source) Name() string { return t.Config.Name }

// enterprisePath builds /enterprises/{slug}/rest, escaping the slug. For a
// github_org target it is the organization's path of the same report:
// /orgs/{org}/copilot/… and /organizations/{org}/settings/billing/…, as
// api.github.com's description has them.
func (t *Source) enterprisePath(rest string) string {
	rest = strings.TrimLeft(rest, "/")
	if t.Config.Type == config.TypeGitHubOrg {
		if strings.HasPrefix(rest, "copilot/") {
			return "/orgs/" + url.PathEscape(t.Config.Organization) + "/" + rest
		}
		return "/organizations/" + url.PathEscape(t.Config.Organization) + "/" + rest
	}
	return "/enterprises/" + url.PathEscape(t.Config.Enterprise) + "/" + rest
}

// sample builds a const metric of m's type; labels follow the target.
func sample(m *Metric, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(m.desc, m.vt, v, labels...)
}

// sendNumber sends a gauge only when the API gave a usable number: a missing
// or worded value ("unlimited") is left out rather than exported as 0.
func sendNumber(ch chan<- prometheus.Metric, m *Metric, n api.Number, labels ...string) {
	if n.Valid {
		ch <- sample(m, n.Value, labels...)
	}
}

// label turns an API string into a label value: trimmed, and "unknown" when
// empty, so that a missing field never yields an empty label.
func label(s api.String) string {
	if v := strings.TrimSpace(string(s)); v != "" {
		return v
	}
	return "unknown"
}

// lowerLabel is label, lower-cased, for values whose case the API varies
// (operating systems, states, plans).
func lowerLabel(s api.String) string { return strings.ToLower(label(s)) }

// wrap adds the collector's context to an error.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// summaryHolder gives a collector the Summarizer methods; Update sets them.
// It needs no lock: the cache never runs two refreshes of one collector at
// once, and reads the summary only after Update returns.
type summaryHolder struct {
	summary string
	absent  bool
	partial bool
}

func (h *summaryHolder) setSummary(format string, args ...any) {
	h.summary, h.absent, h.partial = fmt.Sprintf(format, args...), false, false
}

// setNotFound says what a 404 taken as "no data" means for this collector,
// and what else it can mean: the same 404 comes from a wrong enterprise slug
// or a token that may not see the resource, so check and the status page
// show it as a warning, not OK.
func (h *summaryHolder) setNotFound(meaning string) {
	h.summary = "not available (404): " + meaning + ", or the enterprise slug is wrong or the token may not see it"
	h.absent, h.partial = true, false
}

// setNotAvailableFix is setNotFound for data that is off for a reason the
// summary names with its fix (a policy, a plan), whatever the status said.
func (h *summaryHolder) setNotAvailableFix(summary string) {
	h.summary, h.absent = summary, true
}

// setPartial says what a refresh that succeeded with part of the data left
// out found, and why the rest is missing: check and the status page show it
// as a warning, since alerts on the missing part cannot fire.
func (h *summaryHolder) setPartial(format string, args ...any) {
	h.summary, h.absent, h.partial = fmt.Sprintf(format, args...), false, true
}

// Partial implements Partialer.
func (h *summaryHolder) Partial() bool { return h.partial }

// Absent implements Summarizer.
func (h *summaryHolder) Absent() bool { return h.absent }

// Summary implements Summarizer.
func (h *summaryHolder) Summary() string { return h.summary }
