package collector

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var consumedLicensesSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "consumed_licenses", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: 15 * time.Minute},
	Endpoint:      "GET /enterprises/{e}/consumed-licenses (paginated)",
	// GitHub's REST page lists fine-grained tokens with "Enterprise
	// administration" (read) and also says only classic tokens work; the
	// OpenAPI description (ghec.json) says GitHub Apps cannot call it.
	// docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/license
	Needs: Needs{
		Role:        "an enterprise owner",
		Scopes:      "`read:enterprise`",
		Unconfirmed: `the "Enterprise administration" (read) permission`,
	},
}

var (
	seatsPurchasedDesc = consumedLicensesSpec.gauge("github_enterprise_seats_purchased",
		"Seats the enterprise has purchased (total_seats_purchased).")
	seatsConsumedDesc = consumedLicensesSpec.gauge("github_enterprise_seats_consumed",
		"Seats the enterprise consumes (total_seats_consumed).")
	licenseUsersDesc = consumedLicensesSpec.gauge("github_enterprise_license_users",
		"License entries by license_type.", "license_type")
	githubComUsersDesc = consumedLicensesSpec.gauge("github_enterprise_license_github_com_users",
		"License entries with a GitHub.com account (github_com_user).")
	serverOnlyUsersDesc = consumedLicensesSpec.gauge("github_enterprise_license_enterprise_server_users",
		"License entries with an Enterprise Server account (enterprise_server_user).")
	vsUsersDesc = consumedLicensesSpec.gauge("github_enterprise_license_visual_studio_subscription_users",
		"License entries covered by a Visual Studio subscription (visual_studio_subscription_user).")
	without2FADesc = consumedLicensesSpec.gauge("github_enterprise_license_users_without_two_factor",
		"GitHub.com users without two-factor authentication (github_com_two_factor_auth false).")
	unknown2FADesc = consumedLicensesSpec.gauge("github_enterprise_license_users_two_factor_unknown",
		"GitHub.com users whose two-factor status GitHub did not report (github_com_two_factor_auth null or missing): not counted as without two-factor authentication.")
	orgMembersDesc = consumedLicensesSpec.gauge("github_enterprise_license_org_members",
		"Licensed users per organization (from github_com_member_roles).", "org")
	// Who is billed: https://docs.github.com/en/enterprise-cloud@latest/billing/reference/github-license-users
	// (pending invitations only where the enterprise does not use managed
	// users) and https://docs.github.com/en/enterprise-cloud@latest/billing/concepts/enterprise-billing/usage-based-licenses
	// (usage-based licenses bill the licenses consumed).
	pendingInvitesDesc = consumedLicensesSpec.gauge("github_enterprise_license_pending_invitations",
		"License entries with a pending invitation to an organization (github_com_orgs_with_pending_invites not empty). GitHub bills a pending invitation as a license only under volume or subscription licenses on enterprises without managed users: not under usage-based (metered) licenses, and not with Enterprise Managed Users.")
	serverUsersDesc = consumedLicensesSpec.gauge("github_enterprise_license_server_users",
		"Licensed users per Enterprise Server host (from enterprise_server_user_ids).", "server")
)

func init() {
	registerCollector(consumedLicensesSpec, func(t *Source) (Collector, error) { return &consumedLicensesCollector{src: t}, nil })
}

// consumedLicensesCollector reads GET /enterprises/{e}/consumed-licenses.
type consumedLicensesCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*consumedLicensesCollector)(nil)

type consumedLicensesPage struct {
	TotalSeatsConsumed  api.Number     `json:"total_seats_consumed"`
	TotalSeatsPurchased api.Number     `json:"total_seats_purchased"`
	Users               []licensedUser `json:"users"`
}

// LooseCount implements api.LooselyCounted: total_seats_consumed counts
// seats, not the listing's entries (one a user), yet it bounds how many
// pages the listing may run to.
func (p *consumedLicensesPage) LooseCount() (api.Number, int) {
	return p.TotalSeatsConsumed, len(p.Users)
}

type licensedUser struct {
	GitHubComUser    api.Bool    `json:"github_com_user"`
	EnterpriseServer api.Bool    `json:"enterprise_server_user"`
	VisualStudio     api.Bool    `json:"visual_studio_subscription_user"`
	LicenseType      api.String  `json:"license_type"`
	TwoFactor        api.Bool    `json:"github_com_two_factor_auth"`
	MemberRoles      api.Strings `json:"github_com_member_roles"`
	ServerUserIDs    api.Strings `json:"enterprise_server_user_ids"`
	PendingInvites   api.Strings `json:"github_com_orgs_with_pending_invites"`
}

// licenseTally folds pages of consumed licenses into counts: it keeps
// aggregates, never users, so memory does not grow with the enterprise.
type licenseTally struct {
	purchased, consumed          api.Number
	users                        int
	byType                       map[string]int
	githubCom, server, vs, no2FA int
	unknown2FA                   int
	pending                      int
	orgs, servers                map[string]int
}

