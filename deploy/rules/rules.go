// Package rules builds the Prometheus alerting and recording rules shipped in
// deploy/prometheus/license_exporter.rules.yml and, wrapped as a Prometheus
// Operator PrometheusRule, in deploy/kubernetes/base/prometheusrule.yaml.
// Both files are generated from the Go values in this package (`make golden`
// rewrites them; the tests check they are current), as the dashboards are,
// so every threshold comes from internal/thresholds, the figures the status
// page words its findings with.
//
// To add an alert: append a Rule to its group's function (seats.go,
// expiry.go, billing.go, exporter.go, or a new file and a Group in Groups),
// with its figures from internal/thresholds (add the constant there if it is
// new) and a "## AlertName" section in docs/runbooks.md; then add a promtool
// test in deploy/prometheus/tests and run `make golden`. The tests refuse a
// metric that no collector's spec declares, a missing runbook section or
// promtool test, and a rule file out of step.
package rules

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// RunbookBase is where runbook_url points: the runbooks in the repository.
const RunbookBase = "https://github.com/license-exporter/license_exporter/blob/main/docs/runbooks.md"

// Rule is one alerting rule (Alert set) or recording rule (Record set).
type Rule struct {
	Alert, Record string
	// Expr is the PromQL expression, its lines as they are to be read.
	Expr string
	For  string
	// Severity is info, warning or critical (alerts only).
	Severity string
	Summary  string
	// Description says what happened and what to do; its lines are folded
	// into one paragraph (YAML ">-").
	Description string
	// Runbook is the anchor of the alert's section in docs/runbooks.md;
	// empty means the alert's name in lower case, which is what GitHub makes
	// of a "## AlertName" heading.
	Runbook string
}

// RunbookURL is the alert's runbook_url annotation.
func (r Rule) RunbookURL() string {
	anchor := r.Runbook
	if anchor == "" {
		anchor = strings.ToLower(r.Alert)
	}
	return RunbookBase + "#" + anchor
}

// Group is a rule group; Comment (lines) is written above it.
type Group struct {
	Name    string
	Comment string
	Rules   []Rule
}

// Groups are all rule groups, in the order of the rule file.
func Groups() []Group {
	return []Group{seats(), expiry(), gitlabGroup(), licenseSync(), exporter(), billing(), orgBudgets()}
}

// YAML renders the rule file, Prometheus's rule_files format.
func YAML() []byte {
	var b bytes.Buffer
	comment(&b, "", header())
	b.WriteString("groups:\n")
	writeGroups(&b, Groups())
	return b.Bytes()
}

// PrometheusRule renders the same groups as the spec of a Prometheus
// Operator PrometheusRule.
func PrometheusRule() []byte {
	var b bytes.Buffer
	b.WriteString("# Generated from the Go rules in deploy/rules by `make golden`: edit those, not this file.\n")
	b.WriteString("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: license-exporter\n")
	b.WriteString("  labels:\n    app.kubernetes.io/name: license-exporter\nspec:\n  groups:\n")
	var g bytes.Buffer
	writeGroups(&g, Groups())
	for _, line := range strings.SplitAfter(g.String(), "\n") {
		if line != "\n" && line != "" {
			b.WriteString("  ")
		}
		b.WriteString(line)
	}
	return b.Bytes()
}

func writeGroups(b *bytes.Buffer, groups []Group) {
	for i, g := range groups {
		if i > 0 {
			b.WriteString("\n")
		}
		comment(b, "  ", g.Comment)
		fmt.Fprintf(b, "  - name: %s\n    rules:\n", g.Name)
		for j, r := range g.Rules {
			if j > 0 {
				b.WriteString("\n")
			}
			writeRule(b, r)
		}
	}
}

func writeRule(b *bytes.Buffer, r Rule) {
	if r.Record != "" {
		fmt.Fprintf(b, "      - record: %s\n", r.Record)
	} else {
		fmt.Fprintf(b, "      - alert: %s\n", r.Alert)
	}
	b.WriteString("        expr: |\n")
	block(b, "          ", r.Expr)
	if r.Record != "" {
		return
	}
	fmt.Fprintf(b, "        for: %s\n        labels:\n          severity: %s\n", r.For, r.Severity)
	fmt.Fprintf(b, "        annotations:\n          summary: %s\n", quote(r.Summary))
	b.WriteString("          description: >-\n")
	block(b, "            ", r.Description)
	fmt.Fprintf(b, "          runbook_url: %s\n", r.RunbookURL())
}

// block writes text as the lines of a YAML block scalar.
func block(b *bytes.Buffer, indent, text string) {
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		b.WriteString(indent + line + "\n")
	}
}

func comment(b *bytes.Buffer, indent, text string) {
	if text == "" {
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		b.WriteString(strings.TrimRight(indent+"# "+line, " ") + "\n")
	}
}

// quote writes s as a YAML double-quoted scalar; for the printable text of
// a summary Go's escapes are YAML's.
func quote(s string) string { return strconv.Quote(s) }

// num writes a figure into PromQL: 0.98, 0.1, 90.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// pct writes a share as a percentage for the prose: 0.98 is "98".
func pct(share float64) string { return num(math.Round(share*1e4) / 100) }

// days writes a number of days as PromQL seconds: "30 * 86400".
func days(n int) string { return fmt.Sprintf("%d * 86400", n) }

// indent indents every line of a PromQL expression by two spaces, to nest it
// in parentheses.
func indent(expr string) string {
	return "  " + strings.ReplaceAll(expr, "\n", "\n  ")
}

// header is the rule file's opening comment: how it is made and loaded, and
// what the alerts share.
func header() string {
	return fmt.Sprintf(`
Alerting rules for license_exporter.

Generated from the Go rules in deploy/rules by `+"`make golden`"+` (the tests
check it is current), with the thresholds of internal/thresholds: edit
those, not this file. Load it with Prometheus's rule_files, or on Kubernetes
through deploy/kubernetes/base/prometheusrule.yaml, generated from the same
rules. Unit tests:
  promtool test rules deploy/prometheus/tests/*.yml
Every alert links its runbook in docs/runbooks.md (runbook_url).

Seat alerts: a limit of 0 means no limit (usage-based billing, a GitLab
license without a user limit), so no seat alert fires on it. "Nearly
exhausted" fires at %s %% used, or when the growth of the last %d days
(predict_linear) reaches the limit within %d days: early enough to buy
seats. The trend is only trusted once the series is a day old (it was
there 1d ago): on a series hours old predict_linear extrapolates a few
minutes of change, so one new seat would read as a flood. A young series
still gets the %s %% answer.

Expiry alerts compare only timestamps that exist and are positive: the
exporter leaves the series out when a license has no expiry date, so a
missing date never looks like a date in the past. The ExpiringSoon alerts
are a ladder: severity info within %d days, warning within %d, critical
within %d; one step fires at a time. A GitLab renewal silences them: a
listed license that starts after the current one and does not expire
before or with it (one with no expiry counts). An older, replaced license
that happened to run longer is no renewal.`,
		pct(thresholds.SeatsNearlyExhausted), trendDays, thresholds.SeatsForecastDays, pct(thresholds.SeatsNearlyExhausted),
		thresholds.ExpiryInfoDays, thresholds.ExpiryWarningDays, thresholds.ExpiryCriticalDays)
}
