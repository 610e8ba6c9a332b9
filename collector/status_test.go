package collector

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// newTestExporter builds an exporter from a YAML configuration; %s in yml is
// replaced by the simulator's URL and then the token file.
func newTestExporter(t *testing.T, yml string, args ...any) *Exporter {
	t.Helper()
	cfg, err := config.Parse([]byte(fmt.Sprintf(yml, args...)), Catalog())
	if err != nil {
		t.Fatal(err)
	}
	e := New(Options{})
	t.Cleanup(e.Close)
	if err := e.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return e
}

const twoTargets = `
targets:
  - {name: good, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s, collectors: [consumed_licenses, license_sync_status]}
  - {name: wrong-slug, type: github, api_url: %[1]s, enterprise: no-such-corp, token_file: %[2]s, collectors: [consumed_licenses]}
`

func byName(sts []Status) map[string]Status {
	out := map[string]Status{}
	for _, s := range sts {
		out[s.Target+"/"+s.Collector] = s
	}
	return out
}

func TestRefreshAll(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	e := newTestExporter(t, twoTargets, url, tokenFile(t))

	before := e.Statuses()
	if len(before) != 3 || sim.Total() != 0 {
		t.Fatalf("Statuses must not refresh: %d statuses, %d requests", len(before), sim.Total())
	}
	for _, s := range before {
		if !s.LastAttempt.IsZero() || s.Fix != "" {
			t.Errorf("%s/%s: unexpected state before any refresh: %+v", s.Target, s.Collector, s)
		}
	}

	got := byName(e.RefreshAll(context.Background()))
	ok := got["good/consumed_licenses"]
	if !ok.Succeeded() || !strings.Contains(ok.Summary, "seats consumed") || ok.Type != "github" || ok.APIURL != url {
		t.Errorf("good/consumed_licenses = %+v", ok)
	}
	if !got["good/license_sync_status"].Succeeded() {
		t.Errorf("good/license_sync_status = %+v", got["good/license_sync_status"])
	}
	bad := got["wrong-slug/consumed_licenses"]
	if bad.Succeeded() || !strings.Contains(bad.Fix, `404: the enterprise slug "no-such-corp" is wrong, or the token cannot see it: the token's user must be an enterprise owner`) {
		t.Errorf("wrong slug: fix = %q", bad.Fix)
	}

	// A second RefreshAll refreshes again, even though the data is fresh.
	n := sim.Hits("/enterprises/octo-corp/license-sync-status")
	e.RefreshAll(context.Background())
	if sim.Hits("/enterprises/octo-corp/license-sync-status") != n+1 {
		t.Error("RefreshAll must refresh fresh data too")
	}
}

func TestRefreshAllGivesUpAtDeadline(t *testing.T) {
	// The API answers after a minute (cancelled when the test ends): no
	// refresh can finish, however slow the machine, and a RefreshAll that
	// waited for one would take the minute.
	_, url := startSim(t, simulator.Options{Latency: time.Minute})
	e := newTestExporter(t, twoTargets, url, tokenFile(t))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	for _, s := range e.RefreshAll(ctx) {
		if !s.LastAttempt.IsZero() || !s.Refreshing {
			t.Errorf("%s/%s should still be refreshing: %+v", s.Target, s.Collector, s)
		}
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("RefreshAll waited %s past its deadline", d)
	}
}

