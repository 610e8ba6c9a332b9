package api

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }

func newTestClient(t *testing.T, h http.Handler, flavor Flavor) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Options{Target: "t", BaseURL: srv.URL, Flavor: flavor, Token: staticToken("s3cret"), UserAgent: "license_exporter/test",
		Timeout: testTimeout, Clock: newFakeClock()})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv
}

func TestHeaders(t *testing.T) {
	var got http.Header
	var path string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, path = r.Header.Clone(), r.URL.Path
		fmt.Fprint(w, `{}`)
	})
	c, _ := newTestClient(t, h, GitHub)
	var v struct{}
	if _, err := c.GetJSON(context.Background(), "/enterprises/e/consumed-licenses", nil, &v); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{
		"Accept": "application/vnd.github+json", "X-Github-Api-Version": "2022-11-28",
		"Authorization": "Bearer s3cret", "User-Agent": "license_exporter/test",
	} {
		if got.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, got.Get(k), want)
		}
	}
	if path != "/enterprises/e/consumed-licenses" {
		t.Errorf("path = %s", path)
	}

	gl, _ := newTestClient(t, h, GitLab)
	if _, err := gl.GetJSON(context.Background(), "license", nil, &v); err != nil {
		t.Fatal(err)
	}
	if got.Get("PRIVATE-TOKEN") != "s3cret" || got.Get("Authorization") != "" || path != "/api/v4/license" {
		t.Errorf("GitLab: PRIVATE-TOKEN %q, Authorization %q, path %s", got.Get("PRIVATE-TOKEN"), got.Get("Authorization"), path)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name    string
		status  int
		headers map[string]string
		body    string
		kind    Kind
		fact    string
	}{
		{"401", 401, nil, `{"message":"Bad credentials"}`, KindAuth, `401 Unauthorized ("Bad credentials")`},
		{"403 scope", 403, map[string]string{"X-Accepted-OAuth-Scopes": "manage_billing:enterprise, read:enterprise", "X-OAuth-Scopes": "repo"}, `{"message":"Must have admin rights"}`, KindPermission, `accepted scopes "manage_billing:enterprise, read:enterprise", token scopes "repo"`},
		{"403 fine-grained", 403, map[string]string{"X-Accepted-GitHub-Permissions": "enterprise_administration=read"}, `{}`, KindPermission, "enterprise_administration=read"},
		{"404", 404, nil, `{"message":"Not Found"}`, KindNotFound, "404 Not Found"},
		{"410", 410, nil, `{"message":"This endpoint has been moved."}`, KindGone, "410 Gone"},
		{"429", 429, map[string]string{"Retry-After": "120"}, `{}`, KindRateLimit, "429 Too Many Requests (retry after "},
		{"403 secondary", 403, map[string]string{"Retry-After": "30"}, `{"message":"You have exceeded a secondary rate limit"}`, KindRateLimit, "(retry after "},
		{"403 primary", 403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "5000", "X-RateLimit-Reset": strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}, `{"message":"API rate limit exceeded"}`, KindRateLimit, "(retry after "},
		{"502 html", 502, map[string]string{"Content-Type": "text/html"}, `<html><body>Bad gateway</body></html>`, KindServer, "an HTML page"},
		{"500", 500, nil, `{"message":"oops"}`, KindServer, `500 Internal Server Error ("oops")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}), GitHub)
			var v any
			_, err := c.GetJSON(context.Background(), "/x", nil, &v)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("error %v is not an *api.Error", err)
			}
			if e.Kind != tc.kind || !strings.Contains(e.Error(), tc.fact) {
				t.Errorf("kind %v error %q; want kind %v containing %q", e.Kind, e, tc.kind, tc.fact)
			}
			// Facts only: the fix is collector.Explain's, said once.
			for _, advice := range []string{"check ", "replace", "raise ", "remove ", "set ", "upgrade", "retries", "token_file", "api_url"} {
				if strings.Contains(e.Error(), advice) {
					t.Errorf("the error gives advice (%q): %s", advice, e)
				}
			}
			if strings.Contains(e.Error(), "s3cret") {
				t.Errorf("error leaks the token: %s", e)
			}
			if tc.kind == KindRateLimit && !e.RetryAt.After(time.Now()) {
				t.Errorf("rate limit error without a retry time: %v", e.RetryAt)
			}
		})
	}
}

func TestRateLimitBlocksUntilReset(t *testing.T) {
	var hits atomic.Int32
	reset := time.Now().Add(time.Hour).Unix()
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		fmt.Fprint(w, `{}`)
	}), GitHub)
	var v any
	if _, err := c.GetJSON(context.Background(), "/x", nil, &v); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetJSON(context.Background(), "/x", nil, &v)
	if !IsKind(err, KindRateLimit) || hits.Load() != 1 {
		t.Errorf("with the budget spent the client must send nothing until the reset: err %v, hits %d", err, hits.Load())
	}
	rl := c.RateLimits()
	if len(rl) != 1 || rl[0].Resource != "core" || rl[0].Limit != 5000 || rl[0].Reset.Unix() != reset {
		t.Errorf("rate limits = %+v", rl)
	}
}

func TestHTMLOn200AndBadJSON(t *testing.T) {
	for name, tc := range map[string]struct {
		ct, body, want string
	}{
		"html":      {"text/html; charset=utf-8", "<html>login</html>", "HTML page"},
		"truncated": {"application/json", `{"users": [{"a": 1}`, "ended early"},
		"not json":  {"application/json", `hello`, "not the JSON"},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tc.ct)
				fmt.Fprint(w, tc.body)
			}), GitHub)
			var v any
			_, err := c.GetJSON(context.Background(), "/x", nil, &v)
			if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want bad_response with %q", err, tc.want)
			}
		})
	}
}

func TestBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"a": "%s"}`, strings.Repeat("x", 2000))
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL, Token: staticToken("t"), MaxBodyBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if _, err := c.GetJSON(context.Background(), "/x", nil, &v); !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), "larger than 1000 bytes") {
		t.Errorf("err = %v", err)
	}
	c2, _ := New(Options{BaseURL: srv.URL, Token: staticToken("t"), MaxBodyBytes: 2009})
	if _, err := c2.GetJSON(context.Background(), "/x", nil, &v); err != nil {
		t.Errorf("a body exactly at the cap is whole: %v", err)
	}
}

