package collector

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/license-exporter/license_exporter/api"
)

// Status is a collector's state with what an operator needs to act on it:
// the target's type and API address, and the fix for its last error in words.
type Status struct {
	State
	Type     string
	APIURL   string
	Interval time.Duration // how long the collector's data is reused
	// Fix says in one line what went wrong and what to do; empty when the
	// last refresh succeeded or none has run.
	Fix string
	// APIMessage is the API's own message about the last failure, when it
	// sent one (GitHub's and GitLab's "message"), shown beside Fix.
	APIMessage string
}

// Statuses reports every collector's status, in configuration order,
// without starting a refresh (the status page must not cost API requests).
func (e *Exporter) Statuses() []Status {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []Status
	for _, t := range e.targets {
		for _, c := range t.collectors {
			out = append(out, t.status(c, c.snapshot()))
		}
	}
	return out
}

// RefreshAll refreshes every collector once, all at once, whatever the age
// of their data, and waits until they finish or ctx ends (the check command).
// A refresh already under way is joined rather than doubled. What the
// collectors of a target share is fetched afresh, once between them.
func (e *Exporter) RefreshAll(ctx context.Context) []Status {
	e.mu.RLock()
	targets := e.targets
	e.mu.RUnlock()

	var wg sync.WaitGroup
	for _, t := range targets {
		t.src.shared.forget()
		for _, c := range t.collectors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.refreshNow(ctx)
			}()
		}
	}
	wg.Wait()
	return e.Statuses()
}

func (t *liveTarget) status(c *cached, st State) Status {
	s := Status{State: st, Type: t.cfg.Type, APIURL: t.src.Client.BaseURL(), Interval: c.interval}
	if st.LastError != nil {
		s.Fix = c.explain(st.LastError)
		// The API's words once: beside the fix, unless the fix quotes them.
		if e, ok := api.AsError(st.LastError); ok && !e.HTML && !strings.Contains(s.Fix, e.Message) {
			s.APIMessage = e.Message
		}
	}
	return s
}
