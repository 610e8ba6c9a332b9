package collector

import (
	"sync"

	"github.com/go-kit/log"
)

// sayOnce logs a message once per key: a condition that holds on every
// refresh (no budgets, a retired endpoint, a release that predates one, a
// filter the API rejects) is said once, not every interval. Clear re-arms a
// key, for a condition that ended and may come back.
type sayOnce struct {
	mu   sync.Mutex
	keys map[string]bool
}

// Log logs keyvals to logger (a leveled one, e.g. level.Warn(l)) unless key
// was said since it was last cleared.
func (o *sayOnce) Log(key string, logger log.Logger, keyvals ...any) {
	o.mu.Lock()
	first := !o.keys[key]
	if first {
		if o.keys == nil {
			o.keys = map[string]bool{}
		}
		o.keys[key] = true
	}
	o.mu.Unlock()
	if first {
		_ = logger.Log(keyvals...)
	}
}

// Clear re-arms key.
func (o *sayOnce) Clear(key string) {
	o.mu.Lock()
	delete(o.keys, key)
	o.mu.Unlock()
}

// Said reports whether key was said since it was last cleared.
func (o *sayOnce) Said(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.keys[key]
}
