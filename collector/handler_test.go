package collector

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/config"
)

func TestScrapeTimeout(t *testing.T) {
	const def, maxWait, off = 10 * time.Second, 2 * time.Minute, 500 * time.Millisecond
	for header, want := range map[string]time.Duration{
		"":        def - off,
		"15":      14500 * time.Millisecond,
		"0.25":    250 * time.Millisecond, // the offset would leave nothing: keep the whole budget
		"-3":      def - off,
		"NaN":     def - off,
		"+Inf":    def - off,
		"3600":    maxWait - off, // a scraper cannot hold a connection for an hour
		"1e300":   maxWait - off, // would overflow time.Duration
		"garbage": def - off,
	} {
		if got := scrapeTimeout(header, def, maxWait, off); got != want {
			t.Errorf("scrapeTimeout(%q) = %v, want %v", header, got, want)
		}
	}
	if got := scrapeTimeout("", 5*time.Minute, maxWait, 0); got != maxWait {
		t.Errorf("a default above the cap: %v, want %v", got, maxWait)
	}
}

// TestHandlerMaxRequests holds one scrape inside the handler (its refresh
// waits on an API that does not answer) and checks that the next request is
// turned away with 503 at once, and served again once the first is done.
func TestHandlerMaxRequests(t *testing.T) {
	hit := make(chan struct{}, 1)
	release := make(chan struct{})
	apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case hit <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.NotFound(w, r)
	}))
	defer apiSrv.Close()
	defer close(release)
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("t0k"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse([]byte("targets:\n  - {name: acme, type: github, api_url: "+apiSrv.URL+
		", enterprise: e, token_file: "+tok+", collectors: [consumed_licenses]}\n"), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{})
	defer e.Close()
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.Handler(HandlerOptions{MaxRequests: 1, DefaultTimeout: time.Minute}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-hit // the first scrape is in the handler, waiting on the API

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "Limit of concurrent requests reached (1)") {
		t.Errorf("second scrape beyond --web.max-requests=1: %d %s", resp.StatusCode, body)
	}
	cancel()
	<-first
	// The slot is free again once the first request has returned.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx2, http.MethodGet, srv.URL, nil)
		req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "0.05")
		resp, err := http.DefaultClient.Do(req)
		cancel2()
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the slot was never released")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
