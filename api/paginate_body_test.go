package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

type bodyPage struct {
	Items []int  `json:"items"`
	More  Bool   `json:"has_next_page"`
	Total Number `json:"total_count"`
}

func (p *bodyPage) HasNextPage() bool  { return p.More.True() }
func (p *bodyPage) TotalCount() Number { return p.Total }
func (p *bodyPage) ItemIDs() []string {
	var ids []string
	for _, i := range p.Items {
		ids = append(ids, strconv.Itoa(i))
	}
	return ids
}

// bodyListing serves n items, per_page at a time, saying in the body
// whether another page follows; it sends no Link header.
func bodyListing(n int, hits *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		q := r.URL.Query()
		per, _ := strconv.Atoi(q.Get("per_page"))
		page, _ := strconv.Atoi(q.Get("page"))
		if q.Get("scope") != "enterprise" {
			http.Error(w, "the query was lost", http.StatusBadRequest)
			return
		}
		var items []string
		for i := (page - 1) * per; i < min(page*per, n); i++ {
			items = append(items, strconv.Itoa(i))
		}
		fmt.Fprintf(w, `{"items":[%s],"has_next_page":%v}`, strings.Join(items, ","), page*per < n)
	}
}

// listBudgets pages through the test listing of bodyListing and returns
// the sum and count of its items.
func listBudgets(t *testing.T, c *Client) (sum, count int) {
	t.Helper()
	err := PaginateBody(context.Background(), c, "/budgets", url.Values{"scope": {"enterprise"}}, func(p *bodyPage) error {
		for _, i := range p.Items {
			sum += i
			count++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum, count
}

func TestPaginateBody(t *testing.T) {
	for _, n := range []int{0, 100, 250} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			var hits atomic.Int32
			c, _ := newTestClient(t, bodyListing(n, &hits), GitHub)
			sum, count := listBudgets(t, c)
			if count != n || sum != n*(n-1)/2 {
				t.Errorf("got %d items summing to %d", count, sum)
			}
			if want := max((n+PerPage-1)/PerPage, 1); int(hits.Load()) != want {
				t.Errorf("requests = %d, want %d", hits.Load(), want)
			}
		})
	}
}

func TestPaginateBodyOddFlags(t *testing.T) {
	// A missing, null or worded has_next_page ends the listing rather than
	// looping; "true" as a string still pages on.
	for body, want := range map[string]int32{
		`{"items":[1]}`:                         1,
		`{"items":[1],"has_next_page":null}`:    1,
		`{"items":[1],"has_next_page":"maybe"}`: 1,
	} {
		var hits atomic.Int32
		c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			fmt.Fprint(w, body)
		}), GitHub)
		if err := PaginateBody(context.Background(), c, "/budgets", nil, func(*bodyPage) error { return nil }); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if hits.Load() != want {
			t.Errorf("%s: requests = %d, want %d", body, hits.Load(), want)
		}
	}
	var hits atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			fmt.Fprint(w, `{"items":[1],"has_next_page":"true"}`)
			return
		}
		fmt.Fprint(w, `{"items":[2],"has_next_page":false}`)
	}), GitHub)
	if err := PaginateBody(context.Background(), c, "/budgets", nil, func(*bodyPage) error { return nil }); err != nil || hits.Load() != 2 {
		t.Errorf("err = %v, requests = %d, want nil and 2", err, hits.Load())
	}
}

func TestPaginateBodyStopsOnError(t *testing.T) {
	var hits atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 2 {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		fmt.Fprint(w, `{"items":[1],"has_next_page":true}`)
	}), GitHub)
	pages := 0
	err := PaginateBody(context.Background(), c, "/budgets", nil, func(*bodyPage) error { pages++; return nil })
	if !IsKind(err, KindNotFound) || pages != 1 {
		t.Errorf("err = %v after %d pages, want not found after 1", err, pages)
	}
}

// TestPaginateBodyNeverEnding: a body that always says "more" costs a few
// requests, not MaxPages.
func TestPaginateBodyNeverEnding(t *testing.T) {
	for name, tc := range map[string]struct {
		page     func(n int32) string
		requests int32
		err      string
	}{
		"empty page":    {func(int32) string { return `{"items":[],"has_next_page":true}` }, 1, ""},
		"repeated page": {func(int32) string { return `{"items":[1,2],"has_next_page":true}` }, 2, ""},
		"total reached": {func(n int32) string {
			return fmt.Sprintf(`{"items":[%d],"has_next_page":true,"total_count":2}`, n)
		}, 2, ""},
		// New items one at a time against a total of a million: pages that
		// do not hold what was asked for end it after two.
		"one item a page against a large total": {func(n int32) string {
			return fmt.Sprintf(`{"items":[%d],"has_next_page":true,"total_count":1000000}`, n)
		}, 2, "page 1 stated a total of 1000000, but pages 1 and 2 held fewer than half"},
	} {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, tc.page(hits.Add(1)))
			}))
			t.Cleanup(srv.Close)
			c, err := New(Options{Target: "t", BaseURL: srv.URL, Flavor: GitHub, Token: staticToken("s3cret"), Scheduler: NewScheduler(Limits{PerEndpoint: 1 << 30})})
			if err != nil {
				t.Fatal(err)
			}
			err = PaginateBody(context.Background(), c, "/budgets", nil, func(*bodyPage) error { return nil })
			if hits.Load() != tc.requests {
				t.Errorf("requests = %d, want %d", hits.Load(), tc.requests)
			}
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// TestPaginateBodyServedPageSize: a listing that serves fewer a page than
// asked for (GitHub's budgets: at most 10) is bounded at the size it serves.
// 25 budgets at 10 a page are 3 pages; at the 100 asked for the bound was 2
// and the refresh failed.
func TestPaginateBodyServedPageSize(t *testing.T) {
	var hits atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var items []string
		for i := (page - 1) * 10; i < min(page*10, 25); i++ {
			items = append(items, strconv.Itoa(i))
		}
		fmt.Fprintf(w, `{"items":[%s],"has_next_page":%v,"total_count":25}`, strings.Join(items, ","), page*10 < 25)
	}), GitHub)
	n := 0
	err := PaginateBody(context.Background(), c, "/budgets", nil, func(p *bodyPage) error { n += len(p.Items); return nil })
	if err != nil || n != 25 || hits.Load() != 3 {
		t.Errorf("err %v, %d items in %d requests; want 25 in 3", err, n, hits.Load())
	}
}
