package collector

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var adminStatsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "admin_stats", Types: []string{config.TypeGitHubServer}, Default: true, Interval: 15 * time.Minute},
	Endpoint:      "GET /enterprise/stats/all",
	Needs: Needs{
		Role:   "a site administrator (anyone else gets 404)",
		Scopes: "`read:enterprise` (OAuth tokens: `site_admin`)",
	},
}

// adminStat maps one figure of GET /enterprise/stats/all to a metric.
// Figures that split a whole (open and closed issues, kinds of comment)
// share a metric with a label, so that sum() gives the whole; the whole is
// then not exported beside its parts. Figures that are subsets (admins among
// users, merged among pull requests) get metrics of their own.
type adminStat struct {
	section, field string
	desc           *Metric
	label          string // value of the desc's one label, if any
}

func serverDesc(name, help string, labels ...string) *Metric {
	return adminStatsSpec.gauge("github_enterprise_server_"+name, help, labels...)
}

var (
	serverHooksDesc      = serverDesc("hooks", "Webhooks on the instance, by state (active_hooks, inactive_hooks).", "state")
	serverIssuesDesc     = serverDesc("issues", "Issues on the instance, by state (open_issues, closed_issues).", "state")
	serverMilestonesDesc = serverDesc("milestones", "Milestones on the instance, by state (open_milestones, closed_milestones).", "state")
	serverCommentsDesc   = serverDesc("comments", "Comments on the instance, by what they comment on (total_*_comments).", "type")

	adminStats = []adminStat{
		{section: "users", field: "total_users", desc: serverDesc("users", "User accounts on the instance (users.total_users).")},
		{section: "users", field: "admin_users", desc: serverDesc("admin_users", "Site administrators (users.admin_users).")},
		{section: "users", field: "suspended_users", desc: serverDesc("suspended_users", "Suspended users (users.suspended_users).")},
		{section: "repos", field: "total_repos", desc: serverDesc("repositories", "Repositories (repos.total_repos).")},
		{section: "repos", field: "root_repos", desc: serverDesc("root_repositories", "Repositories that are not forks (repos.root_repos).")},
		{section: "repos", field: "fork_repos", desc: serverDesc("fork_repositories", "Repositories that are forks (repos.fork_repos).")},
		{section: "repos", field: "org_repos", desc: serverDesc("organization_repositories", "Repositories owned by organizations (repos.org_repos).")},
		{section: "repos", field: "total_wikis", desc: serverDesc("wikis", "Repository wikis (repos.total_wikis).")},
		{section: "repos", field: "total_pushes", desc: adminStatsSpec.counter("github_enterprise_server_pushes_total", "Pushes to the instance's repositories (repos.total_pushes).")},
		{section: "orgs", field: "total_orgs", desc: serverDesc("organizations", "Organizations (orgs.total_orgs).")},
		{section: "orgs", field: "disabled_orgs", desc: serverDesc("disabled_organizations", "Disabled organizations (orgs.disabled_orgs).")},
		{section: "orgs", field: "total_teams", desc: serverDesc("teams", "Teams (orgs.total_teams).")},
		{section: "orgs", field: "total_team_members", desc: serverDesc("team_members", "Team memberships; a user in two teams counts twice (orgs.total_team_members).")},
		{section: "pages", field: "total_pages", desc: serverDesc("pages_sites", "GitHub Pages sites (pages.total_pages).")},
		{section: "pulls", field: "total_pulls", desc: serverDesc("pull_requests", "Pull requests (pulls.total_pulls).")},
		{section: "pulls", field: "merged_pulls", desc: serverDesc("merged_pull_requests", "Merged pull requests (pulls.merged_pulls).")},
		{section: "pulls", field: "mergeable_pulls", desc: serverDesc("mergeable_pull_requests", "Pull requests that can be merged (pulls.mergeable_pulls).")},
		{section: "pulls", field: "unmergeable_pulls", desc: serverDesc("unmergeable_pull_requests", "Pull requests that cannot be merged (pulls.unmergeable_pulls).")},
		{section: "gists", field: "total_gists", desc: serverDesc("gists", "Gists (gists.total_gists).")},
		{section: "gists", field: "private_gists", desc: serverDesc("private_gists", "Private (secret) gists (gists.private_gists).")},
		{section: "gists", field: "public_gists", desc: serverDesc("public_gists", "Public gists (gists.public_gists).")},
		{section: "hooks", field: "active_hooks", desc: serverHooksDesc, label: "active"},
		{section: "hooks", field: "inactive_hooks", desc: serverHooksDesc, label: "inactive"},
		{section: "issues", field: "open_issues", desc: serverIssuesDesc, label: "open"},
		{section: "issues", field: "closed_issues", desc: serverIssuesDesc, label: "closed"},
		{section: "milestones", field: "open_milestones", desc: serverMilestonesDesc, label: "open"},
		{section: "milestones", field: "closed_milestones", desc: serverMilestonesDesc, label: "closed"},
		{section: "comments", field: "total_commit_comments", desc: serverCommentsDesc, label: "commit"},
		{section: "comments", field: "total_gist_comments", desc: serverCommentsDesc, label: "gist"},
		{section: "comments", field: "total_issue_comments", desc: serverCommentsDesc, label: "issue"},
		{section: "comments", field: "total_pull_request_comments", desc: serverCommentsDesc, label: "pull_request"},
	}
)

func init() {
	registerCollector(adminStatsSpec, func(t *Source) (Collector, error) { return &adminStatsCollector{src: t}, nil })
}

// adminStatsCollector reads GET /enterprise/stats/all.
type adminStatsCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*adminStatsCollector)(nil)

// serverStats is stats/all as section → field → figure. A section of
// another shape than an object of figures decodes to nil rather than
// failing the rest.
type serverStats map[string]api.Numbers

func (s serverStats) get(section, field string) api.Number { return s[section][field] }

func collectAdminStats(target string, s serverStats, ch chan<- prometheus.Metric) {
	for _, st := range adminStats {
		n := s.get(st.section, st.field)
		switch {
		case !n.Valid:
		case st.label != "":
			ch <- sample(st.desc, n.Value, target, st.label)
		default:
			ch <- sample(st.desc, n.Value, target)
		}
	}
}

func (c *adminStatsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	var s serverStats
	if _, err := getAdminStats(ctx, c.src.Client, "/enterprise/stats/all", &s); err != nil {
		return wrap("admin stats", err)
	}
	collectAdminStats(c.src.Name(), s, ch)
	c.setSummary("%s, %s, %s", countNumber(s.get("users", "total_users"), "user", "users"),
		countNumber(s.get("repos", "total_repos"), "repository", "repositories"), countNumber(s.get("orgs", "total_orgs"), "organization", "organizations"))
	return nil
}

// getAdminStats fetches an admin-stats endpoint, and once more after a
// timeout: the Enterprise Server 3.20 release notes list admin-stats
// endpoints among those that may time out on large appliances, and advise
// a retry. (502, 503 and 504 are retried by the client already.)
func getAdminStats(ctx context.Context, c *api.Client, path string, v any) (*api.Response, error) {
	resp, err := c.GetJSON(ctx, path, nil, v)
	if api.IsKind(err, api.KindTimeout) && ctx.Err() == nil {
		resp, err = c.GetJSON(ctx, path, nil, v)
	}
	return resp, err
}
