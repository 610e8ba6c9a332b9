package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestResponseHeadersCapped: an answer whose headers exceed
// MaxResponseHeaderBytes (here a 10 MB Link header) fails with an error
// that says so, and is not retried; headers under the cap pass.
func TestResponseHeadersCapped(t *testing.T) {
	var hits atomic.Int32
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n, _ := strconv.Atoi(r.URL.Query().Get("bytes"))
		w.Header().Set("Link", "<"+strings.Repeat("a", n)+">; rel=\"x\"")
		fmt.Fprint(w, `{}`)
	}), GitHub)
	var v any
	_, err := c.GetJSON(context.Background(), "/x", map[string][]string{"bytes": {strconv.Itoa(10 << 20)}}, &v)
	e, ok := AsError(err)
	if !ok || e.Kind != KindBadResponse || !e.HeaderOverflow() || !strings.Contains(err.Error(), strconv.Itoa(MaxResponseHeaderBytes)+" bytes") {
		t.Fatalf("err = %v, want a header overflow at %d bytes", err, MaxResponseHeaderBytes)
	}
	if hits.Load() != 1 {
		t.Errorf("%d requests: an answer whose headers are too large was retried", hits.Load())
	}
	if _, err := c.GetJSON(context.Background(), "/x", map[string][]string{"bytes": {strconv.Itoa(MaxResponseHeaderBytes - 4<<10)}}, &v); err != nil {
		t.Errorf("headers under the cap: %v", err)
	}
}
