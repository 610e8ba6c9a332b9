package collector

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var gitlabSubscriptionSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "gitlab_subscription", Types: []string{config.KindGitLabGroup}, Default: true, Interval: time.Hour},
	Endpoint:      "GET /api/v4/namespaces/:id, then /namespaces/:id/gitlab_subscription (the namespace's answer stands in when the subscription read is refused)",
	Needs: Needs{
		// Both reads are shown in full to the group's Owners only: the
		// subscription read authorizes the namespace's owner (or an
		// administrator), and GET /namespaces/:id gives seats_in_use and
		// max_seats_used "only for Group owners or on GitLab.com"
		// (https://docs.gitlab.com/api/namespaces/).
		Role:   "an Owner of the group (a personal, group or service-account token)",
		Scopes: "`read_api` (or `api`), sent as PRIVATE-TOKEN",
	},
}

var (
	glSubSeatsDesc = gitlabSubscriptionSpec.gauge("gitlab_subscription_seats",
		"Seats of the GitLab.com group's subscription by kind: purchased (seats_in_subscription), in_use (seats_in_use), max_used (max_seats_used, what the renewal bills) and owed (seats_owed, a true-up due). Purchased and owed are absent when only GET /namespaces/:id answered.", "kind")
	glSubEndDesc = gitlabSubscriptionSpec.gauge("gitlab_subscription_end_timestamp_seconds",
		"When the GitLab.com group's subscription ends (subscription_end_date, or end_date of the namespace); absent when it has none.")
	glSubInfoDesc = gitlabSubscriptionSpec.gauge("gitlab_subscription_info",
		"The GitLab.com group's plan (plan.code, or plan of the namespace); always 1.", "plan")
	glSubTrialDesc = gitlabSubscriptionSpec.gauge("gitlab_subscription_trial",
		"1 while the GitLab.com group's subscription is a trial, else 0.")
)

func init() {
	registerCollector(gitlabSubscriptionSpec, func(t *Source) (Collector, error) { return &gitlabSubscriptionCollector{src: t}, nil })
}

// gitlabSubscriptionCollector reads the subscription of a top-level group.
type gitlabSubscriptionCollector struct {
	src *Source
	summaryHolder
}

var _ Collector = (*gitlabSubscriptionCollector)(nil)

// gitlabNamespace is GET /namespaces/:id. The billing fields are given to
// the group's Owners (and on GitLab.com); for anyone else they are missing
// and stay unread.
type gitlabNamespace struct {
	ID           api.Number `json:"id"`
	FullPath     api.String `json:"full_path"`
	Kind         api.String `json:"kind"`
	ParentID     api.Number `json:"parent_id"`
	Plan         api.String `json:"plan"`
	SeatsInUse   api.Number `json:"seats_in_use"`
	MaxSeatsUsed api.Number `json:"max_seats_used"`
	EndDate      api.Time   `json:"end_date"`
	Trial        api.Bool   `json:"trial"`
}

// gitlabSubscription is GET /namespaces/:id/gitlab_subscription, the read of
// GitLab's subscriptions API whose write methods CustomersDot uses
// (https://docs.gitlab.com/development/internal_api/gitlab_subscriptions/).
type gitlabSubscription struct {
	Plan struct {
		Code  api.String `json:"code"`
		Trial api.Bool   `json:"trial"`
	} `json:"plan"`
	Usage struct {
		SeatsInSubscription api.Number `json:"seats_in_subscription"`
		SeatsInUse          api.Number `json:"seats_in_use"`
		MaxSeatsUsed        api.Number `json:"max_seats_used"`
		SeatsOwed           api.Number `json:"seats_owed"`
	} `json:"usage"`
	Billing struct {
		End api.Time `json:"subscription_end_date"`
	} `json:"billing"`
}

// readNamespace reads the target's group and checks that it is a top-level
// group, where GitLab.com keeps subscriptions.
func readNamespace(ctx context.Context, src *Source) (*gitlabNamespace, error) {
	var ns gitlabNamespace
	if _, err := src.Client.GetJSON(ctx, "/namespaces/"+url.PathEscape(src.Config.Group), nil, &ns); err != nil {
		return nil, fmt.Errorf("group %s: %w", src.Config.Group, err)
	}
	switch {
	case !ns.ID.Valid:
		return nil, fmt.Errorf("group %s: the namespace answer has no id", src.Config.Group)
	case ns.Kind != "" && ns.Kind != "group":
		return nil, fmt.Errorf("group %s is a %s namespace, not a group", src.Config.Group, ns.Kind)
	case ns.ParentID.Valid && ns.ParentID.Value != 0:
		return nil, fmt.Errorf("group %s is a subgroup: subscriptions belong to top-level groups, set group to the top-level group", src.Config.Group)
	}
	return &ns, nil
}

