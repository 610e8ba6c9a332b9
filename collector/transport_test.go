package collector

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// connCounter serves the simulator and counts the connections open to it.
type connCounter struct {
	srv  *httptest.Server
	mu   sync.Mutex
	open map[net.Conn]bool
	made int
}

func newConnCounter(t *testing.T) *connCounter {
	c := &connCounter{open: map[net.Conn]bool{}}
	c.srv = httptest.NewUnstartedServer(simulator.New(simulator.Options{}))
	c.srv.Config.ConnState = func(conn net.Conn, s http.ConnState) {
		c.mu.Lock()
		defer c.mu.Unlock()
		switch s {
		case http.StateNew:
			c.open[conn] = true
			c.made++
		case http.StateClosed, http.StateHijacked:
			delete(c.open, conn)
		}
	}
	c.srv.Start()
	t.Cleanup(c.srv.Close)
	return c
}

func (c *connCounter) counts() (open, made int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.open), c.made
}

// eventually polls cond until it holds or d has passed: goroutines and
// connections end asynchronously once closed.
func eventually(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestReloadsShareOneTransport reloads 100 times a configuration whose
// targets change each time (two enterprises on one host, as on
// api.github.com): connections are shared and reused, goroutines do not pile
// up, and once no target uses the host its connections close at once, not
// at the idle timeout.
func TestReloadsShareOneTransport(t *testing.T) {
	api := newConnCounter(t)
	other := newConnCounter(t)
	tok := tokenFile(t)
	e := New(Options{})
	defer e.Close()
	apply := func(url string, i int) {
		t.Helper()
		yml := fmt.Sprintf(`targets:
  - {name: a, type: github, enterprise: %[1]s, api_url: '%[2]s', token_file: %[3]s, collectors: [consumed_licenses], refresh_interval: %[4]dm}
  - {name: b, type: github, enterprise: %[1]s, api_url: '%[2]s', token_file: %[3]s, collectors: [consumed_licenses], refresh_interval: %[4]dm}
`, simulator.FixtureEnterprise, url, tok, i+1)
		cfg, err := config.Parse([]byte(yml), Catalog())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ApplyConfig(cfg); err != nil {
			t.Fatal(err)
		}
		for _, st := range e.RefreshAll(context.Background()) {
			if !st.Succeeded() {
				t.Fatalf("reload %d: %s: %v", i, st.Collector, st.LastError)
			}
		}
	}
	apply(api.srv.URL, 0)
	base := runtime.NumGoroutine()
	for i := 1; i <= 100; i++ {
		apply(api.srv.URL, i)
		if tr, sc := e.pool.Len(); tr != 1 || sc != 1 {
			t.Fatalf("reload %d: %d transports, %d schedulers held; want one each for the two targets", i, tr, sc)
		}
	}
	open, made := api.counts()
	if open > 4 || made > 4 { // two targets refreshing at once: a few, never one per reload
		t.Errorf("after 100 reloads: %d connections open, %d made; the targets should share and reuse a few", open, made)
	}
	// A leak of one goroutine a reload would leave 100 more; a few more
	// than at the start are goroutines of the last reload still winding
	// down on a busy machine, and the generous wait returns as soon as the
	// count is down, so neither decides the result on a healthy run.
	if !eventually(30*time.Second, func() bool { return runtime.NumGoroutine() <= base+20 }) {
		t.Errorf("goroutines grew from %d to %d over 100 reloads", base, runtime.NumGoroutine())
	}
	// Move both targets to another host: the first host's connections go.
	apply(other.srv.URL, 101)
	if !eventually(30*time.Second, func() bool { open, _ := api.counts(); return open == 0 }) {
		open, _ := api.counts()
		t.Errorf("%d connections to a host no target uses are still open", open)
	}
	if tr, _ := e.pool.Len(); tr != 1 {
		t.Errorf("%d transports held, want 1", tr)
	}
}

// TestReloadChangesMaxConcurrentRequests: a reload raises
// max_concurrent_requests as well as lowering it (the credential's scheduler
// used to keep the lowest value it had ever been given).
func TestReloadChangesMaxConcurrentRequests(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	tok := tokenFile(t)
	e := New(Options{})
	defer e.Close()
	for _, n := range []int{5, 20, 3, 0} {
		key := ""
		if n > 0 {
			key = fmt.Sprintf(", max_concurrent_requests: %d", n)
		}
		yml := fmt.Sprintf("targets:\n  - {name: a, type: github, enterprise: %s, api_url: '%s', token_file: %s, collectors: [consumed_licenses]%s}\n",
			simulator.FixtureEnterprise, url, tok, key)
		cfg, err := config.Parse([]byte(yml), Catalog())
		if err != nil {
			t.Fatal(err)
		}
		if err := e.ApplyConfig(cfg); err != nil {
			t.Fatal(err)
		}
		want := n
		if n == 0 {
			want = api.DefaultMaxConcurrency
		}
		e.mu.RLock()
		got := e.targets[0].src.Client.Concurrency()
		e.mu.RUnlock()
		if got != want {
			t.Errorf("reloaded with max_concurrent_requests %d: %d in flight allowed, want %d", n, got, want)
		}
	}
}
