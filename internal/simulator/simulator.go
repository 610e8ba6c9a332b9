// Package simulator is a stand-in for the GitHub and GitLab APIs. It serves
// the vendors' own documented example responses (fixtures/, verbatim) and a
// synthetic large enterprise, checks credentials like the real APIs, sends
// rate-limit headers and paginates with Link headers. It backs --demo, the
// tests and the benchmark harness; faults can be injected per path.
package simulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed fixtures/*.json fixtures/*.csv
var fixtures embed.FS

// ServerVersion is the Enterprise Server release the simulator claims to be
// under /api/v3, the release of its fixtures.
const ServerVersion = "3.19.0"

// DemoToken is the credential the simulator accepts unless told otherwise.
const DemoToken = "demo-token-not-a-secret"

// Enterprise slugs the simulator knows.
const (
	// FixtureEnterprise answers with the official examples.
	FixtureEnterprise = "octo-corp"
	// LargeEnterprise answers with synthetic data of Options.LargeUsers users.
	LargeEnterprise = "large-corp"
)

// Fixture returns an embedded fixture by file name; it panics on a name that
// does not exist, which is a bug in the caller.
func Fixture(name string) []byte {
	b, err := fixtures.ReadFile("fixtures/" + name)
	if err != nil {
		panic("simulator: no fixture " + name)
	}
	return b
}

// Options configure a simulator.
type Options struct {
	// Token is the accepted credential; empty means DemoToken.
	Token string
	// LargeUsers is the size of the synthetic enterprise; 0 means 20000.
	LargeUsers int
	// Latency is added before every answer.
	Latency time.Duration
	// RateLimit is the hourly budget reported in headers; 0 means 5000.
	RateLimit int
	// Now is the clock of the synthetic data (the month of a report, the
	// last activity of Copilot seats); nil means time.Now. Tests that
	// compare answers over time fix it.
	Now func() time.Time
}

// Server is an http.Handler that answers like the APIs.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	faults   map[string]http.HandlerFunc
	hits     map[string]int
	inFlight int
	maxIn    int
	// notModified counts 304 answers.
	notModified int
	total       atomic.Int64
	used        atomic.Int64
	reset       time.Time

	// Copilot usage report files (copilot_reports.go).
	reportsURL  string
	signed      map[string]time.Time
	reportGets  []string
	reportCreds int
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// routes are added by each file of this package from init.
var routes []func(s *Server, mux *http.ServeMux)

// New builds a simulator.
func New(o Options) *Server {
	if o.Token == "" {
		o.Token = DemoToken
	}
	if o.LargeUsers <= 0 {
		o.LargeUsers = 20000
	}
	if o.RateLimit <= 0 {
		o.RateLimit = 5000
	}
	s := &Server{opts: o, mux: http.NewServeMux(), faults: map[string]http.HandlerFunc{}, hits: map[string]int{},
		reset: time.Now().Add(time.Hour).Truncate(time.Second)}
	for _, r := range routes {
		r(s, s.mux)
	}
	return s
}

// Listen serves on addr (e.g. 127.0.0.1:0) and returns the base URL.
func (s *Server) Listen(addr string) (baseURL string, stop func(), err error) {
	return listen(addr, s)
}

func listen(addr string, h http.Handler) (baseURL string, stop func(), err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + l.Addr().String(), func() { _ = srv.Close() }, nil
}

// SetFault makes every request whose path (after any /api/v3 prefix) starts
// with prefix answer with h instead. h == nil removes the fault.
func (s *Server) SetFault(prefix string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h == nil {
		delete(s.faults, prefix)
		return
	}
	s.faults[prefix] = h
}

// Hits returns how many requests reached path (after any /api/v3 prefix).
func (s *Server) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// Total returns how many requests the simulator has answered.
func (s *Server) Total() int64 { return s.total.Load() }

// MaxInFlight returns the most requests that were ever in flight at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.total.Add(1)
	path := strings.TrimPrefix(r.URL.Path, "/api/v3")
	s.mu.Lock()
	s.hits[path]++
	s.inFlight++
	s.maxIn = max(s.maxIn, s.inFlight)
	var fault http.HandlerFunc
	longest := -1
	for p, h := range s.faults {
		if strings.HasPrefix(path, p) && len(p) > longest {
			fault, longest = h, len(p)
		}
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "the simulator is read-only"})
		return
	}
	if strings.HasPrefix(path, ReportsPrefix) { // a signed link: no credential
		if fault != nil {
			fault(w, r)
			return
		}
		s.serveReport(w, r)
		return
	}
	gitlab := strings.HasPrefix(r.URL.Path, "/api/v4/") || r.URL.Path == "/api/graphql"
	if !s.authorized(r, gitlab) {
		if gitlab {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
		} else {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		}
		return
	}
	s.rateHeaders(w, gitlab)
	if fault != nil {
		fault(w, r)
		return
	}
	ctx := r.Context()
	if path != r.URL.Path {
		// Every Enterprise Server answer names its release.
		w.Header().Set("X-GitHub-Enterprise-Version", ServerVersion)
		ctx = context.WithValue(ctx, prefixKey{}, "/api/v3")
	}
	r2 := r.Clone(ctx)
	r2.URL.Path = path
	s.conditional(w, r2, gitlab)
}

// conditional answers as GitHub does for conditional requests: every 200
// carries an ETag that depends on the body and on the token, and a request
// whose If-None-Match holds it gets 304 Not Modified, without a body, without
// a Link header (RFC 9110 §15.4.5 lets a 304 leave it out), and without
// costing the primary budget.
// https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
//
// GitLab, a Rails application, keeps Rails' Rack::ETag and
// Rack::ConditionalGet (gitlab-org/gitlab config/application.rb): its ETag
// is a digest of the body alone, and a 304 counts against its rate limits
// like any other request.
func (s *Server) conditional(w http.ResponseWriter, r *http.Request, gitlab bool) {
	rec := &recorder{header: http.Header{}, code: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	if rec.code != http.StatusOK {
		w.WriteHeader(rec.code)
		_, _ = w.Write(rec.body.Bytes())
		return
	}
	bound := r.Header.Get("Authorization") + "\n"
	if gitlab {
		bound = ""
	}
	sum := sha256.Sum256(append([]byte(bound), rec.body.Bytes()...))
	etag := `W/"` + hex.EncodeToString(sum[:12]) + `"`
	w.Header().Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
		if !gitlab {
			s.used.Add(-1)
		}
		s.mu.Lock()
		s.notModified++
		s.mu.Unlock()
		w.Header().Del("Link")
		w.Header().Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(rec.body.Bytes())
}

// NotModified returns how many requests were answered 304.
func (s *Server) NotModified() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notModified
}

// recorder buffers an answer so that its ETag can be computed.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

func (s *Server) authorized(r *http.Request, gitlab bool) bool {
	if gitlab {
		return r.Header.Get("PRIVATE-TOKEN") == s.opts.Token
	}
	return r.Header.Get("Authorization") == "Bearer "+s.opts.Token
}

func (s *Server) rateHeaders(w http.ResponseWriter, gitlab bool) {
	// An hourly window that rolls over, as GitHub's does, so a long demo
	// does not run dry.
	s.mu.Lock()
	if now := time.Now(); !now.Before(s.reset) {
		s.used.Store(0)
		s.reset = now.Add(time.Hour).Truncate(time.Second)
	}
	reset := s.reset
	s.mu.Unlock()
	used := s.used.Add(1)
	remaining := max(int64(s.opts.RateLimit)-used, 0)
	h := w.Header()
	if gitlab {
		h.Set("RateLimit-Limit", strconv.Itoa(s.opts.RateLimit))
		h.Set("RateLimit-Remaining", strconv.Itoa(int(remaining)))
		h.Set("RateLimit-Reset", strconv.Itoa(int(reset.Unix())))
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(s.opts.RateLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(int(remaining)))
	h.Set("X-RateLimit-Used", strconv.Itoa(int(used)))
	h.Set("X-RateLimit-Reset", strconv.Itoa(int(reset.Unix())))
	h.Set("X-RateLimit-Resource", "core")
}

type prefixKey struct{}

// pathPrefix is the prefix (/api/v3) the request came in under, for links.
func pathPrefix(r *http.Request) string {
	p, _ := r.Context().Value(prefixKey{}).(string)
	return p
}

// serveFixture answers with a fixture file, verbatim.
func serveFixture(w http.ResponseWriter, name string) {
	ct := "application/json; charset=utf-8"
	if strings.HasSuffix(name, ".csv") {
		ct = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(Fixture(name))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// notFound answers like GitHub does for an enterprise the token cannot see.
func notFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
}
