package collector

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"
)

// sharedKeep is how long a shared result is held at most; keys name the
// month, so last month's would otherwise stay.
const sharedKeep = 24 * time.Hour

// shared lets the collectors of one target share what they fetch in
// common: budgets and cost_centers both read the cost-center listing and
// the usage summary of each cost center, budgets reads the enterprise's
// summary that billing_usage reads. A result is reused by any collector of
// the target that asks within half its own refresh interval of the fetch,
// and collectors that ask at once share one request. Collectors with the
// same interval refresh together, so each shared resource costs one
// request a refresh, and data is never more than 1.5 intervals old. A
// failed fetch is not kept: the next asker tries again.
type shared struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]*sharedEntry
	joined  int // askers that waited for another's fetch
}

type sharedEntry struct {
	done  chan struct{} // closed when the fetch ends
	value any           // read-only: every asker gets the same
	err   error
	at    time.Time
}

func newShared() *shared {
	return &shared{now: time.Now, entries: map[string]*sharedEntry{}}
}

// get returns key's result if one was fetched within maxAge or is being
// fetched, else fetches it with fetch. A nil store fetches every time.
func (s *shared) get(ctx context.Context, key string, maxAge time.Duration, fetch func(context.Context) (any, error)) (any, error) {
	if s == nil {
		return fetch(ctx)
	}
	for {
		s.mu.Lock()
		now := s.now()
		e := s.entries[key]
		select {
		case <-e.doneOrNil():
			if e.err == nil && now.Sub(e.at) < maxAge {
				s.mu.Unlock()
				return e.value, nil
			}
			e = nil // too old: fetch afresh
		default:
		}
		if e == nil {
			return s.fetch(ctx, key, now, fetch)
		}
		s.joined++
		s.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		// The collector that fetched was cancelled (a reload, its own
		// timeout), not the API: ask again for ourselves.
		if e.err != nil && (errors.Is(e.err, context.Canceled) || errors.Is(e.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			continue
		}
		return e.value, e.err
	}
}

// fetch runs fetch for key as the one request every asker waits for; s.mu
// is held on entry and released.
func (s *shared) fetch(ctx context.Context, key string, now time.Time, fetch func(context.Context) (any, error)) (any, error) {
	e := &sharedEntry{done: make(chan struct{})}
	s.entries[key] = e
	for k, old := range s.entries {
		if old != e && old.closed() && now.Sub(old.at) > sharedKeep {
			delete(s.entries, k)
		}
	}
	s.mu.Unlock()

	v, err := fetch(ctx)

	s.mu.Lock()
	e.value, e.err, e.at = v, err, s.now()
	if err != nil && s.entries[key] == e {
		delete(s.entries, key)
	}
	close(e.done)
	s.mu.Unlock()
	return v, err
}

// forget drops every result fetched, so that the next askers fetch afresh
// (RefreshAll: data whatever its age); fetches in flight stay to be joined.
func (s *shared) forget() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, e := range s.entries {
		if e.closed() {
			delete(s.entries, k)
		}
	}
}

// doneOrNil is e's done channel; nil (never ready) for no entry.
func (e *sharedEntry) doneOrNil() <-chan struct{} {
	if e == nil {
		return nil
	}
	return e.done
}

func (e *sharedEntry) closed() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// sharedJSON is src.Client.GetJSON of path (under the enterprise) and q,
// shared between the target's collectors (see shared); spec is the asking
// collector's, whose refresh interval bounds the age of what it reuses.
// The result is shared: read-only.
func sharedJSON[T any](ctx context.Context, src *Source, spec *Spec, path string, q url.Values) (*T, error) {
	key := path + "?" + q.Encode()
	maxAge := src.Config.IntervalFor(spec.CollectorSpec) / 2
	v, err := src.shared.get(ctx, key, maxAge, func(ctx context.Context) (any, error) {
		var r T
		if _, err := src.Client.GetJSON(ctx, src.enterprisePath(path), q, &r); err != nil {
			return nil, err
		}
		return &r, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*T), nil
}
