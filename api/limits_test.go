package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestBodySizeCap(t *testing.T) {
	const limit = 1024
	body := func(n int) string { return `"` + strings.Repeat("x", n-2) + `"` }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/exact":
			_, _ = io.WriteString(w, body(limit))
		default:
			_, _ = io.WriteString(w, body(limit+1))
		}
	}))
	defer srv.Close()
	c := testClient(t, srv.URL, func(o *Options) { o.MaxBodyBytes = limit })
	var s string
	if _, err := c.GetJSON(context.Background(), "/exact", nil, &s); err != nil || len(s) != limit-2 {
		t.Errorf("a body of exactly the cap: %v", err)
	}
	_, err := c.GetJSON(context.Background(), "/big", nil, &s)
	if e, ok := AsError(err); !ok || e.Kind != KindBadResponse || !strings.Contains(e.Hint, "larger than 1024 bytes") {
		t.Errorf("a body over the cap: %v", err)
	}
}

// TestInFlightBounded paginates a large listing against the simulator with
// latency: pages go in parallel, but never more than the cap at once.
func TestInFlightBounded(t *testing.T) {
	sim := simulator.New(simulator.Options{LargeUsers: 3000, Latency: 20 * time.Millisecond})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c := testClient(t, srv.URL, func(o *Options) { o.Token = staticToken(simulator.DemoToken) })
	pages := 0
	err := Paginate(context.Background(), c, "/enterprises/large-corp/consumed-licenses", nil, func(*struct{}) error {
		pages++
		return nil
	})
	if err != nil || pages != 30 {
		t.Fatalf("pages %d, err %v", pages, err)
	}
	if n := sim.MaxInFlight(); n > DefaultMaxConcurrency || n < 2 {
		t.Errorf("max in flight = %d; want parallel pages, at most %d", n, DefaultMaxConcurrency)
	}
}

func TestLinkLoopDetected(t *testing.T) {
	hits := 0
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		// Page 2 points back at page 1, written out (the first request
		// had no page parameter at all).
		next := "2"
		if r.URL.Query().Get("page") == "2" {
			next = "1"
		}
		w.Header().Set("Link", `<`+srv.URL+r.URL.Path+`?per_page=100&page=`+next+`>; rel="next"`)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c := testClient(t, srv.URL)
	err := Paginate(context.Background(), c, "/list", nil, func(*struct{}) error { return nil })
	if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), "loops back") {
		t.Errorf("err = %v", err)
	}
	if hits != 2 {
		t.Errorf("%d requests; the loop should be seen after 2", hits)
	}
}
