package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// userCount is a page's partial aggregate in these tests.
type userCount struct{ users, pages int }

type usersPage struct {
	Users []struct {
		Login String `json:"github_com_login"`
	} `json:"users"`
}

func foldUsers(p *usersPage) *userCount { return &userCount{users: len(p.Users), pages: 1} }

// swapToken is a token source whose token the test changes.
type swapToken struct {
	mu sync.Mutex
	t  string
}

func (s *swapToken) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, nil
}

func (s *swapToken) set(t string) {
	s.mu.Lock()
	s.t = t
	s.mu.Unlock()
}

// TestConditionalListing refreshes a 3,000-user listing (30 pages) twice
// against the simulator, which sends ETags and answers 304 without a Link
// header: the second refresh is all 304, gives the same totals from the
// kept per-page aggregates, follows the kept Link headers, and shows as
// code="304".
func TestConditionalListing(t *testing.T) {
	sim := simulator.New(simulator.Options{LargeUsers: 3000})
	var current atomic.Pointer[simulator.Server]
	current.Store(sim)
	var conditionals atomic.Int32 // requests that sent an ETag
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" {
			conditionals.Add(1)
		}
		current.Load().ServeHTTP(w, r)
	}))
	defer srv.Close()
	reg := prometheus.NewRegistry()
	tok := &swapToken{t: simulator.DemoToken}
	c := testClient(t, srv.URL, func(o *Options) { o.Token = tok; o.Metrics = NewMetrics(reg) })
	refresh := func() userCount {
		t.Helper()
		var sum userCount
		err := PaginateFold(context.Background(), c, "/enterprises/"+simulator.LargeEnterprise+"/consumed-licenses", nil, foldUsers,
			func(u *userCount) error { sum.users += u.users; sum.pages += u.pages; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	first := refresh()
	if first.users != 3000 || first.pages != 30 || sim.NotModified() != 0 {
		t.Fatalf("first refresh: %+v, %d answered 304", first, sim.NotModified())
	}
	// Twice, so that reused aggregates are shown not to be changed by use.
	for range 2 {
		if again := refresh(); again != first {
			t.Errorf("refresh on 304s: %+v, want %+v", again, first)
		}
	}
	if n := sim.NotModified(); n != 60 {
		t.Errorf("%d of 60 repeat requests answered 304", n)
	}
	if got := testutil.ToFloat64(c.opts.Metrics.requests.WithLabelValues("t", "304")); got != 60 {
		t.Errorf(`license_exporter_api_requests_total{code="304"} = %v, want 60`, got)
	}

	// A new token: no ETag of the old one is sent (GitHub's ETag depends on
	// the token), every page is fetched afresh, and the old entries go.
	tok.set("demo-token-rotated")
	sim2 := simulator.New(simulator.Options{LargeUsers: 3000, Token: "demo-token-rotated"})
	current.Store(sim2)
	conditionals.Store(0)
	if again := refresh(); again != first {
		t.Errorf("after rotation: %+v", again)
	}
	if n := conditionals.Load(); n != 0 {
		t.Errorf("after rotation: %d requests sent an ETag of the old token", n)
	}
	if sim2.NotModified() != 0 || sim2.Total() != 30 {
		t.Errorf("after rotation: %d requests, %d answered 304; want 30 fresh", sim2.Total(), sim2.NotModified())
	}
	if n := c.etags.len(); n != 30 {
		t.Errorf("%d ETags kept, want the 30 of the new token only", n)
	}
	if again := refresh(); again != first || sim2.NotModified() != 30 {
		t.Errorf("second refresh with the new token: %+v, %d answered 304", again, sim2.NotModified())
	}
}

// TestUnconditional304Refused: a 304 to a request that sent no ETag is an
// error, not an empty page.
func TestUnconditional304Refused(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotModified) }), GitHub)
	err := PaginateFold(context.Background(), c, "/x", nil, foldUsers, func(*userCount) error { return nil })
	if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), "not conditional") {
		t.Errorf("err = %v", err)
	}
}
