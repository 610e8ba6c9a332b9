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
		users: 1000, memUsers: 1000, latency: 20 * time.Millisecond,
		scrapers: 3, scrapeEvery: 200 * time.Millisecond, refresh: time.Second,
		duration: 2 * time.Second, rateUsers: 300, scrapes: 50,
	}
	r, err := run(f)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	r.print(&b)
	t.Log(b.String())
	// A small, short run under -race says little about the targets (ten
	// pages cannot be 4× faster than serial): only memory and the bounds
	// on requests in flight and per minute.
	for _, l := range r.lines {
		if strings.HasPrefix(l[2], "MISSED") && !strings.Contains(l[0], "speed-up") && !strings.Contains(l[0], "p99") && !strings.Contains(l[0], "scrapers") {
			t.Errorf("%s: %s %s", l[0], l[1], l[2])
		}
	}
}
