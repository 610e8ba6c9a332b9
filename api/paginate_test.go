package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

type itemsPage struct {
	Items []int `json:"items"`
}

// listing serves n items, per_page at a time, with GitHub-style Link headers;
// withLast=false omits rel="last" so the client must follow rel="next".
func listing(n int, withLast bool, seen *sync.Map) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		per, _ := strconv.Atoi(q.Get("per_page"))
		page, _ := strconv.Atoi(q.Get("page"))
		if page == 0 {
			page = 1
		}
		if seen != nil {
			if _, dup := seen.LoadOrStore(page, true); dup {
				http.Error(w, "page fetched twice", 500)
				return
			}
		}
		last := (n + per - 1) / per
		link := func(p int, rel string) string {
			v := url.Values{"per_page": {strconv.Itoa(per)}, "page": {strconv.Itoa(p)}}
			return fmt.Sprintf(`<http://%s%s?%s>; rel="%s"`, r.Host, r.URL.Path, v.Encode(), rel)
		}
		var links []string
		if page < last {
			links = append(links, link(page+1, "next"))
			if withLast {
				links = append(links, link(last, "last"))
			}
		}
		w.Header().Set("Link", strings.Join(links, ", "))
		var p itemsPage
		for i := (page - 1) * per; i < min(page*per, n); i++ {
			p.Items = append(p.Items, i)
		}
		_ = json.NewEncoder(w).Encode(p)
	}
}

func TestPaginate(t *testing.T) {
	for _, withLast := range []bool{true, false} {
		t.Run(fmt.Sprintf("last=%v", withLast), func(t *testing.T) {
			var seen sync.Map
			c, _ := newTestClient(t, listing(1234, withLast, &seen), GitHub)
			sum, count := 0, 0
			err := Paginate(context.Background(), c, "/items", url.Values{"state": {"all"}}, func(p *itemsPage) error {
				for _, i := range p.Items {
					sum += i
					count++
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if count != 1234 || sum != 1234*1233/2 {
				t.Errorf("got %d items summing to %d", count, sum)
			}
		})
	}
}

func TestPaginateLinkLoop(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Page 2 points back to page 1.
		next := 2
		if r.URL.Query().Get("page") == "2" {
			next = 1
		}
		w.Header().Set("Link", fmt.Sprintf(`<http://%s/items?per_page=100&page=%d>; rel="next"`, r.Host, next))
		fmt.Fprint(w, `{"items":[1]}`)
	}), GitHub)
	err := Paginate(context.Background(), c, "/items", nil, func(*itemsPage) error { return nil })
	if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), "loops back") {
		t.Errorf("err = %v", err)
	}
}

func TestPaginateRefusesOtherHost(t *testing.T) {
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://evil.example/items?page=2>; rel="next"`)
		fmt.Fprint(w, `{"items":[1]}`)
	}), GitHub)
	err := Paginate(context.Background(), c, "/items", nil, func(*itemsPage) error { return nil })
	if !IsKind(err, KindRefused) {
		t.Errorf("err = %v", err)
	}
}

func TestParseLink(t *testing.T) {
	base, _ := url.Parse("https://api.github.com/enterprises/e/consumed-licenses?per_page=100")
	l := parseLink(`<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=9>; rel="last", garbage, <relative?page=1>; rel="first prev"`, base)
	if l["next"].String() != "https://api.github.com/x?page=2" || l["last"].Query().Get("page") != "9" {
		t.Errorf("links = %v", l)
	}
	if l["first"] == nil || l["first"].Host != "api.github.com" || l["prev"] == nil {
		t.Errorf("relative links resolve against the request: %v", l)
	}
}

