package collector

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// TestExplainCauses: an oversized header, a reset connection, a token no
// header can carry and a refused connection each get their own fix, none
// of them "cannot reach … check DNS"; and a failure before any success does
// not claim to serve last good data.
func TestExplainCauses(t *testing.T) {
	sim, simURL := startSim(t, simulator.Options{})
	sim.SetFault("/enterprises/octo-corp/consumed-licenses", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Link", strings.Repeat("x", 16<<10))
		w.Write([]byte("{}"))
	})
	reset := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.(*net.TCPConn).SetLinger(0) // close with RST
			conn.Close()
		}
	}))
	defer reset.Close()
	badToken := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(badToken, []byte(simulator.DemoToken+"\r"+simulator.DemoToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := tokenFile(t)
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
targets:
  - {name: big, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[3]s, collectors: [consumed_licenses]}
  - {name: reset, type: github, api_url: %[2]s, enterprise: octo-corp, token_file: %[3]s, collectors: [consumed_licenses]}
  - {name: badtoken, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[4]s, collectors: [license_sync_status]}
  - {name: refused, type: github, api_url: "http://127.0.0.1:1", enterprise: octo-corp, token_file: %[3]s, collectors: [license_sync_status]}
`, simURL, reset.URL, tok, badToken)), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	logs := &testdeps.SyncBuffer{}
	e := New(Options{Logger: log.NewLogfmtLogger(logs), Timeout: 2 * time.Second,
		Transport: &http.Transport{MaxResponseHeaderBytes: 4 << 10}})
	defer e.Close()
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	sts := byName(e.RefreshAll(context.Background()))
	for name, want := range map[string]string{
		"big/consumed_licenses":        "the answer's headers from api_url " + simURL + " were larger than the exporter accepts",
		"reset/consumed_licenses":      "the connection to api_url " + reset.URL + " was reset (ECONNRESET)",
		"badtoken/license_sync_status": "the token holds a byte an HTTP header cannot carry",
		"refused/license_sync_status":  "nothing accepts connections at api_url http://127.0.0.1:1 (connection refused)",
	} {
		fix := sts[name].Fix
		if !strings.HasPrefix(fix, want) || strings.Contains(fix, "check DNS") {
			t.Errorf("%s: fix %q, want %q", name, fix, want)
		}
		if strings.Contains(fix, simulator.DemoToken) {
			t.Errorf("%s: the fix shows the token", name)
		}
	}
	if strings.Contains(logs.String(), "last good data") || !strings.Contains(logs.String(), "no data to serve yet") {
		t.Errorf("a failure before any success claims to serve data:\n%s", logs)
	}
	if hits := sim.Hits("/enterprises/octo-corp/license-sync-status"); hits != 0 {
		t.Errorf("the unusable token was sent %d times", hits)
	}
}

// TestExplainDNS: a name that does not resolve is named as such.
func TestExplainDNS(t *testing.T) {
	e := &api.Error{Kind: api.KindNetwork, Method: "GET", Path: "/x", Err: &net.DNSError{Name: "api.gihtub.com", Err: "no such host", IsNotFound: true}}
	fix := Explain(e, &Spec{}, &config.Target{APIURL: "https://api.gihtub.com"})
	if !strings.HasPrefix(fix, "the name api.gihtub.com of api_url https://api.gihtub.com does not resolve") {
		t.Errorf("fix %q", fix)
	}
}

// TestLogSaysFixOnce: the log line of a failed refresh gives the fix once,
// in fix=, and the facts in err= (issue: `fix="401: … replace it in
// token_file…" err="…401 … check token_file…"`).
func TestLogSaysFixOnce(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/enterprises/", simulator.JSONFault(http.StatusUnauthorized, `{"message":"Bad credentials"}`))
	cfg, err := config.Parse([]byte(fmt.Sprintf(`
targets:
  - {name: t, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [consumed_licenses]}
`, url, tokenFile(t))), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	logs := &testdeps.SyncBuffer{}
	e := New(Options{Logger: log.NewLogfmtLogger(logs)})
	defer e.Close()
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	e.RefreshAll(context.Background())
	line := logs.String()
	if !strings.Contains(line, "refresh failed") || strings.Count(line, "token_file") != 1 || !strings.Contains(line, `401 Unauthorized (\"Bad credentials\")`) {
		t.Errorf("the fix must be said once, beside the facts:\n%s", line)
	}
}