func TestRedirectToAnotherHostRefused(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Store(true)
		}
		fmt.Fprint(w, `{}`)
	}))
	defer other.Close()
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/x", http.StatusFound)
			return
		}
		if r.URL.Path == "/x" {
			fmt.Fprint(w, `{}`)
			return
		}
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	}), GitHub)
	var v any
	_, err := c.GetJSON(context.Background(), "/away", nil, &v)
	if !IsKind(err, KindRefused) || !strings.Contains(err.Error(), "another host") || leaked.Load() {
		t.Errorf("err %v, token leaked %v", err, leaked.Load())
	}
	if _, err := c.GetJSON(context.Background(), "/same", nil, &v); err != nil {
		t.Errorf("a redirect on the same host is followed: %v", err)
	}
}

func TestParseBaseURL(t *testing.T) {
	for _, tc := range []struct {
		raw      string
		flavor   Flavor
		insecure bool
		want     string
		ok       bool
	}{
		{"https://api.github.com", GitHub, false, "https://api.github.com", true},
		{"https://api.acme.ghe.com/", GitHub, false, "https://api.acme.ghe.com", true},
		{"https://ghes.example.com/api/v3", GitHub, false, "https://ghes.example.com/api/v3", true},
		{"https://gitlab.example.com/", GitLab, false, "https://gitlab.example.com/api/v4", true},
		{"https://gitlab.example.com/api/v4", GitLab, false, "https://gitlab.example.com/api/v4", true},
		{"http://127.0.0.1:8080", GitHub, false, "http://127.0.0.1:8080", true},
		{"http://ghes.example.com/api/v3", GitHub, false, "", false},
		{"http://ghes.example.com/api/v3", GitHub, true, "http://ghes.example.com/api/v3", true},
		{"https://user:pw@ghes.example.com", GitHub, false, "", false},
		{"ftp://x", GitHub, false, "", false},
	} {
		u, err := ParseBaseURL(tc.raw, tc.flavor, tc.insecure)
		if (err == nil) != tc.ok || (tc.ok && u.String() != tc.want) {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want %q ok=%v", tc.raw, u, err, tc.want, tc.ok)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("error leaks the URL's password: %v", err)
		}
	}
}

func TestConcurrencyBound(t *testing.T) {
	var mu sync.Mutex
	in, peak := 0, 0
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		in++
		peak = max(peak, in)
		mu.Unlock()
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		in--
		mu.Unlock()
		fmt.Fprint(w, `{}`)
	}), GitHub)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var v any
			_, _ = c.GetJSON(context.Background(), "/x", nil, &v)
		}()
	}
	wg.Wait()
	if peak > DefaultMaxConcurrency {
		t.Errorf("%d requests in flight, want at most %d", peak, DefaultMaxConcurrency)
	}
}

// TestRetryAfterOn503HoldsOnlyItsEndpoint: a 503 with Retry-After (one
// backend in maintenance) is not retried within the refresh and does not
// hold the credential's other endpoints; the collector's next refresh waits
// for RetryAt. Rate limits, by contrast, hold everything (ratelimit_test.go).
func TestRetryAfterOn503HoldsOnlyItsEndpoint(t *testing.T) {
	var hits atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/maintenance" {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, `{}`)
	}), GitHub)
	var v any
	_, err := c.GetJSON(context.Background(), "/maintenance", nil, &v)
	if e, ok := AsError(err); !ok || e.Kind != KindServer || e.RetryAt.Sub(clockOf(c).Now()) != time.Minute {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.GetJSON(context.Background(), "/another/endpoint", nil, &v); err != nil || hits.Load() != 2 {
		t.Errorf("another endpoint after a 503 with Retry-After: %d requests, err %v", hits.Load(), err)
	}
}
