package collector

import (
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// gitlabGroupTarget is a gitlab target of the simulator's GitLab.com group.
func gitlabGroupTarget(url string) *config.Target {
	return &config.Target{Type: config.TypeGitLab, APIURL: url, Group: simulator.FixtureGroup}
}

// The subscription read answers GitLab's documented example: every seat
// kind, the end date, the plan and the trial flag. The namespace is read
// first, by path, and the subscription by the namespace's numeric ID.
func TestGitLabSubscriptionGolden(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "gitlab_subscription", gitlabGroupTarget(url)), "gitlab_subscription")
	for _, p := range []string{"/api/v4/namespaces/group1", "/api/v4/namespaces/2/gitlab_subscription"} {
		if n := sim.Hits(p); n != 1 {
			t.Errorf("%s asked %d times, want once", p, n)
		}
	}
	if n := sim.Total(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// Where the subscription read is refused, GET /namespaces/:id answers for
// it: seats in use and the most used, the plan, the trial flag; seats bought
// and owed are left out, never 0, and the summary says the alerts on them
// cannot fire.
func TestGitLabSubscriptionFallback(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusNotFound} {
		sim, url := startSim(t, simulator.Options{})
		sim.SetFault("/api/v4/namespaces/2/gitlab_subscription", simulator.JSONFault(status, `{"message":"403 Forbidden"}`))
		c := newCollector(t, "gitlab_subscription", gitlabGroupTarget(url))
		if status == http.StatusForbidden {
			assertGolden(t, c, "gitlab_subscription_namespace")
		} else if _, err := runUpdate(t, c); err != nil {
			t.Fatal(err)
		}
		s := c.(Summarizer)
		if !s.(Partialer).Partial() || s.Absent() || !strings.Contains(s.Summary(), "from GET /namespaces/:id") || !strings.Contains(s.Summary(), "cannot fire") {
			t.Errorf("%d: summary %q (absent %v), want the fallback named as a warning", status, s.Summary(), s.Absent())
		}
	}
}

// A refusal that is not the subscription read's (a bad token, a server
// error) fails the refresh: the fallback must not hide it.
func TestGitLabSubscriptionFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		path   string
		status int
		want   string
	}{
		"token rejected":  {"/api/v4/namespaces/2/gitlab_subscription", http.StatusUnauthorized, "401"},
		"server error":    {"/api/v4/namespaces/2/gitlab_subscription", http.StatusInternalServerError, "500"},
		"no such group":   {"/api/v4/namespaces/group1", http.StatusNotFound, "404"},
		"namespace fails": {"/api/v4/namespaces/group1", http.StatusForbidden, "403"},
	} {
		t.Run(name, func(t *testing.T) {
			sim, url := startSim(t, simulator.Options{})
			sim.SetFault(tc.path, simulator.JSONFault(tc.status, `{"message":"no"}`))
			ms, err := runUpdate(t, newCollector(t, "gitlab_subscription", gitlabGroupTarget(url)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (%d metrics), want one with %s", err, len(ms), tc.want)
			}
		})
	}
}

func TestGitLabSubscriptionAnswers(t *testing.T) {
	for name, tc := range map[string]struct {
		body string
		want map[string]float64
	}{
		"trial, nulls": {`{"plan":{"code":"ultimate_trial","trial":true},"usage":{"seats_in_subscription":null,"seats_in_use":3,"max_seats_used":"4","seats_owed":null},"billing":{"subscription_end_date":null}}`,
			map[string]float64{
				`gitlab_subscription_seats{kind="in_use",target="test"}`:        3,
				`gitlab_subscription_seats{kind="max_used",target="test"}`:      4,
				`gitlab_subscription_info{plan="ultimate_trial",target="test"}`: 1,
				`gitlab_subscription_trial{target="test"}`:                      1,
			}},
		"empty": {`{}`, map[string]float64{`gitlab_subscription_info{plan="unknown",target="test"}`: 1}},
		"free": {`{"plan":{"code":"free","trial":false},"usage":{"seats_in_subscription":0,"seats_in_use":5,"max_seats_used":5,"seats_owed":0}}`,
			map[string]float64{
				`gitlab_subscription_seats{kind="purchased",target="test"}`: 0,
				`gitlab_subscription_seats{kind="in_use",target="test"}`:    5,
				`gitlab_subscription_seats{kind="max_used",target="test"}`:  5,
				`gitlab_subscription_seats{kind="owed",target="test"}`:      0,
				`gitlab_subscription_info{plan="free",target="test"}`:       1,
				`gitlab_subscription_trial{target="test"}`:                  0,
			}},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := decodeJSON[gitlabSubscription]([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			got := sent(t, func(ch chan<- prometheus.Metric) { collectSubscription("test", &s, ch) })
			if len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
				}
			}
		})
	}
}

// A subgroup or a user's namespace carries no subscription: the refresh
// fails and says what to set instead.
func TestGitLabSubscriptionNotTopLevel(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":9,"kind":"group","parent_id":2}`: "subgroup",
		`{"id":9,"kind":"user"}`:                "user namespace",
		`{"kind":"group"}`:                      "no id",
	} {
		sim, url := startSim(t, simulator.Options{})
		sim.SetFault("/api/v4/namespaces/group1", simulator.JSONFault(http.StatusOK, body))
		_, err := runUpdate(t, newCollector(t, "gitlab_subscription", gitlabGroupTarget(url)))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", body, err, want)
		}
	}
}
