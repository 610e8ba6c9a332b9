package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// flaky answers each request with the next of codes (0: drop the connection
// without an answer), then 200.
func flaky(codes ...int) (http.HandlerFunc, func() int) {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			i := n
			n++
			mu.Unlock()
			switch {
			case i >= len(codes):
				fmt.Fprint(w, `{"ok":true}`)
			case codes[i] == 0:
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			default:
				if codes[i] == http.StatusTooManyRequests {
					w.Header().Set("Retry-After", "2")
				}
				w.WriteHeader(codes[i])
				fmt.Fprint(w, `{"message":"nope"}`)
			}
		}, func() int {
			mu.Lock()
			defer mu.Unlock()
			return n
		}
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		codes []int
		hits  int
		ok    bool
	}{
		{[]int{502}, 2, true},
		{[]int{503, 504}, 3, true},
		{[]int{0}, 2, true},              // dropped connection
		{[]int{429}, 1, false},           // Retry-After: waited out by the scheduler, not here
		{[]int{502, 503, 504}, 3, false}, // two retries, no more
		{[]int{404}, 1, false},
		{[]int{400}, 1, false},
		{[]int{401}, 1, false},
		{[]int{403}, 1, false},
		{[]int{422}, 1, false},
		{[]int{500}, 1, false}, // a bug on the server side; asking again does not help
	} {
		t.Run(fmt.Sprint(tc.codes), func(t *testing.T) {
			h, hits := flaky(tc.codes...)
			c, _ := newTestClient(t, h, GitHub)
			c.jitter = func(d time.Duration) time.Duration { return d } // TestRetryJitter checks it
			var v struct{ OK bool }
			_, err := c.GetJSON(context.Background(), "/x", nil, &v)
			if (err == nil) != tc.ok || hits() != tc.hits || (tc.ok && !v.OK) {
				t.Errorf("err %v, %d requests; want ok=%v after %d", err, hits(), tc.ok, tc.hits)
			}
			// Before each retry, the backoff on the client's clock: 1 s,
			// then 2 s.
			want := []time.Duration{retryBase, 2 * retryBase}[:tc.hits-1]
			if waits := clockOf(c).Waits(); !slices.Equal(waits, want) {
				t.Errorf("waited %v before the retries, want %v", waits, want)
			}
			// Every attempt went through the credential's scheduler.
			c.sched.mu.Lock()
			defer c.sched.mu.Unlock()
			if n := len(c.sched.spans); n != tc.hits {
				t.Errorf("the scheduler saw %d requests, the server %d", n, tc.hits)
			}
		})
	}
}

// TestRetryJitter: each backoff is jittered over its upper half, so that
// pages that failed together do not come back together.
func TestRetryJitter(t *testing.T) {
	c, _ := newTestClient(t, http.NotFoundHandler(), GitHub)
	seen := map[time.Duration]bool{}
	for range 200 {
		w := c.jitter(retryBase)
		if w < retryBase/2 || w > retryBase {
			t.Fatalf("jittered %s to %s, want within [%s, %s]", retryBase, w, retryBase/2, retryBase)
		}
		seen[w] = true
	}
	if len(seen) < 100 {
		t.Errorf("%d distinct waits of 200: not jittered", len(seen))
	}
}

// TestRetryBrokenBodyDecodesAfresh: a body cut short is retried, and the
// value holds the second answer only.
func TestRetryBrokenBodyDecodesAfresh(t *testing.T) {
	n := 0
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			w.Header().Set("Content-Length", "100")
			fmt.Fprint(w, `{"a":1,"b":`)
			return
		}
		fmt.Fprint(w, `{"b":2}`)
	}), GitHub)
	v := map[string]int{}
	if _, err := c.GetJSON(context.Background(), "/x", nil, &v); err != nil || n != 2 || len(v) != 1 || v["b"] != 2 {
		t.Errorf("err %v, %d requests, value %v", err, n, v)
	}
}
