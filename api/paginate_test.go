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
