package main

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
)

// serverLimits bound what one client can hold of the server: without them
// idle keep-alive connections stay open until the open-file limit makes real
// scrapes fail, and headers of a megabyte each inflate memory.
type serverLimits struct {
	ReadHeader, Read, Write, Idle time.Duration
	MaxHeaderBytes                int
}

// newServerLimits derives the limits from the longest wait a scrape may be
// granted: a scrape must be able to write its answer after waiting that long.
func newServerLimits(maxScrapeWait time.Duration) serverLimits {
	return serverLimits{
		ReadHeader: 10 * time.Second,
		// Requests have no body worth the name (GET /metrics, POST /-/reload).
		Read:  30 * time.Second,
		Write: maxScrapeWait + 30*time.Second,
		// Longer than a typical scrape interval, so Prometheus keeps its
		// connection; short enough that abandoned ones are soon closed.
		Idle:           90 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}

// newHTTPServer builds the server with the limits, and net/http's own error
// lines (accept errors, TLS handshakes, panics) logged through logger.
func newHTTPServer(h http.Handler, l serverLimits, logger log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          stdlog.New(httpErrorLog{logger}, "", 0),
	}
}

// httpErrorLog turns net/http's log lines into structured ones.
type httpErrorLog struct{ logger log.Logger }

func (l httpErrorLog) Write(p []byte) (int, error) {
	msg := strings.TrimSpace(string(p))
	lvl := level.Error
	// Port scanners and load balancers' TCP checks make these; they say
	// nothing about the exporter.
	if strings.Contains(msg, "TLS handshake error") {
		lvl = level.Debug
	}
	lvl(l.logger).Log("msg", "http server", "err", msg)
	return len(p), nil
}

// healthy serves /-/healthy: the process is up and serving.
func healthy(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprintln(w, "Healthy.")
}

// shutdownTimeout bounds how long a SIGTERM waits for scrapes in flight:
// inside Kubernetes' default grace period of 30 s, which ends in SIGKILL.
const shutdownTimeout = 10 * time.Second

// serveUntilSignal runs listen (which serves srv) until it fails or a
// signal arrives; then it stops accepting and lets the requests in flight
// finish within timeout, so a rollout does not cut a scrape off.
func serveUntilSignal(srv *http.Server, listen func() error, sigs <-chan os.Signal, timeout time.Duration, logger log.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- listen() }()
	select {
	case err := <-errc:
		return err
	case sig := <-sigs:
		level.Info(logger).Log("msg", "shutting down: waiting for requests in flight", "signal", sig, "timeout", timeout)
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		err := srv.Shutdown(ctx)
		if lerr := <-errc; !errors.Is(lerr, http.ErrServerClosed) && lerr != nil {
			return lerr
		}
		if err != nil {
			srv.Close()
			return fmt.Errorf("requests still in flight after %s: %w", timeout, err)
		}
		return nil
	}
}