func TestParseLinkRFC8288(t *testing.T) {
	base, _ := url.Parse("https://api.github.com/x?per_page=100")
	for _, tc := range []struct {
		h    string
		want map[string]string // rel → page
	}{
		// A comma inside <…> is part of the URL.
		{`<https://api.github.com/x?sku=a,b&page=2>; rel="next", <https://api.github.com/x?sku=a,b&page=5>; rel="last"`,
			map[string]string{"next": "2", "last": "5"}},
		// rel matches without regard to case, quoted or not.
		{`<https://api.github.com/x?page=2>; REL=NEXT, <https://api.github.com/x?page=3>; Rel="Last"`,
			map[string]string{"next": "2", "last": "3"}},
		// Several relations in one rel, and other parameters with commas
		// and semicolons in quotes.
		{`<https://api.github.com/x?page=7>; title="a, b; c"; rel="last next"`,
			map[string]string{"next": "7", "last": "7"}},
		// The first rel parameter counts; a later one is ignored.
		{`<https://api.github.com/x?page=2>; rel="next"; rel="last"`, map[string]string{"next": "2"}},
		// Garbage and an unterminated link do not take the good ones down.
		{`garbage, <https://api.github.com/x?page=2>; rel=next, <https://api.github.com/x?page=3`, map[string]string{"next": "2"}},
	} {
		got := parseLink(tc.h, base)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.h, got, tc.want)
			continue
		}
		for rel, page := range tc.want {
			if u := got[rel]; u == nil || u.Query().Get("page") != page {
				t.Errorf("%s: rel %s = %v, want page %s", tc.h, rel, u, page)
			}
		}
	}
	if u := parseLink(`<https://api.github.com/x?sku=a,b&page=2>; rel="next"`, base)["next"]; u.Query().Get("sku") != "a,b" {
		t.Errorf("the comma left the URL: %v", u)
	}
}

// liar serves full pages (PerPage items each) whose Link headers are built
// by link from the page number; total is the stated total_count.
func liar(total int, link func(host string, page int) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		if l := link(r.Host, page); l != "" {
			w.Header().Set("Link", l)
		}
		items := make([]int, PerPage)
		for i := range items {
			items[i] = page*PerPage + i
		}
		b, _ := json.Marshal(items)
		fmt.Fprintf(w, `{"total_count":%d,"total_seats_consumed":%d,"items":%s,"users":%s}`, total, total, b, b)
	}
}

type countedPage struct {
	Total Number `json:"total_count"`
	Items []int  `json:"items"`
}

func (p *countedPage) Count() (Number, int) { return p.Total, len(p.Items) }

func TestPaginateLiesFail(t *testing.T) {
	lnk := func(host string, page int, rel string) string {
		return fmt.Sprintf(`<http://%s/items?per_page=100&page=%d>; rel="%s"`, host, page, rel)
	}
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"next on the last page", liar(300, func(h string, p int) string {
			return lnk(h, p%3+1, "next") + ", " + lnk(h, 3, "last")
		}), "last page (3) links to a next page"},
		{"next on the page last named, followed one by one", liar(300, func(h string, p int) string {
			if p < 3 {
				return lnk(h, p+1, "next")
			}
			return lnk(h, 4, "next") + ", " + lnk(h, 3, "last")
		}), "the last link names links to a next page"},
		{"next back to a fetched page in a known range", liar(400, func(h string, p int) string {
			switch p {
			case 3:
				return lnk(h, 2, "next") + ", " + lnk(h, 4, "last")
			case 4:
				return lnk(h, 4, "last")
			}
			return lnk(h, p+1, "next") + ", " + lnk(h, 4, "last")
		}), "page 3 of 4 does not link to page 4"},
		{"fewer items than stated", liar(3000, func(h string, p int) string {
			if p == 1 {
				return lnk(h, 2, "next")
			}
			return ""
		}), "stated 3000 items but its pages held 200"},
		{"fewer items than stated, pages named by a last link", liar(3000, func(h string, p int) string {
			if p < 3 {
				return lnk(h, p+1, "next") + ", " + lnk(h, 3, "last")
			}
			return ""
		}), "stated 3000 items but its pages held 300"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, tc.h, GitHub)
			err := Paginate(context.Background(), c, "/items", nil, func(*countedPage) error { return nil })
			if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// The honest version of the same listing passes.
	c, _ := newTestClient(t, liar(300, func(h string, p int) string {
		if p < 3 {
			return lnk(h, p+1, "next") + ", " + lnk(h, 3, "last")
		}
		return ""
	}), GitHub)
	n := 0
	if err := Paginate(context.Background(), c, "/items", nil, func(p *countedPage) error { n += len(p.Items); return nil }); err != nil || n != 300 {
		t.Errorf("honest listing: %d items, err %v", n, err)
	}
}

