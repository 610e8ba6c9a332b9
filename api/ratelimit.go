package api

import (
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is the budget the API last reported for one resource.
type RateLimit struct {
	Resource  string
	Limit     float64
	Remaining float64
	Reset     time.Time
}

// rateState follows the x-ratelimit-* headers of every response and says
// when the client must hold back: until the reset once the budget is spent,
// until Retry-After after a secondary limit, and, as the budget runs low, at
// a pace that spreads what is left over the time until the reset.
type rateState struct {
	mu           sync.Mutex
	limits       map[string]RateLimit
	last         string // resource of the latest response
	blockedUntil time.Time
	nextSlot     time.Time // when the next paced request may start
}

// lowBudget is the share of the hourly budget below which requests are paced.
const lowBudget = 0.2

func (s *rateState) observe(h http.Header, now time.Time) {
	limit, okL := parseFloatHeader(h, "X-RateLimit-Limit", "RateLimit-Limit")
	remaining, okR := parseFloatHeader(h, "X-RateLimit-Remaining", "RateLimit-Remaining")
	if !okL || !okR {
		return
	}
	resource := rateResource(h.Get("X-RateLimit-Resource"))
	rl := RateLimit{Resource: resource, Limit: limit, Remaining: remaining}
	if reset, ok := parseFloatHeader(h, "X-RateLimit-Reset", "RateLimit-Reset"); ok && reset > 0 && reset < 1<<40 {
		rl.Reset = time.Unix(int64(reset), 0)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		s.limits = map[string]RateLimit{}
	}
	s.limits[resource] = rl
	s.last = resource
	if until := capWait(rl.Reset, now); remaining <= 0 && until.After(now) && until.After(s.blockedUntil) {
		s.blockedUntil = until
	}
}

// rateResources are the budgets GitHub names in X-RateLimit-Resource, as
// GET /rate_limit lists them (rate-limit-overview in GitHub's OpenAPI
// description; docs.github.com/en/rest/rate-limit/rate-limit).
var rateResources = map[string]bool{
	"core": true, "search": true, "code_search": true, "graphql": true, "integration_manifest": true,
	"dependency_snapshots": true, "dependency_sbom": true, "code_scanning_upload": true,
	"code_scanning_autofix": true, "actions_runner_registration": true, "source_import": true,
	"scim": true, "audit_log": true, "audit_log_streaming": true,
}

// OtherRateResource is the resource of every budget whose name GitHub does
// not document: the name comes from a response header and becomes a label,
// so the names kept are bounded.
const OtherRateResource = "other"

// rateResource names the budget an answer was charged to: core without a
// header (GitLab sends none), OtherRateResource for a name not documented.
func rateResource(h string) string {
	h = strings.TrimSpace(h)
	switch {
	case h == "":
		return "core"
	case rateResources[h]:
		return h
	}
	return OtherRateResource
}

// block holds every request back until t (a Retry-After or a reset).
func (s *rateState) block(t time.Time) {
	s.mu.Lock()
	if t.After(s.blockedUntil) {
		s.blockedUntil = t
	}
	s.mu.Unlock()
}

// wait returns how long the next request must wait to stay within budget and
// whether it is blocked outright (budget spent) until the returned time.
func (s *rateState) wait(now time.Time) (delay time.Duration, blockedUntil time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.blockedUntil) {
		return 0, s.blockedUntil
	}
	rl, ok := s.limits[s.last]
	if !ok || rl.Limit <= 0 || rl.Remaining >= rl.Limit*lowBudget || !rl.Reset.After(now) {
		return 0, time.Time{}
	}
	// Spread what is left evenly over the time until the reset. Each request
	// reserves its own slot, one interval after the previous one, so that
	// concurrent requests (parallel pages) queue up rather than all leaving
	// together after the same delay.
	interval := min(rl.Reset.Sub(now)/time.Duration(max(rl.Remaining, 0)+1), 30*time.Second)
	slot := now
	if s.nextSlot.After(slot) {
		slot = s.nextSlot
	}
	s.nextSlot = slot.Add(interval)
	return slot.Sub(now), time.Time{}
}

// left returns the requests the latest answer left in its window, while
// that window lasts.
func (s *rateState) left(now time.Time) (float64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rl, ok := s.limits[s.last]
	if !ok || !rl.Reset.After(now) {
		return 0, false
	}
	return rl.Remaining, true
}

// until returns when a spent budget or a Retry-After stops holding requests
// back; zero if none does.
func (s *rateState) until(now time.Time) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Before(s.blockedUntil) {
		return s.blockedUntil
	}
	return time.Time{}
}

func (s *rateState) snapshot() []RateLimit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RateLimit, 0, len(s.limits))
	for _, rl := range s.limits {
		out = append(out, rl)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

func parseFloatHeader(h http.Header, names ...string) (float64, bool) {
	for _, n := range names {
		if v := strings.TrimSpace(h.Get(n)); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			// NaN and infinities would poison the pacing arithmetic.
			return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
		}
	}
	return 0, false
}
