package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/license-exporter/license_exporter/collector"
)

// childCommand runs the exporter alone in a child process, so that its
// memory is measured apart from the simulator's.
const childCommand = "__exporter_child"

type memResult struct {
	MaxRSS, HeapInuse, HeapSys uint64
	TookMS                     int64
	Pages                      int
	MaxInFlight, Limited       int
	Collectors, Failed         int // hostile: collectors run, and how many failed
}

func peakMemory(users int, latency time.Duration) (*memResult, error) {
	pages := (users + 99) / 100
	scale := chooseScale(pages, latency, 10*time.Millisecond) // memory, not timing
	a := startAPI(users, time.Duration(float64(latency)/scale), scale)
	defer a.srv.Close()
	r, err := runChildProcess(a.srv.URL, "cold", scale)
	if err != nil {
		return nil, err
	}
	r.Pages = pages
	r.TookMS = int64(float64(r.TookMS) * scale)
	a.mu.Lock()
	r.MaxInFlight, r.Limited = a.maxIn, a.limited
	a.mu.Unlock()
	return r, nil
}

// hostileMemory serves an endless body on every path, at once to every
// default collector of a GitHub target.
func hostileMemory() (*memResult, error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"total_count":1,"users":[`)
		chunk := []byte(strings.Repeat(`{"login":"x","roles":["a","b"]},`, 512))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	return runChildProcess(srv.URL, "hostile", 1)
}

// hostileHeaderMemory answers every path of every default collector with a
// 10 MB Link header: the transport's cap on response headers must keep the
// answers in flight from taking memory.
func hostileHeaderMemory() (*memResult, error) {
	link := "<" + strings.Repeat("a", 10<<20) + `>; rel="next"`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Link", link)
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	return runChildProcess(srv.URL, "hostile", 1)
}

func runChildProcess(apiURL, mode string, scale float64) (*memResult, error) {
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, childCommand, apiURL, tok, mode, strconv.FormatFloat(scale, 'f', -1, 64))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("child: %w", err)
	}
	var r memResult
	if err := json.Unmarshal(out, &r); err != nil {
		return nil, fmt.Errorf("child said %q: %w", out, err)
	}
	return &r, nil
}

// runChild refreshes once against the API at args[0] and prints the peaks:
// mode cold refreshes consumed_licenses in time scaled by args[3]; mode
// hostile runs every default collector against endless answers.
func runChild(args []string) int {
	if len(args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: license_bench", childCommand, "API_URL TOKEN_FILE cold|hostile SCALE")
		return 2
	}
	scale, err := strconv.ParseFloat(args[3], 64)
	if err != nil || scale < 1 {
		fmt.Fprintln(os.Stderr, "bad scale", args[3])
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
	collectors, opts := "consumed_licenses", collector.Options{Limits: scaledLimits(scale)}
	if args[2] == "hostile" {
		collectors, opts = "", collector.Options{Timeout: 5 * time.Second}
	}
	e, srv, err := exporter(args[0], args[1], "1h", collectors, opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	defer e.Close()
	e.RefreshAll(context.Background())
	close(done)
	<-sampled
	memSample()
	r := memResult{MaxRSS: vmHWM(), HeapInuse: inuse, HeapSys: sys, TookMS: e.Statuses()[0].LastDuration.Milliseconds()}
	if args[2] == "hostile" {
		for _, s := range e.Statuses() {
			if !s.Succeeded() {
				r.Failed++
			}
		}
		r.Collectors = len(e.Statuses())
	} else if err := failed(e); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	out, _ := json.Marshal(r)
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
