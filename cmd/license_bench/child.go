package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// childCommand runs the exporter alone in a child process, so that its
// memory is measured apart from the simulator's.
const childCommand = "__exporter_child"

type memResult struct {
	MaxRSS, HeapInuse, HeapSys uint64
	TookMS                     int64
	Pages                      int
	MaxInFlight, PeakMinute    int
}

func peakMemory(f flags) (*memResult, error) {
	a := startAPI(f.memUsers, f.latency)
	defer a.srv.Close()
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, childCommand, a.srv.URL, tok)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("child: %w", err)
	}
	var r memResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("child said %q: %w", out, err)
	}
	r.Pages = (f.memUsers + 99) / 100
	r.MaxInFlight, r.PeakMinute = a.sim.MaxInFlight(), a.peakMinute()
	return &r, nil
}

// runChild refreshes once against the API at args[0] and prints the peaks.
func runChild(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: license_bench", childCommand, "API_URL TOKEN_FILE")
		return 2
	}
	var (
		mu        sync.Mutex
		inuse     uint64
		sys       uint64
		done      = make(chan struct{})
		sampled   = make(chan struct{})
		memSample = func() {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			mu.Lock()
			inuse, sys = max(inuse, ms.HeapInuse), max(sys, ms.HeapSys)
			mu.Unlock()
		}
	)
	go func() {
		defer close(sampled)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			memSample()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	e, srv, err := exporter(args[0], args[1], time.Hour, "consumed_licenses")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	defer e.Close()
	if _, err := scrape(srv.URL, 10*time.Minute); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	close(done)
	<-sampled
	memSample()
	if err := failed(e); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out, _ := json.Marshal(memResult{
		MaxRSS: vmHWM(), HeapInuse: inuse, HeapSys: sys,
		TookMS: e.States()[0].LastDuration.Milliseconds(),
	})
	fmt.Println(string(out))
	return 0
}

// vmHWM is the process's peak resident set size, from /proc (Linux).
func vmHWM() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