func TestTokenRotation(t *testing.T) {
	sim, url := startSim(t, simulator.Options{Token: "rotated-token-2"})
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("old-token-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := newTestExporter(t, `
targets:
  - {name: t, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [license_sync_status]}
`, url, path)

	st := e.RefreshAll(context.Background())[0]
	if st.Succeeded() || !api.IsKind(st.LastError, api.KindAuth) || !strings.HasPrefix(st.Fix, "401: the token was rejected") {
		t.Fatalf("with the old token: %+v", st)
	}
	if strings.Contains(st.Fix+st.LastError.Error(), "old-token") {
		t.Fatalf("a token leaked into the error: %q", st.Fix)
	}

	// Rotate as Kubernetes and most secret managers do: write aside, rename.
	next := path + ".new"
	if err := os.WriteFile(next, []byte("rotated-token-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(next, path); err != nil {
		t.Fatal(err)
	}
	st = e.RefreshAll(context.Background())[0]
	if !st.Succeeded() {
		t.Fatalf("after rotation the new token must be used without a restart: %+v", st)
	}
	if sim.Hits("/enterprises/octo-corp/license-sync-status") != 2 {
		t.Errorf("want 2 requests, got %d", sim.Hits("/enterprises/octo-corp/license-sync-status"))
	}

	// A rotation that leaves the file empty fails in words, naming the file.
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	st = e.RefreshAll(context.Background())[0]
	if st.Succeeded() || st.Fix != "no token: token_file "+path+" is empty" {
		t.Errorf("empty token file: fix = %q", st.Fix)
	}
}

func TestExplain(t *testing.T) {
	gh := &config.Target{Type: config.TypeGitHub, APIURL: "https://api.github.com", Enterprise: "acme"}
	ghes := &config.Target{Type: config.TypeGitHubServer, APIURL: "https://ghe.example.com"}
	gl := &config.Target{Type: config.TypeGitLab, APIURL: "https://gitlab.example.com"}
	retry := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		err       error
		collector string
		t         *config.Target
		want      string
	}{
		{"scope", &api.Error{Kind: api.KindPermission, Status: 403, AcceptedScopes: "read:enterprise", TokenScopes: "repo"},
			"consumed_licenses", gh, "403: the token lacks a scope: this endpoint accepts read:enterprise (the token has: repo); consumed_licenses needs: the token's user must be an enterprise owner; a classic token needs the scope `read:enterprise`; a fine-grained token with the \"Enterprise administration\" (read) permission is documented but unconfirmed (GitHub's pages disagree), and GitHub Apps cannot call this endpoint: use a classic token"},
		{"no scope header", fmt.Errorf("copilot seats: %w", &api.Error{Kind: api.KindPermission, Status: 403}),
			"copilot_seats", gh, "403: copilot_seats needs: the token's user must be an enterprise owner or billing manager; a classic token needs the scope `manage_billing:copilot` or `read:enterprise`; a fine-grained token or GitHub App needs a GitHub App installed on the enterprise with its Copilot seat permission (the endpoint is enabled for GitHub Apps)"},
		{"slug", fmt.Errorf("consumed licenses: %w", &api.Error{Kind: api.KindNotFound, Status: 404, Path: "/enterprises/acme/consumed-licenses"}),
			"consumed_licenses", gh, `404: the enterprise slug "acme" is wrong, or the token cannot see it: the token's user must be an enterprise owner (GitHub answers 404, not 403, to anyone else)`},
		{"ghes path", &api.Error{Kind: api.KindNotFound, Status: 404, Path: "/enterprise/stats/all"},
			"admin_stats", ghes, "404: check that api_url ends in /api/v3; the token's user must be a site administrator (anyone else gets 404)"},
		{"gitlab", &api.Error{Kind: api.KindNotFound, Status: 404, Path: "/api/v4/license"},
			"gitlab_license", gl, "404: check api_url (the instance's base URL, without /api/v4); the token's user must be an administrator (where Admin Mode is on, the token also needs `admin_mode`)"},
		{"retired legacy", &api.Error{Kind: api.KindGone, Status: 410},
			"billing_actions", gh, "GitHub retired this endpoint: use billing_usage (asked again only every 6h0m0s)"},
		{"retired other", &api.Error{Kind: api.KindGone, Status: 410},
			"license_sync_status", gh, "410: the API retired this endpoint: remove license_sync_status from collectors (asked again only every 6h0m0s)"},
		{"rate limit", &api.Error{Kind: api.KindRateLimit, Status: 403, RetryAt: retry},
			"consumed_licenses", gh, "403: rate limited until 2026-01-02T03:04:05Z: raise refresh_interval or give this target its own token"},
		{"unreachable", &api.Error{Kind: api.KindNetwork, Err: errors.New("dial tcp: lookup api.github.com: no such host")},
			"consumed_licenses", gh, "cannot reach api_url https://api.github.com: dial tcp: lookup api.github.com: no such host; check DNS, proxy settings (HTTPS_PROXY) and firewalls"},
		{"revoked", &api.Error{Kind: api.KindAuth, Status: 401},
			"consumed_licenses", gh, "401: the token was rejected (wrong, expired or revoked): replace it in token_file, token_env or github_app"},
		{"server", &api.Error{Kind: api.KindServer, Status: 502, Hint: "the API failed on its side; the exporter retries with backoff"},
			"consumed_licenses", gh, "502: the API failed on its side; the exporter retries with backoff"},
		{"panic", errPanic, "consumed_licenses", gh, errPanic.Error()},
		{"plain", errors.New("decoding:\n  bad"), "consumed_licenses", gh, "decoding: bad"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec, ok := SpecOf(tc.collector)
			if !ok {
				t.Fatalf("no collector %s", tc.collector)
			}
			if got := Explain(tc.err, spec, tc.t); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestExplainFromSimulatorFaults(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	e := newTestExporter(t, `
targets:
  - {name: t, type: github, api_url: %s, enterprise: octo-corp, token_file: %s}
`, url, tokenFile(t))
	sim.SetFault("/enterprises/octo-corp/consumed-licenses", simulator.MissingScope("manage_billing:enterprise, read:enterprise", "repo"))
	sim.SetFault("/enterprises/octo-corp/license-sync-status", simulator.Gone())
	got := byName(e.RefreshAll(context.Background()))
	if fix := got["t/consumed_licenses"].Fix; !strings.HasPrefix(fix, "403: the token lacks a scope: this endpoint accepts manage_billing:enterprise, read:enterprise (the token has: repo); consumed_licenses needs: ") {
		t.Errorf("missing scope: %q", fix)
	}
	if fix := got["t/license_sync_status"].Fix; !strings.HasPrefix(fix, "410: the API retired this endpoint") {
		t.Errorf("retired: %q", fix)
	}
}
