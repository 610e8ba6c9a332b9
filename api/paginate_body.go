package api

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
)

// NextPager is a page of a listing that says in its body whether another
// page follows, instead of in a Link header. GitHub's budgets listing pages
// this way: "page" in the query and "has_next_page" in the answer
// (https://docs.github.com/en/enterprise-cloud@latest/rest/billing/budgets#get-all-budgets).
type NextPager interface {
	HasNextPage() bool
}

// PaginateBody fetches page 1, 2, … of a listing whose body says whether
// another page follows, and hands each decoded page to each, in order. It
// stops when a page says no more follow, and fails after MaxPages pages so
// that a body that always says "more" cannot keep a refresh going forever.
// Pages are fetched one by one: nothing says how many there are.
func PaginateBody[T any, P interface {
	*T
	NextPager
}](ctx context.Context, c *Client, path string, query url.Values, each func(P) error) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(PerPage))
	for page := 1; ; page++ {
		if page > MaxPages {
			return fmt.Errorf("GET %s: more than %d pages", path, MaxPages)
		}
		q.Set("page", strconv.Itoa(page))
		var body T
		p := P(&body)
		decode := func(r io.Reader) error {
			body = *new(T) // a retry starts from nothing
			return decodeStream(r, p)
		}
		if _, err := c.get(ctx, c.resolve(path, q), decode, nil, MaxPageBytes); err != nil {
			return err
		}
		if err := each(p); err != nil {
			return err
		}
		if !p.HasNextPage() {
			return nil
		}
	}
}
