// Package api is the one HTTP client of the exporter, for GitHub (Enterprise
// Cloud, GHE.com, Enterprise Server) and GitLab: authentication, rate limits,
// pagination, lenient decoding and errors that say what to do.
package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Flavor selects the API dialect: headers, authentication and error hints.
type Flavor int

// The API dialects.
const (
	GitHub Flavor = iota
	GitLab
)

// Request defaults. The secondary rate limits are the Scheduler's (Limits).
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodyBytes = 32 << 20 // the ceiling; each kind of answer has its own cap (stream.go)
	maxErrorBody        = 16 << 10
)

// MaxRetries is how often an idempotent GET is retried after a 502, 503 or
// 504 without Retry-After, or a dropped connection, each retry going through
// the credential's Scheduler like any other request. 4xx answers are never
// retried: asking again cannot change them, and rate limits are waited out
// by the Scheduler and the collector's backoff.
const MaxRetries = 2

// retryBase is the first retry's backoff; the second waits twice as long.
// Each is jittered over its upper half so that parallel pages that failed
// together do not come back together.
const retryBase = time.Second

// Options configures a Client.
type Options struct {
	Target       string // the target's name, for metrics
	BaseURL      string // api_url; GitLab: the instance URL, /api/v4 is added
	Flavor       Flavor
	Token        TokenSource
	InsecureHTTP bool   // allow a token over plain http to a non-loopback host
	UserAgent    string // e.g. license_exporter/1.0.0
	Timeout      time.Duration
	MaxBodyBytes int64
	// Scheduler paces the requests of the target's credential; targets that
	// share a credential share it (Pool.Scheduler). nil means one of the
	// client's own with the default limits.
	Scheduler *Scheduler
	Metrics   *Metrics
	// Transport is the base transport; nil means a fresh http.Transport.
	// The exporter passes the one it shares between targets (Pool).
	Transport http.RoundTripper
	// Clock is the time the client goes by, and so does the Scheduler it
	// builds when none is given; nil means the system clock.
	Clock Clock
}

// Client is safe for concurrent use. Build one per target and keep it.
type Client struct {
	opts    Options
	base    *url.URL
	http    *http.Client
	dl      *http.Client // download.go: no credential, another host
	sched   *Scheduler
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	jitter  func(time.Duration) time.Duration
	etags   etagStore
	closed  atomic.Bool
	partial ssoPartial // X-GitHub-SSO: partial-results seen on 2xx
	// lastToken is the credential last sent, for Redact.
	lastToken atomic.Pointer[string]
}

// Redact removes the credential this client last sent, and anything shaped
// like a token, from s: for texts that came from the API by another way
// than an *Error (a collector's summary, a label value, a log line).
func (c *Client) Redact(s string) string {
	var secret string
	if p := c.lastToken.Load(); p != nil {
		secret = *p
	}
	return Redact(s, secret)
}

// Close stops the client: requests fail at once and are no longer counted,
// so a target removed by a reload leaves no series behind.
func (c *Client) Close() {
	c.closed.Store(true)
	noteSent(c, "")
}

func (c *Client) observe(code string, start time.Time) {
	if !c.closed.Load() {
		c.opts.Metrics.observe(c.opts.Target, code, c.now().Sub(start))
	}
}

// New builds a client. It refuses to send a token over plain http to a host
// that is not loopback unless InsecureHTTP is set.
func New(o Options) (*Client, error) {
	u, err := ParseBaseURL(o.BaseURL, o.Flavor, o.InsecureHTTP)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Clock == nil {
		o.Clock = systemClock{}
	}
	if o.Scheduler == nil {
		o.Scheduler = NewScheduler(DefaultLimits())
		o.Scheduler.now, o.Scheduler.after = o.Clock.Now, o.Clock.After
	}
	if o.UserAgent == "" {
		o.UserAgent = "license_exporter"
	}
	base := o.Transport
	if base == nil {
		base = NewTransport()
	}
	c := &Client{
		opts: o, base: u, sched: o.Scheduler, now: o.Clock.Now, sleep: sleepOn(o.Clock),
		jitter: func(d time.Duration) time.Duration { return d/2 + rand.N(d/2+1) },
	}
	c.http = &http.Client{
		Transport:     &guard{next: base, host: u.Host, scheme: u.Scheme},
		CheckRedirect: c.checkRedirect,
	}
	c.dl = &http.Client{Transport: base, CheckRedirect: checkDownloadRedirect}
	return c, nil
}

// NewTransport is the base transport: proxies from the environment, and
// timeouts on every phase so a silent server cannot hold a connection forever.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConnsPerHost:    DefaultMaxConcurrency,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  DefaultTimeout,
		MaxResponseHeaderBytes: MaxResponseHeaderBytes,
	}
}

