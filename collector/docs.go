package collector

import (
	"fmt"
	"slices"
	"strings"

	"github.com/license-exporter/license_exporter/config"
)

// The collector and metric tables of docs/collectors.md and docs/metrics.md
// are generated from the specs (make docs); a test fails when a page differs.
// These functions write the Markdown between the pages' GENERATED markers.

// CollectorsTable is the collectors-and-permissions table.
func CollectorsTable() string {
	var b strings.Builder
	b.WriteString("| collector | target types | default | endpoint | token's user | classic token scope | fine-grained token / GitHub App |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, s := range Specs() {
		perm := s.Needs.Permission
		switch {
		case perm != "":
		case s.Needs.Unconfirmed != "":
			perm = "classic token required; a fine-grained token with " + s.Needs.Unconfirmed + " is documented but unconfirmed; no GitHub App"
		default:
			perm = "not accepted"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", s.Name, typesCell(s.Types),
			defaultWord(s), cell(s.Endpoint), cell(s.Needs.Role), cell(s.Needs.Scopes), cell(perm))
	}
	b.WriteString("\nFor a `github_org` target (an organization outside any enterprise) the collectors that serve it read:\n\n")
	b.WriteString("| collector | default | endpoint | token's user | classic token scope | fine-grained token / GitHub App |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	org := &config.Target{Type: config.TypeGitHubOrg}
	for _, s := range Specs() {
		if !slices.Contains(s.Types, config.TypeGitHubOrg) {
			continue
		}
		endpoint, needs := s.Endpoint, s.NeedsFor(org)
		if s.Org != nil {
			endpoint = s.Org.Endpoint
		}
		perm := needs.Permission
		if perm == "" {
			perm = "not accepted"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", s.Name, defaultWord(s), cell(endpoint), cell(needs.Role), cell(needs.Scopes), cell(perm))
	}
	return b.String()
}

// typesCell names the target kinds a collector serves as the
// configuration writes them: a GitLab.com group is a gitlab target with
// group set.
func typesCell(kinds []string) string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k
		if k == config.KindGitLabGroup {
			out[i] = "gitlab with `group`"
		}
	}
	return strings.Join(out, ", ")
}

func defaultWord(s *Spec) string {
	switch {
	case !s.Default:
		return "off"
	case s.NeedsEnterprise && slices.Contains(s.Types, config.TypeGitHubServer):
		return "on where `enterprise` is set"
	}
	return "on"
}

// MetricsTables lists each collector's metrics, then the exporter's own.
func MetricsTables() string {
	var b strings.Builder
	for _, s := range Specs() {
		fmt.Fprintf(&b, "## `%s`\n\n", s.Name)
		writeMetrics(&b, s.metrics, cacheNote)
	}
	b.WriteString("## The exporter itself\n\n")
	writeMetrics(&b, selfMetrics.metrics, "")
	return b.String()
}

func writeMetrics(b *strings.Builder, ms []*Metric, trim string) {
	b.WriteString("| metric | type | labels | meaning |\n|---|---|---|---|\n")
	for _, m := range ms {
		fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", m.Name, m.Kind, strings.Join(m.Labels, ", "),
			cell(strings.TrimSuffix(m.Help, trim)))
	}
	b.WriteString("\n")
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}
