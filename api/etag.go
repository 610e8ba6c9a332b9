package api

import (
	"crypto/sha256"
	"sync"
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
}

type etagEntry struct {
	etag  string
	link  string
	value any    // the page's partial aggregate, as the caller folded it
	total Number // the stated total of a Counted or LooselyCounted page
	items int
	loose bool // the total is LooselyCounted's
}

func fingerprint(token string) [16]byte {
	sum := sha256.Sum256([]byte("license_exporter etag\x00" + token))
	var fp [16]byte
	copy(fp[:], sum[:])
	return fp
}

// lookup returns the entry for key fetched with the same token.
func (s *etagStore) lookup(key string, fp [16]byte) *etagEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fp != s.token {
		return nil
	}
	return s.entries[key]
}

// store records an entry fetched with the token fp; entries of any other
// token go.
func (s *etagStore) store(key string, fp [16]byte, e *etagEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if fp != s.token || s.entries == nil {
		s.token, s.entries = fp, map[string]*etagEntry{}
	}
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
