package collector

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/license-exporter/license_exporter/config"
)

// GitHub serves some enterprise reports for an organization that belongs
// to no enterprise too, under /organizations/{org}/settings/billing/… and
// /orgs/{org}/copilot/… (api.github.com's OpenAPI description). The
// enterprise collectors of those reports serve github_org targets with the
// same code: their requests go to the organization's path (enterprisePath)
// and each github_enterprise_ metric is sent as its github_org_ twin, so a
// rule or dashboard never mixes an organization's figures into an
// enterprise's. The name is the only difference.

// OrgVariant is what an enterprise collector is for an organization: the
// endpoint it then reads and what that endpoint needs.
type OrgVariant struct {
	Endpoint string
	Needs    Needs
	// Names overrides a twin's name where github_org_ + the rest would take
	// the name of an organization-only metric.
	Names map[string]string
}

// Organization billing: "an administrator of an organization within an
// enterprise or an organization account", budgets "an organization admin or
// billing manager" (the operations' text); GitHub's page "Permissions
// required for fine-grained personal access tokens" lists these endpoints
// under the organization permission Administration.
var orgBilling = Needs{
	Role:       "an organization owner or billing manager",
	Scopes:     "`admin:org`",
	Permission: "the organization permission Administration (read)",
}

// orgReports are the enterprise collectors that serve organizations.
// Organizations have no cost centers, no premium-request billing (since
// 2026-06-01) and no budget user-states, so those collectors do not.
var orgReports = map[*Spec]OrgVariant{
	billingUsageSpec: {
		Endpoint: "GET /organizations/{org}/settings/billing/usage/summary?year=Y&month=M; where it answers 404, GET …/settings/billing/usage?year=Y&month=M",
		Needs:    orgBilling,
	},
	aiCreditsSpec: {
		Endpoint: "GET /organizations/{org}/settings/billing/ai_credit/usage?year=Y&month=M",
		Needs:    orgBilling,
	},
	budgetsSpec: {
		Endpoint: "GET /organizations/{org}/settings/billing/budgets (paginated); GET …/settings/billing/usage/summary?year=Y&month=M once per scope entity (the organization, or a repository; the budget's products or SKUs picked from its lines), and once per product or SKU that has no line there (filtered by it, to tell $0 from a name the report does not know); GET …/settings/billing/ai_credit/usage?year=Y&month=M once per scope entity of AI credit budgets; the organization's summary and AI credit report are shared with billing_usage and ai_credits",
		Needs:    orgBilling,
	},
	copilotSeatsSpec: {
		Endpoint: "GET /orgs/{org}/copilot/billing/seats (paginated)",
		Needs: Needs{
			Role:       "an organization owner",
			Scopes:     "`manage_billing:copilot` or `read:org`",
			Permission: "the organization permission GitHub Copilot Business (read)",
		},
		// github_org_copilot_seats is the seat breakdown's (org_copilot).
		Names: map[string]string{"github_enterprise_copilot_seats": "github_org_copilot_seats_listed"},
	},
}

func init() {
	for s, v := range orgReports {
		s.servesOrgs(v)
	}
}

// servesOrgs makes s serve github_org targets: the type, the variant, and a
// github_org_ twin of each github_enterprise_ metric (same labels, type and
// help), declared like the others so that Describe, the docs and the
// dashboards' tests know them.
func (s *Spec) servesOrgs(v OrgVariant) {
	registryMu.Lock()
	defer registryMu.Unlock()
	s.Types = append(s.Types, config.TypeGitHubOrg)
	s.Org = &v
	s.orgTwins = map[*prometheus.Desc]*Metric{}
	for _, m := range s.metrics {
		name, ok := v.Names[m.Name]
		if !ok {
			rest, found := strings.CutPrefix(m.Name, "github_enterprise_")
			if !found {
				continue
			}
			name = "github_org_" + rest
		}
		// A help text that names a sibling metric names the sibling's twin.
		twin := newMetric(m.vt, name, strings.ReplaceAll(m.Help, "github_enterprise_", "github_org_"), m.Labels)
		s.orgTwins[m.desc] = twin
		s.metrics = append(s.metrics, twin)
	}
	servedIndex.Store(nil)
}

// NeedsFor is what the collector's credential must have for t.
func (s *Spec) NeedsFor(t *config.Target) Needs {
	if t != nil && t.Type == config.TypeGitHubOrg && s.Org != nil {
		return s.Org.Needs
	}
	return s.Needs
}

// forTarget wraps c for a github_org target so that it sends the twins.
func (s *Spec) forTarget(c Collector, t *config.Target) Collector {
	if t.Type != config.TypeGitHubOrg || len(s.orgTwins) == 0 {
		return c
	}
	return &orgRename{inner: c, twins: s.orgTwins}
}

// orgRename sends an enterprise collector's metrics under their
// organization names.
type orgRename struct {
	inner Collector
	twins map[*prometheus.Desc]*Metric
}

func (r *orgRename) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	in := make(chan prometheus.Metric)
	var wg sync.WaitGroup
	var renameErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for m := range in {
			twin, ok := r.twins[m.Desc()]
			if !ok {
				ch <- m
				continue
			}
			out, err := rename(m, twin)
			if err != nil {
				if renameErr == nil {
					renameErr = err
				}
				continue
			}
			ch <- out
		}
	}()
	// Closed on the way out even if Update panics, so the goroutine ends.
	err := func() error {
		defer close(in)
		return r.inner.Update(ctx, in)
	}()
	wg.Wait()
	if err != nil {
		return err
	}
	return renameErr
}

// rename rebuilds m under twin's descriptor, with its label values in the
// twin's order.
func rename(m prometheus.Metric, twin *Metric) (prometheus.Metric, error) {
	var pb dto.Metric
	if err := m.Write(&pb); err != nil {
		return nil, fmt.Errorf("renaming %s: %w", twin.Name, err)
	}
	byName := make(map[string]string, len(pb.GetLabel()))
	for _, l := range pb.GetLabel() {
		byName[l.GetName()] = l.GetValue()
	}
	values := make([]string, len(twin.Labels))
	for i, n := range twin.Labels {
		values[i] = byName[n]
	}
	v := pb.GetGauge().GetValue()
	if pb.Counter != nil {
		v = pb.GetCounter().GetValue()
	}
	return prometheus.NewConstMetric(twin.desc, twin.vt, v, values...)
}

// Summary, Absent and Partial pass the inner collector's on.
func (r *orgRename) Summary() string {
	if s, ok := r.inner.(Summarizer); ok {
		return s.Summary()
	}
	return ""
}

func (r *orgRename) Absent() bool {
	s, ok := r.inner.(Summarizer)
	return ok && s.Absent()
}

func (r *orgRename) Partial() bool {
	p, ok := r.inner.(Partialer)
	return ok && p.Partial()
}
