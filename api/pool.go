package api

import (
	"net/http"
	"sync"
)

// TransportKey names a shared transport. Targets on the same host with the
// same connection settings share one transport, and so its connections:
// several enterprises on api.github.com cost one set of TLS connections.
// Targets that differ in their settings (a CA file, a proxy) get transports
// of their own, so that a connection made for one is never handed to the
// other.
type TransportKey struct {
	Scheme, Host string
	Options      TransportOptions
}

// idleCloser is a transport whose idle connections can be closed.
type idleCloser interface {
	http.RoundTripper
	CloseIdleConnections()
}

// Pool is what the exporter shares between its targets: one transport per
// TransportKey and one Scheduler per credential. Each is counted by the
// targets holding it; when the last lets go, the transport's connections
// are closed at once rather than at the idle timeout, and the scheduler is
// forgotten. Pool is safe for concurrent use.
type Pool struct {
	lim        Limits
	mu         sync.Mutex
	transports map[TransportKey]*pooled[http.RoundTripper]
	schedulers map[string]*pooled[*Scheduler]
}

type pooled[T any] struct {
	v    T
	refs int
	caps map[int]int // schedulers: holders by the concurrency they asked for
}

// NewPool builds an empty pool whose schedulers keep lim (zero fields take
// DefaultLimits; the benchmark shrinks the window to run in scaled time).
func NewPool(lim Limits) *Pool {
	return &Pool{lim: lim, transports: map[TransportKey]*pooled[http.RoundTripper]{}, schedulers: map[string]*pooled[*Scheduler]{}}
}

// Transport returns the transport for key (NewTargetTransport with its
// options), built if no target holds one yet. release must be called exactly
// once when the caller no longer uses it; when the last holder lets go, the
// transport's idle connections are closed.
func (p *Pool) Transport(key TransportKey) (t http.RoundTripper, release func(), err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.transports[key]
	if !ok {
		rt, err := NewTargetTransport(key.Options)
		if err != nil {
			return nil, nil, err
		}
		e = &pooled[http.RoundTripper]{v: rt}
		p.transports[key] = e
	}
	e.refs++
	return e.v, p.once(func() {
		if e.refs--; e.refs == 0 {
			delete(p.transports, key)
			if c, ok := e.v.(idleCloser); ok {
				c.CloseIdleConnections()
			}
		}
	}), nil
}

// Scheduler returns the scheduler of the credential named by key (the API
// host and whatever identifies the token: its file, its variable, the App
// installation). Targets that share a credential share its budget.
// concurrency caps the credential's requests in flight (0: the pool's
// default); where targets that share it ask for different caps, the
// smallest of those held holds. A reload builds a target anew before it lets
// go of the old one, so the cap follows the configuration up as well as
// down once the old target is released.
func (p *Pool) Scheduler(key string, concurrency int) (s *Scheduler, release func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if concurrency <= 0 {
		concurrency = p.lim.Concurrency
	}
	if concurrency <= 0 {
		concurrency = DefaultMaxConcurrency
	}
	e, ok := p.schedulers[key]
	if !ok {
		lim := p.lim
		lim.Concurrency = concurrency
		e = &pooled[*Scheduler]{v: NewScheduler(lim), caps: map[int]int{}}
		p.schedulers[key] = e
	}
	e.refs++
	e.caps[concurrency]++
	e.v.setConcurrency(minKey(e.caps))
	return e.v, p.once(func() {
		if e.caps[concurrency]--; e.caps[concurrency] == 0 {
			delete(e.caps, concurrency)
		}
		if e.refs--; e.refs == 0 {
			delete(p.schedulers, key)
			return
		}
		e.v.setConcurrency(minKey(e.caps))
	})
}

func minKey(m map[int]int) int {
	first, n := true, 0
	for k := range m {
		if first || k < n {
			first, n = false, k
		}
	}
	return n
}

// Len reports how many transports and schedulers are held, for tests.
func (p *Pool) Len() (transports, schedulers int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.transports), len(p.schedulers)
}

func (p *Pool) once(f func()) func() {
	var o sync.Once
	return func() {
		o.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			f()
		})
	}
}
