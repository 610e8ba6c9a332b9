package api

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// causeClient is a client of h whose transport caps response headers at
// 4 KiB and whose retries do not wait.
func causeClient(t *testing.T, h http.Handler, token string) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, Token: staticToken(token), Timeout: 5 * time.Second,
		Transport: &http.Transport{MaxResponseHeaderBytes: 4 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	c.sleep = func(context.Context, time.Duration) error { return nil }
	return c
}

// TestTransportCauses: a header overflow, a reset connection and a token
// that no header can carry are each told apart from "cannot reach".
func TestTransportCauses(t *testing.T) {
	var hits atomic.Int32
	t.Run("header overflow", func(t *testing.T) {
		hits.Store(0)
		c := causeClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			w.Header().Set("Link", strings.Repeat("x", 8<<10))
			w.Write([]byte("{}"))
		}), "s3cret")
		var v any
		_, err := c.GetJSON(context.Background(), "/x", nil, &v)
		e, ok := AsError(err)
		if !ok || !e.HeaderOverflow() || e.Kind != KindBadResponse || e.ConnectionReset() {
			t.Fatalf("%v", err)
		}
		if hits.Load() != 1 {
			t.Errorf("an oversized answer was asked %d times: asking again brings the same headers", hits.Load())
		}
	})
	t.Run("reset", func(t *testing.T) {
		hits.Store(0)
		c := causeClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			hits.Add(1)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			conn.(*net.TCPConn).SetLinger(0) // close with RST
			conn.Close()
		}), "s3cret")
		var v any
		_, err := c.GetJSON(context.Background(), "/x", nil, &v)
		e, ok := AsError(err)
		if !ok || !e.ConnectionReset() || e.Kind != KindNetwork || e.HeaderOverflow() {
			t.Fatalf("%v", err)
		}
		if hits.Load() != 1+MaxRetries {
			t.Errorf("a reset connection was tried %d times, want %d", hits.Load(), 1+MaxRetries)
		}
	})
	for name, tok := range map[string]string{"CR LF": "ghp_abc\r\nX-Injected: 1", "NUL": "ghp_abc\x00def", "LF": "first\nsecond"} {
		t.Run("token with "+name, func(t *testing.T) {
			hits.Store(0)
			c := causeClient(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }), tok)
			var v any
			_, err := c.GetJSON(context.Background(), "/x", nil, &v)
			e, ok := AsError(err)
			if !ok || !e.TokenUnusable || e.Kind != KindAuth {
				t.Fatalf("%v", err)
			}
			if hits.Load() != 0 {
				t.Error("a token no header can carry was sent")
			}
			if strings.Contains(err.Error(), "ghp_abc") || strings.Contains(err.Error(), "second") {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}
