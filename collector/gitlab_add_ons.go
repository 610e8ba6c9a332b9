package collector

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var gitlabAddOnsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "gitlab_add_ons", Types: []string{config.TypeGitLab, config.KindGitLabGroup}, Default: true, Interval: time.Hour},
	Endpoint:      "GET /api/graphql?query={addOnPurchases{name purchasedQuantity assignedQuantity}}; for a group, addOnPurchases(namespaceId: \"gid://gitlab/Namespace/ID\") after GET /api/v4/namespaces/:path once",
	Needs: Needs{
		Role:   "an administrator; for a group, an Owner of the group",
		Scopes: "`read_api` (or `api`), sent as PRIVATE-TOKEN",
	},
}

var (
	glAddOnPurchasedDesc = gitlabAddOnsSpec.gauge("gitlab_add_on_seats_purchased",
		"Seats bought of a GitLab add-on such as GitLab Duo (addOnPurchases.purchasedQuantity).", "name")
	glAddOnAssignedDesc = gitlabAddOnsSpec.gauge("gitlab_add_on_seats_assigned",
		"Seats of a GitLab add-on assigned to users (addOnPurchases.assignedQuantity).", "name")
)

func init() {
	registerCollector(gitlabAddOnsSpec, func(t *Source) (Collector, error) { return &gitlabAddOnsCollector{src: t}, nil })
}

// addOnPurchasesQuery is sent as a GET: GitLab runs read-only queries over GET
// and refuses only mutations there (GraphqlController#disallow_mutations_for_get,
// "Mutations are forbidden in GET requests", app/controllers/graphql_controller.rb),
// so the exporter stays GET-only. Without namespaceId, a self-managed instance
// answers with its own purchases (GitLab MR 160515). The query is served at
// /api/graphql, beside /api/v4 (https://docs.gitlab.com/api/graphql/).
const addOnPurchasesQuery = "{addOnPurchases{name purchasedQuantity assignedQuantity}}"

// groupAddOnsQuery asks for the add-on purchases of one namespace, by its
// global ID (GitLab's GraphQL reference, Query.addOnPurchases: namespaceId
// is a NamespaceID, "gid://gitlab/Namespace/ID").
func groupAddOnsQuery(namespaceID string) string {
	return `{addOnPurchases(namespaceId:"gid://gitlab/Namespace/` + namespaceID + `"){name purchasedQuantity assignedQuantity}}`
}

// gitlabAddOnsCollector reads the add-on purchases of a GitLab instance, or
// of a group when the target names one.
type gitlabAddOnsCollector struct {
	src *Source
	summaryHolder
	toldMissing bool
	// namespaceID is the group's numeric ID, resolved once from its path.
	namespaceID string
}

var _ Collector = (*gitlabAddOnsCollector)(nil)

type addOnPurchase struct {
	Name      api.String `json:"name"`
	Purchased api.Number `json:"purchasedQuantity"`
	Assigned  api.Number `json:"assignedQuantity"`
}

type addOnPurchasesAnswer struct {
	Data *struct {
		AddOnPurchases []addOnPurchase `json:"addOnPurchases"`
	} `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// errNoAddOnField is a schema without addOnPurchases: Community Edition, or
// a release before the field.
var errNoAddOnField = errors.New("this GitLab has no addOnPurchases field")

// purchases reads a GraphQL answer. GitLab answers 200 even to a query it
// cannot run, with the reasons in errors.
func (a *addOnPurchasesAnswer) purchases() ([]addOnPurchase, error) {
	if len(a.Errors) > 0 {
		msgs := make([]string, 0, len(a.Errors))
		for _, e := range a.Errors {
			// "Field 'addOnPurchases' doesn't exist on type 'Query'"
			if strings.Contains(e.Message, "addOnPurchases") && strings.Contains(e.Message, "doesn't exist") {
				return nil, errNoAddOnField
			}
			msgs = append(msgs, oneLine(e.Message))
		}
		return nil, fmt.Errorf("the GraphQL API said: %s", strings.Join(msgs, "; "))
	}
	if a.Data == nil {
		return nil, fmt.Errorf("the answer has neither data nor errors")
	}
	return a.Data.AddOnPurchases, nil
}

// graphqlURL is /api/graphql on api_url's host, with the query in the URL.
func graphqlURL(base, query string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/v4") + "/graphql"
	u.RawQuery = url.Values{"query": {query}}.Encode()
	return u, nil
}

func (c *gitlabAddOnsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	query := addOnPurchasesQuery
	group := c.src.Config.Group
	if group != "" {
		if c.namespaceID == "" {
			ns, err := readNamespace(ctx, c.src)
			if err != nil {
				return wrap("gitlab add-ons", err)
			}
			c.namespaceID = ns.namespaceID()
		}
		query = groupAddOnsQuery(c.namespaceID)
	}
	u, err := graphqlURL(c.src.Client.BaseURL(), query)
	if err != nil {
		return wrap("gitlab add-ons", err)
	}
	var answer addOnPurchasesAnswer
	if _, err := c.src.Client.GetJSONURL(ctx, u, &answer); err != nil {
		return wrap("gitlab add-ons", err)
	}
	purchases, err := answer.purchases()
	if errors.Is(err, errNoAddOnField) {
		if !c.toldMissing {
			c.toldMissing = true
			level.Info(c.src.Logger).Log("msg", "this GitLab has no add-on purchases in its GraphQL API; gitlab_add_ons serves no data")
		}
		c.setSummary("not available: this GitLab's GraphQL API has no addOnPurchases (Community Edition, or a release before GitLab Duo add-ons)")
		return nil
	}
	if err != nil {
		return fmt.Errorf("gitlab add-ons: %w", err)
	}
	collectAddOns(c.src.Name(), purchases, ch)
	if group != "" && len(purchases) == 0 {
		// GitLab filters out the purchases the user may not read, so an
		// empty list is also what a token without the Owner role gets:
		// nothing is exported, and check says so.
		c.setPartial("no add-on purchases visible: the group has none, or the token's user is not an Owner of the group (GitLab answers an empty list then)")
		return nil
	}
	c.setSummary("%s", addOnsSummary(purchases))
	return nil
}

func collectAddOns(target string, purchases []addOnPurchase, ch chan<- prometheus.Metric) {
	seen := map[string]bool{}
	for _, p := range purchases {
		name := lowerLabel(p.Name)
		if seen[name] {
			continue // a repeated name would make the scrape fail
		}
		seen[name] = true
		sendNumber(ch, glAddOnPurchasedDesc, p.Purchased, target, name)
		sendNumber(ch, glAddOnAssignedDesc, p.Assigned, target, name)
	}
}

func addOnsSummary(purchases []addOnPurchase) string {
	if len(purchases) == 0 {
		return "no add-on purchases"
	}
	parts := make([]string, 0, len(purchases))
	for _, p := range purchases {
		parts = append(parts, fmt.Sprintf("%s %s of %s assigned", lowerLabel(p.Name), fmtNumber(p.Assigned), countNumber(p.Purchased, "seat", "seats")))
	}
	return strings.Join(parts, ", ")
}
