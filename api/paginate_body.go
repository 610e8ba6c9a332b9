package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// NextPager is a page of a listing that says in its body whether another
// page follows, instead of in a Link header. GitHub's budgets listing pages
// this way: "page" in the query, "has_next_page" and "total_count" in the
// answer (https://docs.github.com/en/enterprise-cloud@latest/rest/billing/budgets#get-all-budgets).
type NextPager interface {
	HasNextPage() bool
	// ItemIDs are the ids of the page's items ("" for an item without one).
	ItemIDs() []string
	// TotalCount is the listing's stated size, if the page states one.
	TotalCount() Number
}

// minBodyPage is the smallest page a body-paged listing is taken to serve.
const minBodyPage = 10

// PaginateBody fetches page 1, 2, … of a listing whose body says whether
// another page follows, and hands each decoded page to each, in order.
// Pages are fetched one by one: nothing says how many there are. It stops
// when a page says no more follow, and also, since a body that always says
// "more" must not cost thousands of requests, on an empty page, on a page
// whose items were all seen before, and once the stated total_count is
// reached. Page 1's total_count bounds the listing as Paginate's does
// (pageBound), at the page size page 1 served; without one, MaxPages does.
func PaginateBody[T any, P interface {
	*T
	NextPager
}](ctx context.Context, c *Client, path string, query url.Values, each func(P) error) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(PerPage))
	seen := map[string]bool{}
	bound := newPageBound(Number{}, false, PerPage)
	items := 0
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		var body T
		p := P(&body)
		decode := func(r io.Reader) error {
			body = *new(T) // a retry starts from nothing
			return decodeStream(r, p)
		}
		// Each page is conditional, and kept decoded with its ETag: a 304
		// hands each the page as it was (read-only, like every kept page).
		u := c.resolve(path, q)
		cond := &conditional{key: canonical(u)}
		resp, err := c.get(ctx, u, decode, cond, MaxPageBytes)
		if err != nil {
			return err
		}
		if resp.Status == http.StatusNotModified {
			kept, ok := cond.sent.value.(*T)
			if !ok {
				return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: u.Path, Hint: "a page kept for reuse does not fit the listing (a bug: please report it)"}
			}
			p = P(kept)
		} else if etag := resp.Header.Get("ETag"); etag != "" {
			c.etags.store(cond.key, cond.fp, &etagEntry{etag: etag, value: &body}, c.now())
		} else {
			c.etags.drop(cond.key)
		}
		if err := each(p); err != nil {
			return err
		}
		ids := p.ItemIDs()
		fresh := false
		for _, id := range ids {
			if id == "" || !seen[id] {
				fresh = true
			}
			if id != "" {
				seen[id] = true
			}
		}
		items += len(ids)
		total := p.TotalCount()
		if page == 1 {
			// A full page is what page 1 held, if it says more follow:
			// GitHub's budgets listing has served at most 10 a page
			// whatever per_page asked for. Never fewer than 10, so that a
			// body of one entry a page stays bounded by its total.
			bound = newPageBound(total, false, min(max(len(ids), minBodyPage), PerPage))
		}
		switch {
		case !p.HasNextPage(), !fresh:
			return nil
		case total.Valid && float64(items) >= total.Value:
			return nil
		case page >= MaxPages:
			return fmt.Errorf("GET %s: page %d still says more follow, beyond the %d pages the exporter reads", path, page, MaxPages)
		}
		if err := bound.next(page, len(ids)); err != nil {
			return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: u.Path,
				Hint: err.Error() + "; the refresh fails rather than follow a listing past what it stated"}
		}
	}
}