// TestPaginateCommaInURL: a comma in the URLs of the Link header used to
// yield no links at all, so the listing silently stopped after page 1.
func TestPaginateCommaInURL(t *testing.T) {
	c, _ := newTestClient(t, liar(300, func(h string, p int) string {
		if p == 3 {
			return ""
		}
		return fmt.Sprintf(`<http://%[1]s/items?per_page=100&skus=a,b&page=%[2]d>; rel="next", <http://%[1]s/items?per_page=100&skus=a,b&page=3>; rel="last"`, h, p+1)
	}), GitHub)
	n := 0
	if err := Paginate(context.Background(), c, "/items", nil, func(p *countedPage) error { n += len(p.Items); return nil }); err != nil || n != 300 {
		t.Errorf("%d items, err %v; want all 3 pages", n, err)
	}
}

type seatsPage struct {
	Seats Number `json:"total_seats_consumed"`
	Users []int  `json:"users"`
}

func (p *seatsPage) LooseCount() (Number, int) { return p.Seats, len(p.Users) }

// chain serves pages that each link to the next, forever, each holding
// perPage entries under the stated total (in both fields), and counts the
// requests. last, if not 0, is also named as rel="last".
func chain(total, perPage, last int, hits *atomic.Int32) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		l := fmt.Sprintf(`<http://%s/items?per_page=100&page=%d>; rel="next"`, r.Host, page+1)
		if last != 0 {
			l += fmt.Sprintf(`, <http://%s/items?per_page=100&page=%d>; rel="last"`, r.Host, last)
		}
		w.Header().Set("Link", l)
		entries := make([]int, perPage)
		for i := range entries {
			entries[i] = page*PerPage + i
		}
		b, _ := json.Marshal(entries)
		fmt.Fprintf(w, `{"total_count":%d,"total_seats_consumed":%d,"items":%s,"users":%s}`, total, total, b, b)
	}
}

// TestPaginateBoundedByTotal: a listing that runs past the pages its stated
// total needs fails after those pages plus one (twice, plus one, for a total
// of something other than entries), with an error that names the total,
// instead of costing MaxPages requests.
func TestPaginateBoundedByTotal(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		total, perPage, last int
		loose                bool
		requests             int32
		want                 string
	}{
		// The hostile case of issue 17: a million seats, one user a page,
		// each page linking to the next. It cost MaxPages requests.
		{"endless chain of one user a page, a million seats", 1_000_000, 1, 0, true, 2,
			"page 1 stated a total of 1000000 (not of entries, so twice the pages are allowed), but pages 1 and 2 held fewer than half of the 100 entries"},
		{"endless chain of full pages, 250 entries", 250, 100, 0, false, 4,
			"page 1 stated a total of 250, which fills at most 4 pages of 100, but the listing runs to page 5"},
		{"endless chain of full pages, 250 seats", 250, 100, 0, true, 7,
			"which fills at most 7 pages of 100, but the listing runs to page 8"},
		{"a last link beyond the total", 250, 100, 9, false, 1,
			"page 1 stated a total of 250, which fills at most 4 pages of 100, but the listing runs to page 9"},
		{"a total of 0", 0, 100, 0, false, 2,
			"page 1 stated a total of 0, which fills at most 2 pages of 100, but the listing runs to page 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			c, _ := newTestClient(t, chain(tc.total, tc.perPage, tc.last, &hits), GitHub)
			var err error
			if tc.loose {
				err = Paginate(context.Background(), c, "/items", nil, func(*seatsPage) error { return nil })
			} else {
				err = Paginate(context.Background(), c, "/items", nil, func(*countedPage) error { return nil })
			}
			if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if hits.Load() != tc.requests {
				t.Errorf("%d requests, want %d", hits.Load(), tc.requests)
			}
		})
	}
	// Without a total, only MaxPages bounds a listing; seats need not match
	// the entries (a total of 5 seats over 300 users passes).
	c, _ := newTestClient(t, listing(250, false, nil), GitHub)
	if err := Paginate(context.Background(), c, "/items", nil, func(*itemsPage) error { return nil }); err != nil {
		t.Errorf("a listing without a total: %v", err)
	}
	c, _ = newTestClient(t, liar(5, func(h string, p int) string {
		if p < 3 {
			return fmt.Sprintf(`<http://%s/items?per_page=100&page=%d>; rel="next"`, h, p+1)
		}
		return ""
	}), GitHub)
	if err := Paginate(context.Background(), c, "/items", nil, func(*seatsPage) error { return nil }); err != nil {
		t.Errorf("a loose total the entries do not match: %v", err)
	}
}
