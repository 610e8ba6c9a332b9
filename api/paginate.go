package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// PerPage is the page size asked for; 100 is GitHub's maximum.
const PerPage = 100

// MaxPages bounds a listing, so that a Link header that never ends cannot
// keep a refresh going forever (1,000,000 items at 100 a page).
const MaxPages = 10000

// Paginate fetches every page of a listing and hands each decoded page to
// each, one call at a time (each needs no locking). Once page 1 names the
// last page, the others are fetched in parallel, bounded by the client's
// concurrency; without a "last" link it follows "next" links one by one.
// Pages are decoded as they stream in, so memory holds only pages in flight:
// each should fold a page into aggregates and keep no reference to it.
func Paginate[T any](ctx context.Context, c *Client, path string, query url.Values, each func(*T) error) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(PerPage))
	first := c.resolve(path, q)

	var mu sync.Mutex
	fetch := func(ctx context.Context, u *url.URL) (*Response, error) {
		var page T
		resp, err := c.Get(ctx, u, func(body io.Reader) error {
			page = *new(T) // a retry starts from nothing
			return json.NewDecoder(body).Decode(&page)
		})
		if err != nil {
			return resp, err
		}
		mu.Lock()
		defer mu.Unlock()
		return resp, each(&page)
	}

	resp, err := fetch(ctx, first)
	if err != nil {
		return err
	}
	links := parseLink(resp.Header.Get("Link"), resp.URL)
	if last, n, ok := lastPage(links["last"], first); ok {
		if n > MaxPages {
			return fmt.Errorf("GET %s: the listing has %d pages, more than the %d the exporter reads", first.Path, n, MaxPages)
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(c.Concurrency())
		for p := 2; p <= n; p++ {
			u := *last
			v := u.Query()
			v.Set("page", strconv.Itoa(p))
			u.RawQuery = v.Encode()
			g.Go(func() error {
				_, err := fetch(gctx, &u)
				return err
			})
		}
		return g.Wait()
	}

	seen := map[string]bool{canonical(first): true}
	for next := links["next"]; next != nil; next = links["next"] {
		key := canonical(next)
		if seen[key] {
			return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: first.Path,
				Hint: "the Link header loops back to a page already fetched"}
		}
		if len(seen) >= MaxPages {
			return fmt.Errorf("GET %s: more than %d pages", first.Path, MaxPages)
		}
		seen[key] = true
		if resp, err = fetch(ctx, next); err != nil {
			return err
		}
		links = parseLink(resp.Header.Get("Link"), resp.URL)
	}
	return nil
}

// lastPage reads the page number of a "last" link that differs from the
// first page's URL only in its page parameter, the shape GitHub uses.
func lastPage(last, first *url.URL) (*url.URL, int, bool) {
	if last == nil || last.Path != first.Path {
		return nil, 0, false
	}
	n, err := strconv.Atoi(last.Query().Get("page"))
	if err != nil || n < 1 {
		return nil, 0, false
	}
	return last, n, true
}

// parseLink reads an RFC 8288 Link header into rel → URL, resolving relative
// references against the request URL.
func parseLink(h string, base *url.URL) map[string]*url.URL {
	out := map[string]*url.URL{}
	for _, part := range strings.Split(h, ",") {
		segs := strings.Split(part, ";")
		raw := strings.TrimSpace(segs[0])
		if len(raw) < 2 || raw[0] != '<' || raw[len(raw)-1] != '>' {
			continue
		}
		u, err := url.Parse(raw[1 : len(raw)-1])
		if err != nil {
			continue
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		for _, s := range segs[1:] {
			k, v, ok := strings.Cut(strings.TrimSpace(s), "=")
			if !ok || strings.TrimSpace(k) != "rel" {
				continue
			}
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
				out[rel] = u
			}
		}
	}
	return out
}

// canonical is a page's identity for loop detection: query order does not
// matter, and no page parameter means page 1.
func canonical(u *url.URL) string {
	c := *u
	q := c.Query()
	if q.Get("page") == "" {
		q.Set("page", "1")
	}
	c.RawQuery = q.Encode()
	return c.String()
}