// namespaceID is the numeric ID of a namespace answer.
func (ns *gitlabNamespace) namespaceID() string {
	return strconv.FormatInt(int64(ns.ID.Value), 10)
}

// refusedRead is an answer that means "this read is not for you" rather
// than a fault: the subscription read is deprecated for tokens (GitLab
// issue 473625) and may be refused or removed.
func refusedRead(err error) (*api.Error, bool) {
	e, ok := api.AsError(err)
	if !ok || e.HTML {
		return nil, false
	}
	switch e.Kind {
	case api.KindPermission, api.KindNotFound, api.KindGone:
		return e, true
	}
	return nil, false
}

func (c *gitlabSubscriptionCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	ns, err := readNamespace(ctx, c.src)
	if err != nil {
		return wrap("gitlab subscription", err)
	}
	var sub gitlabSubscription
	_, err = c.src.Client.GetJSON(ctx, "/namespaces/"+ns.namespaceID()+"/gitlab_subscription", nil, &sub)
	target := c.src.Name()
	if e, refused := refusedRead(err); refused {
		collectNamespaceSeats(target, ns, ch)
		c.setPartial("%s; from GET /namespaces/:id, the subscription read was refused (%d): seats bought and seats owed are unknown, so the purchased-seat and owed alerts cannot fire for this group",
			namespaceSummary(ns), e.Status)
		return nil
	}
	if err != nil {
		return wrap("gitlab subscription", err)
	}
	collectSubscription(target, &sub, ch)
	c.setSummary("%s; from the subscription (GET /namespaces/:id/gitlab_subscription)", subscriptionSummary(&sub))
	return nil
}

func collectSubscription(target string, s *gitlabSubscription, ch chan<- prometheus.Metric) {
	sendNumber(ch, glSubSeatsDesc, s.Usage.SeatsInSubscription, target, "purchased")
	sendNumber(ch, glSubSeatsDesc, s.Usage.SeatsInUse, target, "in_use")
	sendNumber(ch, glSubSeatsDesc, s.Usage.MaxSeatsUsed, target, "max_used")
	sendNumber(ch, glSubSeatsDesc, s.Usage.SeatsOwed, target, "owed")
	if s.Billing.End.Valid {
		ch <- sample(glSubEndDesc, s.Billing.End.Unix(), target)
	}
	ch <- sample(glSubInfoDesc, 1, target, lowerLabel(s.Plan.Code))
	if s.Plan.Trial.Valid {
		ch <- sample(glSubTrialDesc, boolValue(s.Plan.Trial.Value), target)
	}
}

// collectNamespaceSeats exports what GET /namespaces/:id carries: no seats
// bought and no seats owed, which are left out rather than guessed.
func collectNamespaceSeats(target string, ns *gitlabNamespace, ch chan<- prometheus.Metric) {
	sendNumber(ch, glSubSeatsDesc, ns.SeatsInUse, target, "in_use")
	sendNumber(ch, glSubSeatsDesc, ns.MaxSeatsUsed, target, "max_used")
	if ns.EndDate.Valid {
		ch <- sample(glSubEndDesc, ns.EndDate.Unix(), target)
	}
	ch <- sample(glSubInfoDesc, 1, target, lowerLabel(ns.Plan))
	if ns.Trial.Valid {
		ch <- sample(glSubTrialDesc, boolValue(ns.Trial.Value), target)
	}
}

func subscriptionSummary(s *gitlabSubscription) string {
	trial := ""
	if s.Plan.Trial.True() {
		trial = " (trial)"
	}
	return fmt.Sprintf("%s plan%s, %s of %s in use, %s owed, %s", lowerLabel(s.Plan.Code), trial,
		fmtNumber(s.Usage.SeatsInUse), countNumber(s.Usage.SeatsInSubscription, "seat", "seats"), fmtNumber(s.Usage.SeatsOwed), endText(s.Billing.End))
}

func namespaceSummary(ns *gitlabNamespace) string {
	trial := ""
	if ns.Trial.True() {
		trial = " (trial)"
	}
	return fmt.Sprintf("%s plan%s, %s seats in use, %s", lowerLabel(ns.Plan), trial, fmtNumber(ns.SeatsInUse), endText(ns.EndDate))
}

func endText(t api.Time) string {
	if !t.Valid {
		return "no end date"
	}
	return "ends " + t.UTC().Format("2006-01-02")
}