// ParseBaseURL checks api_url. A token goes over plain http only to a
// loopback host, or where the user opted in with insecure_http.
func ParseBaseURL(raw string, flavor Flavor, insecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("api_url %q is not an http(s) URL", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("api_url must not carry credentials, a query or a fragment")
	}
	if u.Scheme == "http" && !insecure && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("api_url %s uses plain http to a host that is not loopback: the token would cross the network unencrypted; use https, or set insecure_http: true for a lab", u.Redacted())
	}
	if flavor == GitLab && !strings.HasSuffix(u.Path, "/api/v4") {
		u.Path += "/api/v4"
	}
	return u, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL is the API root requests are made against.
func (c *Client) BaseURL() string { return c.base.String() }

// RateLimits returns the budgets the API last reported for the credential.
func (c *Client) RateLimits() []RateLimit { return c.sched.rate.snapshot() }

// Concurrency is the most requests the client's credential has in flight.
func (c *Client) Concurrency() int {
	c.sched.mu.Lock()
	defer c.sched.mu.Unlock()
	return c.sched.lim.Concurrency
}

// Response is the part of an answer the collectors need besides the body.
// Status is 304 when the API answered Not Modified and the result kept from
// the last 200 was handed back.
type Response struct {
	Status int
	Header http.Header
	URL    *url.URL
}

// GetJSON fetches path (relative to the base URL) and decodes the JSON body
// into v as it streams in.
func (c *Client) GetJSON(ctx context.Context, path string, query url.Values, v any) (*Response, error) {
	return c.GetJSONUpTo(ctx, path, query, v, MaxJSONBytes)
}

// GetJSONUpTo is GetJSON for an answer that may be up to maxBytes long (a
// report); lists in it are decoded an element at a time.
//
// The request is conditional: the decoded result is kept with the answer's
// ETag, and when the API answers 304 Not Modified (which costs GitHub's
// primary budget nothing) v is set to the kept result without decoding
// anything, and the Response has Status 304 and the kept headers under the
// 304's own. The kept result shares its slices and maps with v: callers
// must treat what they decode as read-only.
func (c *Client) GetJSONUpTo(ctx context.Context, path string, query url.Values, v any, maxBytes int64) (*Response, error) {
	return c.getJSON(ctx, c.resolve(path, query), v, maxBytes)
}

// GetJSONURL is GetJSON of a URL on api_url's host outside its API root
// (GitLab's /api/graphql), conditional alike.
func (c *Client) GetJSONURL(ctx context.Context, u *url.URL, v any) (*Response, error) {
	return c.getJSON(ctx, u, v, MaxJSONBytes)
}

func (c *Client) getJSON(ctx context.Context, u *url.URL, v any, maxBytes int64) (*Response, error) {
	rv := reflect.ValueOf(v)
	var cond *conditional
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		// Keyed by the type too: two callers that decode one URL into
		// different types each keep their own.
		cond = &conditional{key: u.String() + " " + rv.Type().String()}
	}
	resp, err := c.get(ctx, u, func(body io.Reader) error {
		// A retry decodes again: start from the zero value, not from what
		// the broken attempt left behind.
		if cond != nil {
			rv.Elem().SetZero()
		}
		return decodeStream(body, v)
	}, cond, maxBytes)
	if err != nil || cond == nil {
		return resp, err
	}
	if resp.Status == http.StatusNotModified {
		kept := reflect.ValueOf(cond.sent.value)
		if !kept.IsValid() || kept.Type() != rv.Elem().Type() {
			return resp, &Error{Kind: KindBadResponse, Method: http.MethodGet, Path: u.Path,
				Hint: "an answer kept for reuse does not fit the request (a bug: please report it)"}
		}
		rv.Elem().Set(kept)
		h := cond.sent.header.Clone()
		for k, vs := range resp.Header {
			h[k] = vs
		}
		resp.Header = h
		return resp, nil
	}
	if etag := resp.Header.Get("ETag"); etag != "" && cond.size <= maxKeptBytes {
		c.etags.store(cond.key, cond.fp, &etagEntry{etag: etag, value: rv.Elem().Interface(), header: resp.Header.Clone()}, c.now())
	} else {
		c.etags.drop(cond.key)
	}
	return resp, nil
}

// GetBytes fetches path and returns the body, for non-JSON answers (CSV).
func (c *Client) GetBytes(ctx context.Context, path string, query url.Values) ([]byte, *Response, error) {
	var b []byte
	resp, err := c.Get(ctx, c.resolve(path, query), func(body io.Reader) (err error) {
		b, err = io.ReadAll(body)
		return err
	})
	return b, resp, err
}

func (c *Client) resolve(path string, query url.Values) *url.URL {
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + "/" + strings.TrimLeft(path, "/")
	u.RawQuery = query.Encode()
	return &u
}

