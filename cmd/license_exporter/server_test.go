package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// serve runs newHTTPServer on loopback and returns its address and logs.
func serve(t *testing.T, h http.Handler, l serverLimits) (string, *testdeps.SyncBuffer) {
	t.Helper()
	logs := &testdeps.SyncBuffer{}
	srv := newHTTPServer(h, l, log.NewLogfmtLogger(logs))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), logs
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second)) // a hang fails, never blocks the suite
	return c
}

func TestServerLimitsDefaults(t *testing.T) {
	for _, wait := range []time.Duration{10 * time.Second, 2 * time.Minute, 10 * time.Minute} {
		l := newServerLimits(wait)
		if l.Write <= wait {
			t.Errorf("WriteTimeout %v must outlast the longest scrape wait %v", l.Write, wait)
		}
		if l.Idle <= 0 || l.Read <= 0 || l.ReadHeader <= 0 || l.MaxHeaderBytes <= 0 || l.MaxHeaderBytes > 1<<20 {
			t.Errorf("unbounded server: %+v", l)
		}
	}
}

// TestServerIdleTimeout: a keep-alive connection left idle is closed by the
// server instead of holding a file descriptor for minutes.
func TestServerIdleTimeout(t *testing.T) {
	l := newServerLimits(time.Second)
	l.Idle = 100 * time.Millisecond
	addr, _ := serve(t, http.HandlerFunc(healthy), l)
	c := dial(t, addr)
	io.WriteString(c, "GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n")
	r := bufio.NewReader(c)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	start := time.Now()
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("idle connection: %v, want closed by the server", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("closed after %v", d)
	}
}

// TestServerReadTimeout: a client that sends a body slowly is cut off.
func TestServerReadTimeout(t *testing.T) {
	l := newServerLimits(time.Second)
	l.Read = 100 * time.Millisecond
	readErr := make(chan error, 1)
	addr, _ := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	}), l)
	c := dial(t, addr)
	io.WriteString(c, "POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab")
	select {
	case err := <-readErr:
		if err == nil {
			t.Error("the body read succeeded; want a timeout")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a slow body held the request past ReadTimeout")
	}
}

// TestServerWriteTimeout: a scrape that waits the longest it may still gets
// its answer, and the timeout is really set (a shorter one cuts it off).
func TestServerWriteTimeout(t *testing.T) {
	const wait = 150 * time.Millisecond
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(wait) // stands for a scrape waiting out its deadline
		io.WriteString(w, "metrics")
	})
	addr, _ := serve(t, h, newServerLimits(wait))
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("a scrape that waited the longest allowed got no answer: %v", err)
	}
	resp.Body.Close()

	short := newServerLimits(wait)
	short.Write = wait / 3
	addr, _ = serve(t, h, short)
	if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) == "metrics" {
			t.Error("WriteTimeout is not applied")
		}
	}
}

// TestServerMaxHeaderBytes: a megabyte of headers is refused, not buffered.
func TestServerMaxHeaderBytes(t *testing.T) {
	addr, _ := serve(t, http.HandlerFunc(healthy), newServerLimits(time.Second))
	c := dial(t, addr)
	go func() {
		io.WriteString(c, "GET /-/healthy HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 1<<20)+"\r\n\r\n")
	}()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB of headers: %d, want 431", resp.StatusCode)
	}
}

// TestServerErrorLog: net/http's own error lines go through the exporter's
// logger as structured lines, not to stderr.
func TestServerErrorLog(t *testing.T) {
	addr, logs := serve(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}), newServerLimits(time.Second))
	if resp, err := http.Get("http://" + addr + "/"); err == nil {
		resp.Body.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "panic serving") {
		if time.Now().After(deadline) {
			t.Fatalf("the server's error was not logged: %q", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), `level=error msg="http server" err="http: panic serving`) {
		t.Errorf("not a structured line: %s", logs)
	}
}

// TestServeUntilSignalDrains: on SIGTERM the server stops accepting and lets
// a scrape in flight finish; one that outlasts the timeout is cut off and
// said so.
func TestServeUntilSignalDrains(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		release bool // the handler finishes once the signal is sent
	}{
		{"drains", 10 * time.Second, true},
		{"bounded", 50 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			started, release := make(chan struct{}), make(chan struct{})
			defer close(release)
			srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				close(started)
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
				io.WriteString(w, "scraped")
			}), newServerLimits(time.Minute), log.NewNopLogger())
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			sigs := make(chan os.Signal, 1)
			done := make(chan error, 1)
			go func() {
				done <- serveUntilSignal(srv, func() error { return srv.Serve(ln) }, sigs, tc.timeout, log.NewNopLogger())
			}()
			type answer struct {
				body string
				err  error
			}
			got := make(chan answer, 1)
			go func() {
				resp, err := (&http.Client{Timeout: 10 * time.Second}).Get("http://" + ln.Addr().String() + "/metrics")
				if err != nil {
					got <- answer{err: err}
					return
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				got <- answer{string(b), err}
			}()
			<-started
			sigs <- syscall.SIGTERM
			if tc.release {
				release <- struct{}{}
			}
			err = <-done
			a := <-got
			switch {
			case tc.release && (err != nil || a.err != nil || a.body != "scraped"):
				t.Errorf("serve: %v; scrape in flight: %q %v, want it answered", err, a.body, a.err)
			case !tc.release && (err == nil || !strings.Contains(err.Error(), "in flight")):
				t.Errorf("serve: %v, want the timeout named", err)
			}
			if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
				t.Error("still accepting after shutdown")
			}
		})
	}
}
