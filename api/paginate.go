package api

import (
	"context"
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

// Counted is implemented by page types of listings that state their total
// (total_count, total_seats): Paginate then fails a listing whose pages
// held fewer items, rather than report part of it as the whole.
type Counted interface {
	// Count returns the total the page states, if valid, and the number of
	// items the page holds.
	Count() (total Number, items int)
}

// Paginate fetches every page of a listing and hands each decoded page to
// each, one call at a time (each needs no locking). Once page 1 names the
// last page, the others are fetched in parallel, as the credential's
// Scheduler admits them; without a "last" link it follows "next" links one
// by one. Pages are decoded as they stream in, so memory holds only pages in
// flight: each should fold a page into aggregates and keep no reference to
// it.
//
// A listing whose Link headers contradict themselves (a "next" on the page
// "last" named, a "next" back to a page already fetched, a "next" that skips
// or repeats a page of a known range) fails with an error that says so, as
// does one with fewer items than it stated (Counted): a refresh never ends
// early and reports success. A listing that runs past the pages page 1's
// stated total needs (pageBound) fails too, with an error that names the
// total: a Link header that never ends costs a few requests, not MaxPages.
func Paginate[T any](ctx context.Context, c *Client, path string, query url.Values, each func(*T) error) error {
	return paginate(ctx, c, path, query, false, func(p *T) *T { return p }, each)
}

// PaginateFold is Paginate with conditional requests: fold turns each page
// into the page's partial aggregate, which each then merges. The aggregate
// is kept with the page's ETag and pagination headers, and a page answered
// 304 Not Modified (which costs no primary budget) hands each the aggregate
// kept from last time. An aggregate must therefore be small (counts, not
// users) and must not be changed by each. fold runs on pages in parallel
// and must use nothing but its page.
func PaginateFold[T, A any](ctx context.Context, c *Client, path string, query url.Values, fold func(*T) A, each func(A) error) error {
	return paginate(ctx, c, path, query, true, fold, each)
}

func paginate[T, A any](ctx context.Context, c *Client, path string, query url.Values, conditionally bool, fold func(*T) A, each func(A) error) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("per_page", strconv.Itoa(PerPage))
	first := c.resolve(path, q)
	lie := func(format string, args ...any) error {
		return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: first.Path,
			Hint: fmt.Sprintf(format, args...) + "; the refresh fails rather than report part of the listing as all of it"}
	}

	overrun := func(err error) error {
		return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: first.Path,
			Hint: err.Error() + "; the refresh fails rather than follow a listing past what it stated"}
	}

	var (
		mu    sync.Mutex
		total Number
		items int
	)
	// fetch gets one page and returns what it kept of it (its Link header,
	// stated total and entries) and the URL it came from.
	fetch := func(ctx context.Context, u *url.URL) (*etagEntry, *url.URL, error) {
		var cond *conditional
		if conditionally {
			cond = &conditional{key: canonical(u)}
		}
		var page T
		resp, err := c.get(ctx, u, func(body io.Reader) error {
			page = *new(T) // a retry starts from nothing
			return decodeStream(body, &page)
		}, cond, MaxPageBytes)
		if err != nil {
			return nil, nil, err
		}
		e := &etagEntry{link: resp.Header.Get("Link")}
		if resp.Status == http.StatusNotModified {
			e = cond.sent
		} else {
			switch cp := any(&page).(type) {
			case Counted:
				e.total, e.items = cp.Count()
			case LooselyCounted:
				e.total, e.items = cp.LooseCount()
				e.loose = true
			}
			e.value = fold(&page)
			if cond != nil {
				if e.etag = resp.Header.Get("ETag"); e.etag != "" {
					c.etags.store(cond.key, cond.fp, e, c.now())
				} else {
					c.etags.drop(cond.key)
				}
			}
		}
		agg, ok := e.value.(A)
		if !ok {
			return nil, nil, lie("a page kept for reuse does not fit the listing (a bug: please report it)")
		}
		mu.Lock()
		defer mu.Unlock()
		if e.total.Valid && !total.Valid {
			total = e.total
		}
		items += e.items
		return e, resp.URL, each(agg)
	}
	checkTotal := func(loose bool) error {
		if !loose && total.Valid && float64(items) < total.Value {
			return lie("the listing stated %g items but its pages held %d", total.Value, items)
		}
		return nil
	}

	e1, from, err := fetch(ctx, first)
	if err != nil {
		return err
	}
	// Page 1's total bounds the listing: a Link header that never ends
	// costs at most the pages that total needs.
	bound := newPageBound(e1.total, e1.loose, PerPage)
	links := parseLink(e1.link, from)
	if last, n, ok := lastPage(links["last"], first); ok && n > 1 {
		if n > MaxPages {
			return fmt.Errorf("GET %s: the listing has %d pages, more than the %d the exporter reads", first.Path, n, MaxPages)
		}
		if err := bound.allows(n); err != nil {
			return overrun(err)
		}
		if next := links["next"]; next == nil || pageNumber(next) != 2 {
			return lie("page 1 names %d pages but its next link is not page 2", n)
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(c.Concurrency())
		for p := 2; p <= n; p++ {
			u := *last
			v := u.Query()
			v.Set("page", strconv.Itoa(p))
			u.RawQuery = v.Encode()
			g.Go(func() error {
				e, from, err := fetch(gctx, &u)
				if err != nil {
					return err
				}
				next := parseLink(e.link, from)["next"]
				switch {
				case p == n && next != nil:
					return lie("the last page (%d) links to a next page: the Link header loops", n)
				case p < n && (next == nil || pageNumber(next) != p+1):
					return lie("page %d of %d does not link to page %d", p, n, p+1)
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		return checkTotal(e1.loose)
	}

	seen := map[string]bool{canonical(first): true}
	pageItems := e1.items
	for next := links["next"]; next != nil; next = links["next"] {
		key := canonical(next)
		if seen[key] {
			return lie("the Link header loops back to a page already fetched")
		}
		if len(seen) >= MaxPages {
			return fmt.Errorf("GET %s: more than %d pages", first.Path, MaxPages)
		}
		if err := bound.next(len(seen), pageItems); err != nil {
			return overrun(err)
		}
		if last := links["last"]; last != nil && canonical(last) == canonical(from) {
			return lie("the page the last link names links to a next page: the Link header loops")
		}
		seen[key] = true
		e, f, err := fetch(ctx, next)
		if err != nil {
			return err
		}
		from, pageItems = f, e.items
		links = parseLink(e.link, from)
	}
	return checkTotal(e1.loose)
}

// pageNumber is a link's page parameter; 0 when it has none that parses.
func pageNumber(u *url.URL) int {
	n, _ := strconv.Atoi(u.Query().Get("page"))
	return n
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

// parseLink reads an RFC 8288 Link header into rel → URL, resolving
// relative references against the request URL. The URL is everything
// between < and >, commas included; rel may be quoted or not, in any case,
// and name several relations; a quoted parameter may hold commas and
// semicolons. The first link of a relation wins (RFC 8288 §3.3 leaves
// duplicates to the application). https://www.rfc-editor.org/rfc/rfc8288
func parseLink(h string, base *url.URL) map[string]*url.URL {
	out := map[string]*url.URL{}
	for i := 0; i < len(h); {
		lt := strings.IndexByte(h[i:], '<')
		if lt < 0 {
			break
		}
		gt := strings.IndexByte(h[i+lt:], '>')
		if gt < 0 {
			break
		}
		target := h[i+lt+1 : i+lt+gt]
		i += lt + gt + 1
		params, n := linkParams(h[i:])
		i += n
		u, err := url.Parse(strings.TrimSpace(target))
		if err != nil {
			continue
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		for _, rel := range strings.Fields(params["rel"]) {
			rel = strings.ToLower(rel)
			if _, dup := out[rel]; !dup {
				out[rel] = u
			}
		}
	}
	return out
}

// linkParams reads the ;-separated parameters after a link's <target> up to
// the comma that ends the link, and returns them (names lower-cased, the
// first of each kept, as RFC 8288 §3 says for rel) and how much it read.
func linkParams(s string) (map[string]string, int) {
	params := map[string]string{}
	i := 0
	for i < len(s) {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) || s[i] == ',' {
			return params, min(i+1, len(s))
		}
		if s[i] != ';' {
			// Junk between parameters: skip to the next ; or ,.
			for i < len(s) && s[i] != ';' && s[i] != ',' {
				i++
			}
			continue
		}
		i++
		start := i
		for i < len(s) && s[i] != '=' && s[i] != ';' && s[i] != ',' {
			i++
		}
		name := strings.ToLower(strings.TrimSpace(s[start:i]))
		value := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			if i < len(s) && s[i] == '"' {
				var b strings.Builder
				for i++; i < len(s) && s[i] != '"'; i++ {
					if s[i] == '\\' && i+1 < len(s) {
						i++
					}
					b.WriteByte(s[i])
				}
				i++ // the closing quote
				value = b.String()
			} else {
				start := i
				for i < len(s) && s[i] != ';' && s[i] != ',' {
					i++
				}
				value = strings.TrimSpace(s[start:i])
			}
		}
		if _, dup := params[name]; !dup && name != "" {
			params[name] = value
		}
	}
	return params, i
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
