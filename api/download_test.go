package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// reportHost records every request a report file host sees.
type reportHost struct {
	mu       sync.Mutex
	requests []string // path?query
	creds    []string
	srv      *httptest.Server
}

func newReportHost(t *testing.T, h http.HandlerFunc) *reportHost {
	t.Helper()
	r := &reportHost{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests = append(r.requests, req.URL.RequestURI())
		for _, k := range []string{"Authorization", "Private-Token", "Cookie", "X-Github-Api-Version"} {
			if v := req.Header.Get(k); v != "" {
				r.creds = append(r.creds, k+": "+v)
			}
		}
		r.mu.Unlock()
		h(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *reportHost) seen() (requests, creds []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.requests...), append([]string(nil), r.creds...)
}

func readAll(into *string) func(io.Reader) error {
	return func(r io.Reader) error {
		b, err := io.ReadAll(r)
		*into = string(b)
		return err
	}
}

// TestDownloadCarriesNoCredential: a report link on another host gets the
// exact URL GitHub listed and no credential at all; nothing else is
// requested; a redirect to a third host is refused before it is followed.
func TestDownloadCarriesNoCredential(t *testing.T) {
	elsewhere := newReportHost(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "stolen") })
	files := newReportHost(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, elsewhere.srv.URL+"/catch", http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/part-1.ndjson?sig=abc", http.StatusFound)
		default:
			io.WriteString(w, `{"day":"2025-10-01"}`)
		}
	})
	api := newReportHost(t, func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, `{}`) })
	c := testClient(t, api.srv.URL)
	ctx := context.Background()

	var body string
	if err := c.Download(ctx, files.srv.URL+"/part-1.ndjson?sig=abc&exp=1", 1<<10, readAll(&body)); err != nil {
		t.Fatal(err)
	}
	if body != `{"day":"2025-10-01"}` {
		t.Errorf("body = %q", body)
	}
	// A redirect on the file's own host is followed.
	if err := c.Download(ctx, files.srv.URL+"/moved", 1<<10, readAll(&body)); err != nil {
		t.Errorf("same-host redirect: %v", err)
	}
	err := c.Download(ctx, files.srv.URL+"/away?sig=SECRETSIG", 1<<10, readAll(&body))
	if !IsKind(err, KindRefused) || !strings.Contains(err.Error(), "another host") {
		t.Errorf("redirect to another host: err = %v, want refused", err)
	}
	if err != nil && strings.Contains(err.Error(), "SECRETSIG") {
		t.Errorf("the error quotes the link's signature: %v", err)
	}
	reqs, creds := files.seen()
	if want := []string{"/part-1.ndjson?sig=abc&exp=1", "/moved", "/part-1.ndjson?sig=abc", "/away?sig=SECRETSIG"}; strings.Join(reqs, " ") != strings.Join(want, " ") {
		t.Errorf("report host requests = %q, want %q", reqs, want)
	}
	if len(creds) > 0 {
		t.Errorf("a download carried credentials: %q", creds)
	}
	if reqs, _ := elsewhere.seen(); len(reqs) > 0 {
		t.Errorf("the redirect was followed to another host: %q", reqs)
	}
	if reqs, _ := api.seen(); len(reqs) > 0 {
		t.Errorf("a download went to the API host: %q", reqs)
	}
}

func TestDownloadRefusesLinks(t *testing.T) {
	c := testClient(t, "http://127.0.0.1:1")
	for _, link := range []string{
		"http://reports.example.com/part-1.ndjson?sig=x", // plain http off loopback
		"ftp://reports.example.com/part-1.ndjson",
		"https://user:pw@reports.example.com/part-1.ndjson",
		"/part-1.ndjson",
		"::not a url",
	} {
		err := c.Download(context.Background(), link, 1<<10, func(io.Reader) error { return nil })
		if !IsKind(err, KindRefused) {
			t.Errorf("%s: err = %v, want refused", link, err)
		}
	}
}

// TestDownloadSizeCap: a body at the cap is whole; one byte more fails
// rather than handing back part of the report. 403 says the link expired.
func TestDownloadSizeCap(t *testing.T) {
	files := newReportHost(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ten":
			io.WriteString(w, "0123456789")
		case "/eleven":
			io.WriteString(w, "0123456789A")
		default:
			w.WriteHeader(http.StatusForbidden)
		}
	})
	c := testClient(t, "http://127.0.0.1:1")
	var body string
	if err := c.Download(context.Background(), files.srv.URL+"/ten", 10, readAll(&body)); err != nil || body != "0123456789" {
		t.Errorf("at the cap: %q, %v", body, err)
	}
	if err := c.Download(context.Background(), files.srv.URL+"/eleven", 10, readAll(&body)); !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Errorf("over the cap: err = %v", err)
	}
	if err := c.Download(context.Background(), files.srv.URL+"/expired", 10, readAll(&body)); !IsKind(err, KindPermission) {
		t.Errorf("403: err = %v, want forbidden", err)
	}
}
