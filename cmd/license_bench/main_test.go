package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == childCommand {
		os.Exit(runChild(os.Args[2:]))
	}
	os.Exit(m.Run())
}

// TestHarnessSmall runs the whole harness on a small enterprise, so that it
// keeps working; make bench runs it at full size.
func TestHarnessSmall(t *testing.T) {
	f := flags{
		coldUsers: []int{1000}, latencies: []time.Duration{20 * time.Millisecond}, costUsers: 1000,
		memUsers: 1000, memLatency: 20 * time.Millisecond, latency: 20 * time.Millisecond,
		scrapers: 3, scrapeEvery: 200 * time.Millisecond, refresh: time.Second,
		duration: 2 * time.Second, rateUsers: 300, scrapes: 50, hostile: true,
	}
	r, err := run(f)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.print(&b)
	t.Log(b.String())
	// A small, short run under -race says little about speed (ten pages
	// are dominated by the race detector, and scrape latency by whatever
	// else the machine runs): only memory, cost and the
	// bounds on requests in flight, per minute and secondary limits.
	for _, l := range r.lines {
		if raceEnabled && strings.Contains(l[0], "RSS") {
			continue
		}
		if strings.Contains(l[2], "MISSED") && !strings.Contains(l[0], "a page") && !strings.Contains(l[0], "exporter p") && !strings.Contains(l[0], "scrapers") {
			t.Errorf("%s: %s %s", l[0], l[1], l[2])
		}
	}
}
