package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

func TestPlainHTTPOnlyToLoopback(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api.github.com":       true,
		"http://127.0.0.1:8080":        true,
		"http://localhost:3000/api/v3": true,
		"http://[::1]:9000":            true,
		"http://ghes.example.com":      false,
		"http://10.0.0.5/api/v3":       false,
		"http://127.0.0.1.nip.io":      false,
		"ftp://ghes.example.com":       false,
	} {
		_, err := ParseBaseURL(raw, GitHub, false)
		if (err == nil) != ok {
			t.Errorf("%s: err = %v, want ok=%v", raw, err, ok)
		}
		if err != nil && strings.HasPrefix(raw, "http://") && !strings.Contains(err.Error(), "insecure_http: true") {
			t.Errorf("%s: the refusal does not name the opt-out: %v", raw, err)
		}
		if _, err := New(Options{BaseURL: raw, Token: staticToken("x")}); (err == nil) != ok {
			t.Errorf("New(%s): err = %v, want ok=%v", raw, err, ok)
		}
	}
	if _, err := ParseBaseURL("http://ghes.example.com/api/v3", GitHub, true); err != nil {
		t.Errorf("insecure_http must allow a lab: %v", err)
	}
	if _, err := ParseBaseURL("https://user:pw@ghes.example.com", GitHub, false); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("credentials in api_url: %v", err)
	}
}

// recorder is a server that records the credentials and methods it saw.
type recorder struct {
	mu      sync.Mutex
	methods []string
	creds   []string
	srv     *httptest.Server
}

func newRecorder(t *testing.T, h http.HandlerFunc) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.methods = append(r.methods, req.Method)
		for _, k := range []string{"Authorization", "Private-Token", "Cookie"} {
			if v := req.Header.Get(k); v != "" {
				r.creds = append(r.creds, k+": "+v)
			}
		}
		r.mu.Unlock()
		if h != nil {
			h(w, req)
			return
		}
		_, _ = io.WriteString(w, `{}`)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) seen() (methods, creds []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.methods...), append([]string(nil), r.creds...)
}

// TestGuardStripsCredentials calls the guard transport directly, the way
// any code above it could, with credentials set by hand.
func TestGuardStripsCredentials(t *testing.T) {
	other := newRecorder(t, nil)
	api := newRecorder(t, nil)
	apiURL, _ := url.Parse(api.srv.URL)
	g := &guard{next: http.DefaultTransport, host: apiURL.Host, scheme: "http"}
	send := func(target string) {
		req, _ := http.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer ghp_secret")
		req.Header.Set("PRIVATE-TOKEN", "glpat-secret")
		req.Header.Set("Cookie", "session=secret")
		resp, err := g.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Header.Get("Authorization") == "" {
			t.Error("the guard changed the caller's request instead of a copy")
		}
	}
	send(other.srv.URL + "/x")
	if _, creds := other.seen(); len(creds) != 0 {
		t.Errorf("another host received %v", creds)
	}
	send(api.srv.URL + "/x")
	if _, creds := api.seen(); len(creds) != 3 {
		t.Errorf("the API host received %v, want all three", creds)
	}
	// A downgrade from https to http on the API's own host: no credentials.
	g.scheme = "https"
	before := len(func() []string { _, c := api.seen(); return c }())
	send(api.srv.URL + "/x")
	if _, creds := api.seen(); len(creds) != before {
		t.Errorf("plain http after https received %v", creds[before:])
	}
}

// TestRedirectElsewhereNeverCarriesToken: the client refuses the redirect;
// and even an http.Client that follows redirects (Go keeps Authorization on
// a redirect to the same IP on another port) sends no token through the
// guard.
func TestRedirectElsewhereNeverCarriesToken(t *testing.T) {
	other := newRecorder(t, nil)
	redirect := func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.srv.URL+"/stolen", http.StatusFound)
	}
	api := newRecorder(t, redirect)
	c := testClient(t, api.srv.URL)
	var v any
	_, err := c.GetJSON(context.Background(), "/enterprises/e/consumed-licenses", nil, &v)
	if e, ok := AsError(err); !ok || e.Kind != KindRefused || !strings.Contains(e.Error(), "redirect to another host") {
		t.Errorf("err = %v, want a refused redirect", err)
	}
	if m, _ := other.seen(); len(m) != 0 {
		t.Errorf("the client followed the redirect: %v", m)
	}
	if strings.Contains(err.Error(), "ghp_") {
		t.Errorf("the error holds the token: %v", err)
	}

	follow := &http.Client{Transport: c.http.Transport} // the guard, no CheckRedirect
	req, _ := http.NewRequest(http.MethodGet, api.srv.URL+"/x", nil)
	req.Header.Set("Authorization", "Bearer ghp_secret")
	resp, err := follow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if m, creds := other.seen(); len(m) != 1 || len(creds) != 0 {
		t.Errorf("other host: methods %v, credentials %v; want one request without credentials", m, creds)
	}
}

func TestSameHostRedirectFollowed(t *testing.T) {
	var api *recorder
	api = newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, api.srv.URL+"/new", http.StatusMovedPermanently)
			return
		}
		_, _ = io.WriteString(w, `{"ok": true}`)
	})
	c := testClient(t, api.srv.URL)
	var v struct{ OK Bool }
	if _, err := c.GetJSON(context.Background(), "/old", nil, &v); err != nil || !v.OK.True() {
		t.Errorf("same-host redirect: %v %+v", err, v)
	}
}

func TestOnlyGET(t *testing.T) {
	api := newRecorder(t, nil)
	c := testClient(t, api.srv.URL)
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions} {
		req, _ := http.NewRequest(m, api.srv.URL+"/enterprises/e/consumed-licenses", strings.NewReader("{}"))
		if resp, err := c.http.Do(req); err == nil {
			resp.Body.Close()
			t.Errorf("%s was sent", m)
		} else if !strings.Contains(err.Error(), "GET requests only") {
			t.Errorf("%s: %v", m, err)
		}
	}
	// The one exception: a GitHub App's token exchange.
	req, _ := http.NewRequest(http.MethodPost, api.srv.URL+"/app/installations/42/access_tokens", nil)
	if resp, err := c.http.Do(req); err != nil {
		t.Errorf("the App token exchange was refused: %v", err)
	} else {
		resp.Body.Close()
	}
	if methods, _ := api.seen(); len(methods) != 1 {
		t.Errorf("the server saw %v", methods)
	}
}