// Get sends one GET and hands a successful body to decode. Non-2xx answers,
// transport failures and decode failures come back as *Error. A transient
// failure is retried up to MaxRetries times, so decode must start afresh on
// each call.
func (c *Client) Get(ctx context.Context, u *url.URL, decode func(io.Reader) error) (*Response, error) {
	return c.get(ctx, u, decode, nil, c.opts.MaxBodyBytes)
}

// conditional makes a request conditional on the ETag stored under key for
// the token the request is sent with.
type conditional struct {
	key  string
	fp   [16]byte   // the token's fingerprint, set when the request is sent
	sent *etagEntry // the entry whose ETag went as If-None-Match, if any
	size int64      // the bytes of a 2xx body read by decode
}

// get is Get, conditional when cond is set: a 304 then comes back as a
// Response with Status 304 and no error, and cond.sent holds what to reuse.
func (c *Client) get(ctx context.Context, u *url.URL, decode func(io.Reader) error, cond *conditional, maxBody int64) (*Response, error) {
	if u.Host != c.base.Host || u.Scheme != c.base.Scheme {
		return nil, &Error{Kind: KindRefused, Method: http.MethodGet, Path: u.Path, OtherHost: u.Host,
			Hint: fmt.Sprintf("the API pointed to another host (%s)", u.Host)}
	}
	for attempt := 0; ; attempt++ {
		r, err := c.getOnce(ctx, u, decode, cond, min(maxBody, c.opts.MaxBodyBytes))
		if err == nil || attempt >= MaxRetries {
			return r, err
		}
		wait, ok := c.retryWait(err, attempt)
		if !ok {
			return r, err
		}
		if c.sleep(ctx, wait) != nil {
			return r, err
		}
	}
}

// retryWait says whether err is worth a retry and after how long: only
// answers that may differ next time (502, 503, 504, a dropped or broken
// connection), never a 4xx or a timeout, which has already spent its 30 s.
func (c *Client) retryWait(err error, attempt int) (time.Duration, bool) {
	e, ok := AsError(err)
	if !ok {
		return 0, false
	}
	if !e.RetryAt.IsZero() {
		// The API said when (Retry-After, a rate-limit reset): the
		// credential's Scheduler holds every request until then, and the
		// collector's next refresh starts after it.
		return 0, false
	}
	switch {
	case e.Kind == KindServer && (e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable || e.Status == http.StatusGatewayTimeout):
	case e.Kind == KindNetwork && !e.HeaderOverflow(): // the same headers would come again
	case e.Kind == KindBadResponse && errors.Is(e.Err, io.ErrUnexpectedEOF):
	default:
		return 0, false
	}
	// Never longer than a request may take: a client with short timeouts
	// (tests, the benchmark) retries as briskly.
	return c.jitter(min(retryBase<<attempt, c.opts.Timeout)), true
}

