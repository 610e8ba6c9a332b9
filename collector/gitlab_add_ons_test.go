package collector

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestGitLabAddOnsGolden(t *testing.T) {
	// One GET to /api/graphql (not under /api/v4) with the query in the URL.
	sim := simulator.New(simulator.Options{})
	var (
		mu   sync.Mutex
		reqs []*http.Request
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		reqs = append(reqs, r.Clone(r.Context()))
		mu.Unlock()
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	assertGolden(t, newCollector(t, "gitlab_add_ons", gitlabTarget(srv.URL+"/api/v4")), "gitlab_add_ons")
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].URL.Path != "/api/graphql" ||
		reqs[0].URL.Query().Get("query") != addOnPurchasesQuery {
		t.Errorf("requests %v, want one GET /api/graphql?query=%s", reqs, url.QueryEscape(addOnPurchasesQuery))
	}
}

func TestGitLabAddOnsAnswers(t *testing.T) {
	for name, tc := range map[string]struct {
		body      string
		want      map[string]float64
		missing   bool // the schema lacks the field
		wantError string
	}{
		"fixture": {body: string(simulator.Fixture("gitlab-graphql-add-on-purchases.json")), want: map[string]float64{
			`gitlab_add_on_seats_purchased{name="duo_enterprise",target="test"}`:  50,
			`gitlab_add_on_seats_assigned{name="code_suggestions",target="test"}`: 87,
		}},
		"none":          {body: `{"data":{"addOnPurchases":[]}}`, want: map[string]float64{}},
		"null list":     {body: `{"data":{"addOnPurchases":null}}`, want: map[string]float64{}},
		"odd values":    {body: `{"data":{"addOnPurchases":[{"name":"DUO_PRO","purchasedQuantity":"10","assignedQuantity":null},{"name":"duo_pro","purchasedQuantity":3}]}}`, want: map[string]float64{`gitlab_add_on_seats_purchased{name="duo_pro",target="test"}`: 10}},
		"CE":            {body: `{"errors":[{"message":"Field 'addOnPurchases' doesn't exist on type 'Query'","locations":[{"line":1,"column":2}]}]}`, missing: true},
		"denied":        {body: `{"data":{"addOnPurchases":null},"errors":[{"message":"The resource that you are attempting to access does not exist or you don't have permission to perform this action"}]}`, wantError: "don't have permission"},
		"no data":       {body: `{}`, wantError: "neither data nor errors"},
		"not an object": {body: `[1]`, wantError: "cannot unmarshal"},
	} {
		t.Run(name, func(t *testing.T) {
			a, err := decodeJSON[addOnPurchasesAnswer]([]byte(tc.body))
			var ps []addOnPurchase
			if err == nil {
				ps, err = a.purchases()
			}
			switch {
			case tc.missing:
				if !errors.Is(err, errNoAddOnField) {
					t.Fatalf("err = %v, want the missing field", err)
				}
				return
			case tc.wantError != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantError) {
					t.Fatalf("err = %v, want %q", err, tc.wantError)
				}
				return
			case err != nil:
				t.Fatal(err)
			}
			got := sent(t, func(ch chan<- prometheus.Metric) { collectAddOns("test", ps, ch) })
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v (all: %v)", k, got[k], v, got)
				}
			}
			if name != "fixture" && len(got) != len(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// Community Edition (or a release before add-ons) is "not available", a
// success with no data, not a failure of the collector.
func TestGitLabAddOnsCommunityEdition(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/api/graphql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errors":[{"message":"Field 'addOnPurchases' doesn't exist on type 'Query'"}]}`))
	})
	c := newCollector(t, "gitlab_add_ons", gitlabTarget(url))
	ms, err := runUpdate(t, c)
	if err != nil || len(ms) != 0 {
		t.Fatalf("err = %v, %d metrics", err, len(ms))
	}
	if s := c.(Summarizer).Summary(); !strings.HasPrefix(s, "not available") {
		t.Errorf("summary %q", s)
	}
}

func TestGraphQLURL(t *testing.T) {
	for base, want := range map[string]string{
		"https://gitlab.example.com/api/v4":  "https://gitlab.example.com/api/graphql",
		"https://example.com/gitlab/api/v4/": "https://example.com/gitlab/api/graphql",
	} {
		u, err := graphqlURL(base, "{x}")
		if err != nil || u.Scheme+"://"+u.Host+u.Path != want || u.Query().Get("query") != "{x}" {
			t.Errorf("%s: %v %v, want %s", base, u, err, want)
		}
	}
}

// FuzzGitLabAddOns: any answer either fails to decode, is refused with a
// reason, or yields series a pedantic registry accepts (no duplicate names).
func FuzzGitLabAddOns(f *testing.F) {
	f.Add(simulator.Fixture("gitlab-graphql-add-on-purchases.json"))
	f.Add([]byte(`{"data":{"addOnPurchases":[{"name":"a"},{"name":" A "},{"name":null}]}}`))
	f.Add([]byte(`{"errors":[{"message":"x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeJSON[addOnPurchasesAnswer](b)
		if err != nil {
			return
		}
		ps, err := a.purchases()
		if err != nil {
			return
		}
		exposition(t, drain(func(ch chan<- prometheus.Metric) { collectAddOns("t", ps, ch) }))
	})
}

// For a group, the query names the group's namespace by its global ID,
// resolved once from the path; the answer is the instance's metrics.
func TestGitLabAddOnsGroup(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	var (
		mu      sync.Mutex
		queries []string
	)
	sim.SetFault("/api/graphql", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Query().Get("query"))
		mu.Unlock()
		simulator.JSONFault(http.StatusOK, string(simulator.Fixture("gitlab-graphql-add-on-purchases.json")))(w, r)
	})
	c := newCollector(t, "gitlab_add_ons", gitlabGroupTarget(url))
	assertGolden(t, c, "gitlab_add_ons")
	if _, err := runUpdate(t, c); err != nil {
		t.Fatal(err)
	}
	want := `{addOnPurchases(namespaceId:"gid://gitlab/Namespace/2"){name purchasedQuantity assignedQuantity}}`
	if len(queries) != 2 || queries[0] != want || queries[1] != want {
		t.Errorf("queries %q, want %q twice", queries, want)
	}
	if n := sim.Hits("/api/v4/namespaces/group1"); n != 1 {
		t.Errorf("namespace resolved %d times, want once", n)
	}
}

// An empty list for a group is what GitLab answers when the token may not
// see the purchases: nothing is exported (never 0) and check warns.
func TestGitLabAddOnsGroupEmpty(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/api/graphql", simulator.JSONFault(http.StatusOK, `{"data":{"addOnPurchases":[]}}`))
	c := newCollector(t, "gitlab_add_ons", gitlabGroupTarget(url))
	ms, err := runUpdate(t, c)
	if err != nil || len(ms) != 0 {
		t.Fatalf("err = %v, %d metrics, want none", err, len(ms))
	}
	if s := c.(Summarizer); !c.(Partialer).Partial() || !strings.Contains(s.Summary(), "not an Owner") {
		t.Errorf("summary %q (absent %v), want a warning naming the Owner role", s.Summary(), s.Absent())
	}
}
