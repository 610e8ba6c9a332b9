package collector

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// faultCase is one way the consumed-licenses endpoint breaks while the
// license-sync endpoint of the same target stays healthy.
type faultCase struct {
	name  string
	fault func(t *testing.T) http.HandlerFunc
	kind  api.Kind
	hint  string // the error must say this (what to do)
	// sharedBudget: a rate limit holds back the whole token, so the healthy
	// collector may pause too; it must keep serving its data.
	sharedBudget bool
	// check runs after the fault showed, before it heals.
	check func(t *testing.T, r *rig)
	// hang: the fault is a server that does not finish its answer, which
	// only the request timeout ends (faultHang, not faultRequest).
	hang bool
}

func jsonFault(code int, body string, headers ...string) func(*testing.T) http.HandlerFunc {
	return func(*testing.T) http.HandlerFunc { return simulator.JSONFault(code, body, headers...) }
}

const proxyPage = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"

func faultCases() []faultCase {
	fixture := simulator.Fixture("ghec-consumed-licenses.json")
	return []faultCase{
		{name: "5xx", fault: jsonFault(500, `{"message":"Server Error"}`), kind: api.KindServer, hint: "failed on its side"},
		{name: "HTML error page from a proxy", fault: jsonFault(502, proxyPage, "Content-Type", "text/html"), kind: api.KindServer, hint: "HTML page"},
		{name: "HTML page with 200", fault: jsonFault(200, proxyPage, "Content-Type", "text/html; charset=utf-8"), kind: api.KindBadResponse, hint: "an HTML page answered, not the API: a proxy"},
		{name: "HTML page labelled JSON", fault: jsonFault(200, proxyPage), kind: api.KindBadResponse, hint: "an HTML page answered, not the API"},
		{name: "503 with Retry-After", fault: jsonFault(503, `{"message":"Service Unavailable"}`, "Retry-After", "1"), kind: api.KindServer, hint: "asked to retry after",
			check: func(t *testing.T, r *rig) {
				st := r.state("consumed_licenses")
				e, _ := api.AsError(st.LastError)
				if e == nil || e.RetryAt.IsZero() || st.NextAttempt.Before(e.RetryAt) {
					t.Errorf("next attempt at %s, before the Retry-After of the answer (%+v)", st.NextAttempt, e)
				}
			}},
		{name: "401", fault: jsonFault(401, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`), kind: api.KindAuth, hint: "replace it in token_file, token_env or github_app"},
		{name: "403 missing scope", fault: jsonFault(403, `{"message":"Resource not accessible by personal access token"}`,
			"X-Accepted-OAuth-Scopes", "manage_billing:enterprise, read:enterprise", "X-OAuth-Scopes", "repo"),
			kind: api.KindPermission, hint: "accepts manage_billing:enterprise, read:enterprise (the token has: repo)"},
		{name: "404", fault: jsonFault(404, `{"message":"Not Found"}`), kind: api.KindNotFound, hint: `the enterprise slug "octo-corp" is wrong`},
		{name: "410", fault: jsonFault(410, `{"message":"This endpoint has been removed"}`), kind: api.KindGone, hint: "the API retired this endpoint",
			check: func(t *testing.T, r *rig) {
				if next := r.state("consumed_licenses").NextAttempt; time.Until(next) < 5*time.Hour {
					t.Errorf("after 410 the next attempt is at %s; want hours away", next)
				}
				before := r.sim.Hits(licensesPath)
				for range 5 {
					r.scrape()
					time.Sleep(faultRefresh / 2)
				}
				if hits := r.sim.Hits(licensesPath); hits != before {
					t.Errorf("a retired endpoint was asked %d more times", hits-before)
				}
				// Let the six hours pass.
				forceRetry(r, "consumed_licenses")
			}},
		{name: "primary rate limit", fault: func(*testing.T) http.HandlerFunc {
			// The reset is 1.5 to 2.5 s after each answer, as GitHub's is
			// ahead of the answer that says it: one fixed when the fault was
			// set could be past by the time a busy machine reads the answer,
			// and a spent budget whose reset has passed is held a minute.
			return func(w http.ResponseWriter, r *http.Request) {
				reset := strconv.FormatInt(time.Now().Add(1500*time.Millisecond).Unix()+1, 10)
				jsonFault(403, `{"message":"API rate limit exceeded for user ID 1."}`,
					"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset)(nil)(w, r)
			}
		}, kind: api.KindRateLimit, hint: "rate limited", sharedBudget: true, check: assertSilentUntilRetry},
		{name: "secondary rate limit 403", fault: jsonFault(403, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`, "Retry-After", "1"),
			kind: api.KindRateLimit, hint: "give this target its own token", sharedBudget: true, check: assertSilentUntilRetry},
		{name: "secondary rate limit 429", fault: jsonFault(429, `{"message":"Too many requests"}`, "Retry-After", "1"),
			kind: api.KindRateLimit, hint: "raise refresh_interval", sharedBudget: true, check: assertSilentUntilRetry},
		{name: "server never answers", fault: func(*testing.T) http.HandlerFunc {
			return func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
		}, kind: api.KindTimeout, hint: "no answer within " + faultHang.String(), hang: true},
		{name: "connection cut mid-body", fault: func(t *testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, _ *http.Request) {
				conn, buf, err := http.NewResponseController(w).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(fixture))
				_, _ = buf.Write(fixture[:len(fixture)/2])
				_ = buf.Flush()
				conn.Close()
			}
		}, kind: api.KindBadResponse, hint: "ended early"},
		{name: "truncated JSON", fault: jsonFault(200, string(fixture[:len(fixture)/3])), kind: api.KindBadResponse, hint: "truncated JSON"},
		{name: "body that never ends", fault: func(*testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"total_seats_consumed": 1, "users": [`)
				for {
					_, _ = io.WriteString(w, `{"license_type": "enterprise"},`)
					_ = http.NewResponseController(w).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(5 * time.Millisecond):
					}
				}
			}
		}, kind: api.KindTimeout, hint: "endless body", hang: true},
		{name: "Link header loops back", fault: func(*testing.T) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				next := "2"
				if r.URL.Query().Get("page") == "2" {
					next = "1"
				}
				u := fmt.Sprintf("http://%s%s?page=%s&per_page=100", r.Host, r.URL.Path, next)
				w.Header().Set("Link", `<`+u+`>; rel="next"`)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(fixture)
			}
		}, kind: api.KindBadResponse, hint: "loops back"},
		redirectCase(),
	}
}

// redirectCase sends the exporter to a second server that records whether
// a credential reached it.
func redirectCase() faultCase {
	var hits, withToken atomic.Int32
	return faultCase{
		name: "redirect to another host",
		fault: func(t *testing.T) http.HandlerFunc {
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if r.Header.Get("Authorization") != "" || r.Header.Get("Private-Token") != "" {
					withToken.Add(1)
				}
				w.WriteHeader(http.StatusOK)
			}))
			t.Cleanup(other.Close)
			return func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
			}
		},
		kind: api.KindRefused, hint: "redirect to another host",
		check: func(t *testing.T, _ *rig) {
			if hits.Load() != 0 || withToken.Load() != 0 {
				t.Errorf("the other host got %d requests, %d with a token; want none", hits.Load(), withToken.Load())
			}
		},
	}
}

// TestFaults drives the exporter into each fault on the consumed-licenses
// endpoint while license-sync-status stays healthy, and back out of it.
func TestFaults(t *testing.T) {
	for _, fc := range faultCases() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			o := rigOptions{}
			if fc.hang {
				o.timeout = faultHang
			}
			r := newRigWith(t, faultToken, "", o)
			first := r.eventually(faultDeadline, "a first good scrape", func(s map[string]float64) bool {
				return s[faultSuccess("consumed_licenses")] == 1 && s[faultSuccess("license_sync_status")] == 1
			})
			seats, servers := first[seatsSeries], first[serversSeries]
			if seats != 5000 || servers == 0 {
				t.Fatalf("fixture data missing: seats %v servers %v", seats, servers)
			}

			syncHits := r.sim.Hits(syncPath)
			r.sim.SetFault(licensesPath, fc.fault(t))
			got := r.eventually(3*time.Second, "consumed_licenses failing", func(s map[string]float64) bool {
				if !fc.sharedBudget && s[faultSuccess("license_sync_status")] != 1 {
					t.Errorf("the healthy collector failed; its log:%s", r.logsOf("license_sync_status"))
				}
				return s[faultSuccess("consumed_licenses")] == 0
			})
			st := r.state("consumed_licenses")
			e, ok := api.AsError(st.LastError)
			switch {
			case !ok:
				t.Errorf("error is not an *api.Error: %v", st.LastError)
			case e.Kind != fc.kind:
				t.Errorf("kind = %s, want %s (%v)", e.Kind, fc.kind, st.LastError)
			}
			if fix := r.fix("consumed_licenses"); !strings.Contains(fix, fc.hint) {
				t.Errorf("fix %q does not say %q (error %q)", fix, fc.hint, st.LastError)
			}
			if got[seatsSeries] != seats {
				t.Errorf("the last good data is not served: seats = %v, want %v", got[seatsSeries], seats)
			}
			if got[serversSeries] != servers {
				t.Errorf("the healthy collector's data changed: %v, want %v", got[serversSeries], servers)
			}
			if !fc.sharedBudget {
				r.eventually(time.Second, "the healthy collector refreshing meanwhile", func(s map[string]float64) bool {
					return r.sim.Hits(syncPath) > syncHits && s[faultSuccess("license_sync_status")] == 1
				})
			}
			if err := r.state("license_sync_status").LastError; !fc.sharedBudget && err != nil {
				t.Errorf("the healthy collector failed: %v; its log:%s", err, r.logsOf("license_sync_status"))
			}
			if fc.check != nil {
				fc.check(t, r)
			}

			r.sim.SetFault(licensesPath, nil)
			healed := r.eventually(5*time.Second, "recovery", func(s map[string]float64) bool {
				return s[faultSuccess("consumed_licenses")] == 1 && s[faultSuccess("license_sync_status")] == 1
			})
			if healed[seatsSeries] != seats || healed[serversSeries] != servers {
				t.Errorf("after recovery: seats %v servers %v", healed[seatsSeries], healed[serversSeries])
			}
			r.assertNoSecret(faultToken)
		})
	}
}

// assertSilentUntilRetry checks that while a rate limit holds, the exporter
// sends nothing at all for the token, scrapes still answer, and the wait
// ends when the API said. What was sent is judged by when it left the
// client: a scrape that a busy machine delays past the reset may lead to
// requests, legitimately, after it.
func assertSilentUntilRetry(t *testing.T, r *rig) {
	from := time.Now() // the failure is recorded: the limit holds from here
	e, _ := api.AsError(r.state("consumed_licenses").LastError)
	if e == nil || e.RetryAt.IsZero() || e.RetryAt.Sub(from) > 3*time.Second {
		t.Fatalf("RetryAt not taken from the answer: %+v", e)
	}
	for time.Until(e.RetryAt) > 0 {
		r.scrape()
		time.Sleep(50 * time.Millisecond)
	}
	if sent := r.sent.between(from, e.RetryAt); sent != 0 {
		t.Errorf("%d requests sent while rate limited", sent)
	}
}

// forceRetry pretends the collector's backoff has passed.
func forceRetry(r *rig, collector string) {
	r.exp.mu.RLock()
	defer r.exp.mu.RUnlock()
	for _, tg := range r.exp.targets {
		for _, c := range tg.collectors {
			if c.name == collector {
				c.mu.Lock()
				c.nextAttempt = time.Time{}
				c.mu.Unlock()
			}
		}
	}
}
