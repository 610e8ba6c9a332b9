package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// DownloadTimeout bounds one download of a report file: larger than an API
// answer, and still bounded.
const DownloadTimeout = 5 * time.Minute

// Download fetches a report file GitHub links to (a signed URL on another
// host, such as the Copilot usage metrics' download_links) and hands its
// body to decode as it streams in. It is the one deliberate exception to
// the same-host guard, and a narrow one: the URL is fetched exactly as
// given, with NO credential (no Authorization header: the signature in the
// URL is the credential), only over https (or http to a loopback host, as
// api_url), never redirected to another host, at most maxBytes read. A body
// cut by maxBytes is an error, never a shorter report. Errors name the host
// and path only: the query string holds the signature.
func (c *Client) Download(ctx context.Context, raw string, maxBytes int64, decode func(io.Reader) error) error {
	u, err := url.Parse(raw)
	if err != nil {
		return &Error{Kind: KindRefused, Method: http.MethodGet, Path: "(download link)", Hint: "a download link is not a URL"}
	}
	where := u.Host + u.EscapedPath()
	refuse := func(hint string) error {
		return &Error{Kind: KindRefused, Method: http.MethodGet, Path: where, Hint: hint}
	}
	switch {
	case u.Host == "" || u.User != nil:
		return refuse("a download link without a host, or with credentials in it, is not followed")
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return refuse("a download link over plain http to a host that is not loopback is not followed")
	case u.Scheme != "https" && u.Scheme != "http":
		return refuse("a download link that is not http(s) is not followed")
	}
	if c.closed.Load() {
		return refuse("the target was removed or changed by a reload")
	}
	ctx, cancel := context.WithTimeout(ctx, DownloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return refuse("the download link cannot be requested")
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	start := c.now()
	resp, err := c.dl.Do(req)
	if err != nil {
		c.observe("error", start)
		if ae, ok := AsError(err); ok { // refused by checkDownloadRedirect
			return ae
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL carries the signature
		}
		kind := KindNetwork
		if errors.Is(err, context.DeadlineExceeded) {
			kind = KindTimeout
		}
		return &Error{Kind: kind, Method: http.MethodGet, Path: where, Err: err, Hint: "could not download a report file from " + u.Host}
	}
	defer func() {
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		resp.Body.Close()
	}()
	c.observe(strconv.Itoa(resp.StatusCode), start)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &Error{Kind: KindClient, Method: http.MethodGet, Path: where, Status: resp.StatusCode,
			Hint: "the report file's host refused the download link"}
		switch {
		case resp.StatusCode == http.StatusForbidden:
			e.Kind, e.Hint = KindPermission, "the download link was refused (403): signed links expire soon after GitHub hands them out"
		case resp.StatusCode == http.StatusNotFound:
			e.Kind = KindNotFound
		case resp.StatusCode >= 500:
			e.Kind, e.Hint = KindServer, "the report file's host failed on its side"
		}
		return e
	}
	lr := &limitedReader{r: resp.Body, n: maxBytes}
	err = decode(lr)
	switch {
	case lr.exceeded:
		return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: where,
			Hint: fmt.Sprintf("the report is larger than %d bytes: refused rather than read in part", maxBytes)}
	case err != nil && ctx.Err() != nil:
		return &Error{Kind: KindTimeout, Method: http.MethodGet, Path: where, Err: ctx.Err(), Hint: fmt.Sprintf("the report did not finish downloading within %s", DownloadTimeout)}
	case err != nil:
		return &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: where, Err: err, Hint: "the report file could not be read"}
	}
	return nil
}

// checkDownloadRedirect follows a report file's redirect only on its own
// host, never from https to http: nothing else is ever fetched.
func checkDownloadRedirect(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	switch {
	case len(via) >= 3:
		return &Error{Kind: KindRefused, Method: http.MethodGet, Path: first.Host + first.EscapedPath(), Hint: "too many redirects"}
	case req.URL.Host != first.Host || req.URL.Scheme != first.Scheme:
		return &Error{Kind: KindRefused, Method: http.MethodGet, Path: first.Host + first.EscapedPath(),
			Hint: fmt.Sprintf("a download link redirected to another host (%s): refused, only the links GitHub lists are followed", req.URL.Host)}
	}
	return nil
}