func newLicenseTally() *licenseTally {
	return &licenseTally{byType: map[string]int{}, orgs: map[string]int{}, servers: map[string]int{}}
}

func (t *licenseTally) add(p *consumedLicensesPage) {
	// Every page repeats the totals; keep the first valid ones.
	if !t.purchased.Valid {
		t.purchased = p.TotalSeatsPurchased
	}
	if !t.consumed.Valid {
		t.consumed = p.TotalSeatsConsumed
	}
	for i := range p.Users {
		u := &p.Users[i]
		t.users++
		t.byType[lowerLabel(u.LicenseType)]++
		if u.GitHubComUser.True() {
			t.githubCom++
			switch {
			case !u.TwoFactor.Valid:
				t.unknown2FA++ // null or missing: not a user without 2FA
			case !u.TwoFactor.Value:
				t.no2FA++
			}
		}
		if u.EnterpriseServer.True() {
			t.server++
		}
		if u.VisualStudio.True() {
			t.vs++
		}
		if slices.ContainsFunc(u.PendingInvites, func(org string) bool { return strings.TrimSpace(org) != "" }) {
			t.pending++
		}
		countDistinct(t.orgs, u.MemberRoles, func(role string) string {
			org, _, _ := strings.Cut(role, ":") // "org1:Owner"
			return org
		})
		countDistinct(t.servers, u.ServerUserIDs, func(id string) string {
			if i := strings.LastIndex(id, ":"); i > 0 { // "host:123"
				return id[:i]
			}
			return "unknown" // never the id itself: it names a user
		})
	}
}

// merge adds another tally (one page's, kept for reuse on 304) without
// changing it.
func (t *licenseTally) merge(o *licenseTally) {
	if !t.purchased.Valid {
		t.purchased = o.purchased
	}
	if !t.consumed.Valid {
		t.consumed = o.consumed
	}
	t.users += o.users
	t.githubCom += o.githubCom
	t.server += o.server
	t.vs += o.vs
	t.no2FA += o.no2FA
	t.unknown2FA += o.unknown2FA
	t.pending += o.pending
	for k, v := range o.byType {
		t.byType[k] += v
	}
	for k, v := range o.orgs {
		t.orgs[k] += v
	}
	for k, v := range o.servers {
		t.servers[k] += v
	}
}

// countDistinct counts one per distinct key among one user's values.
func countDistinct(counts map[string]int, values []string, key func(string) string) {
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		k := strings.TrimSpace(key(v))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		counts[k]++
	}
}

func (t *licenseTally) collect(target string, ch chan<- prometheus.Metric) {
	sendNumber(ch, seatsPurchasedDesc, t.purchased, target)
	sendNumber(ch, seatsConsumedDesc, t.consumed, target)
	for _, lt := range slices.Sorted(maps.Keys(t.byType)) {
		ch <- sample(licenseUsersDesc, float64(t.byType[lt]), target, lt)
	}
	ch <- sample(githubComUsersDesc, float64(t.githubCom), target)
	ch <- sample(serverOnlyUsersDesc, float64(t.server), target)
	ch <- sample(vsUsersDesc, float64(t.vs), target)
	ch <- sample(without2FADesc, float64(t.no2FA), target)
	ch <- sample(unknown2FADesc, float64(t.unknown2FA), target)
	ch <- sample(pendingInvitesDesc, float64(t.pending), target)
	for _, org := range slices.Sorted(maps.Keys(t.orgs)) {
		ch <- sample(orgMembersDesc, float64(t.orgs[org]), target, org)
	}
	for _, s := range slices.Sorted(maps.Keys(t.servers)) {
		ch <- sample(serverUsersDesc, float64(t.servers[s]), target, s)
	}
}

func (c *consumedLicensesCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	// Each page folds into a tally of its own, kept with the page's ETag:
	// a page answered 304 contributes its tally again, free of budget.
	tally := newLicenseTally()
	err := api.PaginateFold(ctx, c.src.Client, c.src.enterprisePath("consumed-licenses"), nil,
		func(p *consumedLicensesPage) *licenseTally {
			pt := newLicenseTally()
			pt.add(p)
			return pt
		},
		func(pt *licenseTally) error {
			tally.merge(pt)
			return nil
		})
	if err != nil {
		return wrap("consumed licenses", err)
	}
	tally.collect(c.src.Name(), ch)
	c.setSummary("%s of %s consumed, %s", fmtNumber(tally.consumed), countNumber(tally.purchased, "seat", "seats"), count(tally.users, "license entry", "license entries"))
	return nil
}

func fmtNumber(n api.Number) string {
	switch {
	case n.Valid:
		return fmt.Sprintf("%g", n.Value)
	case n.Word != "":
		return n.Word
	}
	return "?"
}
