package api

import (
	"crypto/sha256"
	"net/http"
	"sync"
	"time"
)

// etagStore keeps, per page URL, what a conditional request needs: the
// page's ETag, the headers that paginate it (a 304 may leave out Link:
// RFC 9110 §15.4.5) and what the page contributed last time, so that a
// 304 Not Modified, which costs no primary budget, reuses it.
// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
//
// GitHub's ETag depends on the token. Every entry is tied to the token it
// was fetched with (a fingerprint, never the token) and the store drops all
// entries when the token changes (rotated, or a new App installation
// token): an old token's ETag is never sent with a new one.
type etagStore struct {
	mu      sync.Mutex
	token   [16]byte
	entries map[string]*etagEntry
	swept   time.Time
}

// etagIdle is how long an entry is kept after its last use. Keys hold the
// month (billing reports) and the page, so last month's reports and the
// pages past a listing's new end would otherwise stay forever; a collector
// refreshed less often than this (refresh_intervals of days) only loses
// its 304s.
const etagIdle = 48 * time.Hour

// maxKeptBytes is the largest answer whose decoded result is kept for a
// 304: a single object or a summary is a few KB; a detailed monthly report
// of megabytes is fetched afresh rather than held between refreshes.
const maxKeptBytes = 1 << 20

type etagEntry struct {
	etag string
	link string
	// value is what the answer gave the caller: a listing page's partial
	// aggregate as the caller folded it, or the decoded page or object.
	// It is shared with every caller a 304 hands it to: read-only.
	value  any
	header http.Header // a single answer's headers, under the 304's own
	total  Number      // the stated total of a Counted or LooselyCounted page
	items  int
	loose  bool // the total is LooselyCounted's
	used   time.Time
}

func fingerprint(token string) [16]byte {
	sum := sha256.Sum256([]byte("license_exporter etag\x00" + token))
	var fp [16]byte
	copy(fp[:], sum[:])
	return fp
}

// lookup returns the entry for key fetched with the same token.
func (s *etagStore) lookup(key string, fp [16]byte, now time.Time) *etagEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fp != s.token {
		return nil
	}
	e := s.entries[key]
	if e != nil {
		e.used = now
	}
	return e
}

// store records an entry fetched with the token fp; entries of any other
// token go, and so do entries unused for etagIdle.
func (s *etagStore) store(key string, fp [16]byte, e *etagEntry, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fp != s.token || s.entries == nil {
		s.token, s.entries = fp, map[string]*etagEntry{}
	}
	if now.Sub(s.swept) > time.Hour {
		s.swept = now
		for k, old := range s.entries {
			if now.Sub(old.used) > etagIdle {
				delete(s.entries, k)
			}
		}
	}
	e.used = now
	s.entries[key] = e
}

// drop forgets a page, after an answer without an ETag.
func (s *etagStore) drop(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, key)
}

func (s *etagStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}
