package collector

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/go-kit/log"
)

// TestSayOnce: a key is logged once until cleared, each key on its own, and
// concurrent callers say it once between them.
func TestSayOnce(t *testing.T) {
	var buf bytes.Buffer
	logger := log.NewSyncLogger(log.NewLogfmtLogger(&buf))
	var o sayOnce
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.Log("a", logger, "msg", "a")
		}()
	}
	wg.Wait()
	o.Log("b", logger, "msg", "b")
	o.Log("b", logger, "msg", "b")
	o.Clear("a")
	o.Log("a", logger, "msg", "a again")
	if got, want := buf.String(), "msg=a\nmsg=b\nmsg=\"a again\"\n"; got != want {
		t.Errorf("logged %q, want %q", got, want)
	}
	if !o.Said("a") || o.Said("c") || strings.Count(buf.String(), "msg=a\n") != 1 {
		t.Errorf("Said(a) = %v, Said(c) = %v", o.Said("a"), o.Said("c"))
	}
}