// getOnce sends one request, admitted by the credential's Scheduler, which
// it tells how long the answer took.
func (c *Client) getOnce(ctx context.Context, u *url.URL, decode func(io.Reader) error, cond *conditional, maxBody int64) (_ *Response, err error) {
	var token string
	defer func() {
		// Whatever the API, a proxy or the network said goes through here
		// before anyone sees it: an echoed Authorization header never
		// reaches a log line, check or the status page.
		// A copy: an *Error may be shared (a scheduler hands one to every
		// request it turns away), and redacting it in place would race.
		if e, ok := err.(*Error); ok {
			r := *e
			r.redact(token)
			err = &r
		}
	}()
	fail := func(k Kind, err error, hint string) *Error {
		return &Error{Kind: k, Method: http.MethodGet, Path: u.Path, Err: err, Hint: hint}
	}
	if c.closed.Load() {
		return nil, fail(KindRefused, nil, "the target was removed or changed by a reload")
	}
	token, err = c.opts.Token.Token(ctx)
	if err != nil {
		return nil, fail(KindAuth, err, "")
	}
	if !httpguts.ValidHeaderFieldValue(token) {
		// net/http would refuse it with an error that reads like a
		// network failure; say what it is, and never send it.
		e := fail(KindAuth, nil, "the credential holds a byte a header cannot carry")
		e.TokenUnusable = true
		return nil, e
	}
	ticket, err := c.sched.Acquire(ctx, u.Path)
	if err != nil {
		return nil, err
	}
	defer ticket.Done()

	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fail(KindRefused, err, "")
	}
	if last := c.lastToken.Load(); last == nil || *last != token {
		c.lastToken.Store(&token)
		noteSent(c, token)
	}
	c.setHeaders(req, token)
	if cond != nil {
		cond.fp = fingerprint(token)
		if cond.sent = c.etags.lookup(cond.key, cond.fp, c.now()); cond.sent != nil {
			req.Header.Set("If-None-Match", cond.sent.etag)
		}
	}

	start := c.now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.observe("error", start)
		return nil, c.transportError(u.Path, err)
	}
	defer func() {
		// Drain a little so the connection can be reused, then close.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		resp.Body.Close()
	}()
	c.sched.rate.observe(resp.Header, c.now())
	r := &Response{Status: resp.StatusCode, Header: resp.Header, URL: resp.Request.URL}

	if resp.StatusCode == http.StatusNotModified {
		c.observe("304", start)
		if cond == nil || cond.sent == nil {
			return r, fail(KindBadResponse, nil, "the API answered 304 Not Modified to a request that was not conditional")
		}
		return r, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		c.observe(strconv.Itoa(resp.StatusCode), start)
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		e := classify(c.opts.Flavor, http.MethodGet, u.Path, resp, body, c.now())
		if e.Kind == KindRateLimit {
			// A rate limit holds for every target of the credential. A 503's
			// Retry-After holds for its endpoint only (the collector waits
			// until then): one backend in maintenance is not the whole API.
			c.sched.rate.block(e.RetryAt)
		}
		return r, e
	}
	c.partial.note(u.Path, resp.Header)
	if isHTML(resp.Header) {
		c.observe(strconv.Itoa(resp.StatusCode), start)
		e := fail(KindBadResponse, nil, "the answer was an HTML page, not the API")
		e.HTML = true
		return r, e
	}
	lr := &limitedReader{r: resp.Body, n: maxBody}
	err = decode(lr)
	if cond != nil {
		cond.size = maxBody - lr.n
	}
	c.observe(strconv.Itoa(resp.StatusCode), start)
	switch {
	case err == nil:
		return r, nil
	case lr.exceeded:
		return r, fail(KindBadResponse, nil, fmt.Sprintf("the answer is larger than %d bytes", maxBody))
	case errors.Is(err, errElementTooLarge):
		return r, fail(KindBadResponse, nil, fmt.Sprintf("one entry of the answer is larger than %d bytes", MaxElementBytes))
	case ctx.Err() != nil:
		return r, fail(KindTimeout, ctx.Err(), fmt.Sprintf("the answer did not finish within %s (a stalled or endless body)", c.opts.Timeout))
	default:
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return r, fail(KindBadResponse, err, "the answer ended early: the connection broke or the API sent truncated JSON")
		}
		var netErr net.Error
		if errors.As(err, &netErr) {
			return r, fail(KindNetwork, err, "the connection broke while reading the answer")
		}
		if strings.Contains(err.Error(), "invalid character '<'") { // HTML sent as JSON
			e := fail(KindBadResponse, err, "the answer was an HTML page, not the API")
			e.HTML = true
			return r, e
		}
		return r, fail(KindBadResponse, err, "the answer is not the JSON the API documents")
	}
}

func (c *Client) setHeaders(req *http.Request, token string) {
	req.Header.Set("User-Agent", c.opts.UserAgent)
	switch c.opts.Flavor {
	case GitLab:
		req.Header.Set("Accept", "application/json")
		req.Header.Set("PRIVATE-TOKEN", token)
	default:
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		req.Header.Set("Authorization", "Bearer "+token)
	}
}

func (c *Client) transportError(path string, err error) *Error {
	e := &Error{Method: http.MethodGet, Path: path, Kind: KindNetwork}
	if ae, ok := AsError(err); ok { // refused by checkRedirect or guard
		return ae
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop the URL: it is in Path already
	}
	e.Err = err
	switch {
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		e.Kind, e.Hint = KindTimeout, fmt.Sprintf("no answer within %s", c.opts.Timeout)
	case e.HeaderOverflow():
		// The API answered, too much: not a network failure, and asking
		// again would bring the same headers.
		e.Kind = KindBadResponse
	}
	return e
}

// checkRedirect follows a redirect only on the same host and scheme: a token
// never leaves for another host, whatever headers were set.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return &Error{Kind: KindRefused, Method: http.MethodGet, Path: via[0].URL.Path, Hint: "too many redirects"}
	}
	if req.URL.Host != c.base.Host || req.URL.Scheme != c.base.Scheme {
		return &Error{Kind: KindRefused, Method: http.MethodGet, Path: via[0].URL.Path, OtherHost: req.URL.Host,
			Hint: fmt.Sprintf("redirect to another host (%s) refused", req.URL.Host)}
	}
	return nil
}

type limitedReader struct {
	r        io.Reader
	n        int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		// At the cap: a body that ends exactly here is still whole.
		var one [1]byte
		if n, err := l.r.Read(one[:]); n == 0 && err != nil {
			return 0, err
		}
		l.exceeded = true
		return 0, errors.New("response body too large")
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
