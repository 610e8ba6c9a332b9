package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

// withETags wraps h as GitHub answers: an ETag on every 200 that depends on
// the body and the token, and 304 Not Modified, with no body and without
// the headers named in drop304, to an If-None-Match that holds it. It
// counts the 304s and the requests that were conditional.
type withETags struct {
	h                    http.Handler
	drop304              []string
	notModified, withINM atomic.Int32
}

func (e *withETags) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if rec.Code != http.StatusOK {
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	sum := sha256.Sum256(append([]byte(r.Header.Get("Authorization")+"\n"), rec.Body.Bytes()...))
	etag := `W/"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		e.withINM.Add(1)
		if inm == etag {
			e.notModified.Add(1)
			for _, k := range e.drop304 {
				w.Header().Del(k)
			}
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	_, _ = w.Write(rec.Body.Bytes())
}

// license counts how often it is decoded.
type license struct {
	Seats int
	Plan  string
}

var licenseDecodes atomic.Int32

func (l *license) UnmarshalJSON(b []byte) error {
	licenseDecodes.Add(1)
	type plain license
	return json.Unmarshal(b, (*plain)(l))
}

// TestConditionalGetJSON: a single answer is conditional too. A 304 hands
// back the decoded result kept from the 200 without decoding anything, with
// the 200's headers where the 304 left them out; changed data is fetched
// and kept afresh; a new token sends no old ETag.
func TestConditionalGetJSON(t *testing.T) {
	var seats atomic.Int32
	seats.Store(10)
	srv := &withETags{drop304: []string{"X-GitHub-Enterprise-Version"}, h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-GitHub-Enterprise-Version", "3.19.0")
		fmt.Fprintf(w, `{"seats":%d,"plan":"enterprise"}`, seats.Load())
	})}
	c, _ := newTestClient(t, srv, GitHub)
	tok := &swapToken{t: "s3cret"}
	c.opts.Token = tok
	get := func() (*license, *Response) {
		t.Helper()
		var l *license
		resp, err := c.GetJSON(context.Background(), "/enterprise/settings/license", nil, &l)
		if err != nil {
			t.Fatal(err)
		}
		return l, resp
	}
	licenseDecodes.Store(0)
	first, _ := get()
	for range 2 {
		again, resp := get()
		if resp.Status != http.StatusNotModified || *again != *first || again.Seats != 10 {
			t.Errorf("repeat: status %d, %+v; want 304 and %+v", resp.Status, again, first)
		}
		if v := resp.Header.Get("X-GitHub-Enterprise-Version"); v != "3.19.0" {
			t.Errorf("a 304 lost the kept header: %q", v)
		}
	}
	if n := licenseDecodes.Load(); n != 1 || srv.notModified.Load() != 2 {
		t.Errorf("decoded %d times, %d answered 304; want 1 and 2", n, srv.notModified.Load())
	}

	seats.Store(12)
	if l, resp := get(); resp.Status != http.StatusOK || l.Seats != 12 {
		t.Errorf("changed data: status %d, %+v", resp.Status, l)
	}
	if l, resp := get(); resp.Status != http.StatusNotModified || l.Seats != 12 {
		t.Errorf("after the change: status %d, %+v; want the new data kept", resp.Status, l)
	}

	tok.set("rotated")
	before := srv.withINM.Load()
	if l, resp := get(); resp.Status != http.StatusOK || l.Seats != 12 || srv.withINM.Load() != before {
		t.Errorf("new token: status %d, %+v, conditional %d times; want a fresh 200 without If-None-Match", resp.Status, l, srv.withINM.Load()-before)
	}
}

// TestConditionalKeepsSmallAnswersOnly: the decoded result of an answer
// above maxKeptBytes is not held between refreshes, so its next request is
// not conditional.
func TestConditionalKeepsSmallAnswersOnly(t *testing.T) {
	big := strings.Repeat("x", 200)
	srv := &withETags{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := 100
		if r.URL.Path == "/big" {
			n = maxKeptBytes/len(big) + 1
		}
		fmt.Fprintf(w, `{"items":[%s"]}`, strings.Repeat(`"`+big+`",`, n-1)+`"`+big)
	})}
	c, _ := newTestClient(t, srv, GitHub)
	var v struct{ Items []string }
	for range 2 {
		for _, p := range []string{"/big", "/small"} {
			if _, err := c.GetJSONUpTo(context.Background(), p, nil, &v, MaxReportBytes); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := srv.notModified.Load(); n != 1 || c.etags.len() != 1 {
		t.Errorf("%d answered 304 with %d entries kept; want the small answer's only", n, c.etags.len())
	}
}

// TestETagsExpireUnused: an entry unused for etagIdle goes (last month's
// report, pages past a listing's new end), one in use stays.
func TestETagsExpireUnused(t *testing.T) {
	var s etagStore
	fp := fingerprint("t")
	t0 := time.Unix(1_700_000_000, 0)
	s.store("old", fp, &etagEntry{etag: "a"}, t0)
	s.store("used", fp, &etagEntry{etag: "b"}, t0)
	s.lookup("used", fp, t0.Add(etagIdle-time.Hour))
	s.store("new", fp, &etagEntry{etag: "c"}, t0.Add(etagIdle+time.Minute))
	if s.lookup("old", fp, t0) != nil || s.lookup("used", fp, t0) == nil || s.lookup("new", fp, t0) == nil {
		t.Errorf("after %s: %d entries; want the unused one gone", etagIdle, s.len())
	}
}

// TestConditionalPaginateBody: pages that say in their body whether more
// follow (budgets) are conditional too, and a 304 hands back the page kept.
func TestConditionalPaginateBody(t *testing.T) {
	var hits atomic.Int32
	srv := &withETags{h: bodyListing(250, &hits)}
	c, _ := newTestClient(t, srv, GitHub)
	list := func() (sum, count int) { t.Helper(); return listBudgets(t, c) }
	s1, n1 := list()
	s2, n2 := list()
	if s1 != s2 || n1 != n2 || n1 != 250 {
		t.Errorf("on 304s: %d items summing to %d, want %d summing to %d", n2, s2, n1, s1)
	}
	if n := srv.notModified.Load(); n != 3 {
		t.Errorf("%d of 3 repeat pages answered 304", n)
	}
}

// TestConditionalPerType: two callers that decode one URL into different
// types each keep their own result, so neither gets the other's on a 304.
func TestConditionalPerType(t *testing.T) {
	srv := &withETags{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"seats":7,"plan":"business"}`)
	})}
	c, _ := newTestClient(t, srv, GitHub)
	for range 2 {
		var a struct{ Seats int }
		var b struct{ Plan string }
		if _, err := c.GetJSON(context.Background(), "/x", nil, &a); err != nil || a.Seats != 7 {
			t.Fatalf("as seats: %+v, %v", a, err)
		}
		if _, err := c.GetJSON(context.Background(), "/x", nil, &b); err != nil || b.Plan != "business" {
			t.Fatalf("as plan: %+v, %v", b, err)
		}
	}
	if n := srv.notModified.Load(); n != 2 {
		t.Errorf("%d answered 304, want 2", n)
	}
}
