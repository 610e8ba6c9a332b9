package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func check(t *testing.T, file string, timeout time.Duration) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runCheck(&out, &errOut, file, timeout, collector.Options{})
	all := out.String() + errOut.String()
	if strings.Contains(all, testToken) {
		t.Fatalf("the check printed the token:\n%s", all)
	}
	return code, out.String(), errOut.String()
}

func TestCheckHealthy(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: acme, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [consumed_licenses, license_sync_status]}
`, url)
	code, out, errOut := check(t, file, 10*time.Second)
	if code != checkOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	wantAll(t, "output", out,
		"acme (github, "+url+")",
		"consumed_licenses    every 15m  OK  5000 of 4500 seats consumed, 2 license entries (",
		"license_sync_status  every 1h   OK  2 connected servers, 0 with a failed last sync (",
		"rate limit core: ",
		"2 of 2 collectors OK",
	)
}

func TestCheckBroken(t *testing.T) {
	sim, url := startSim(t)
	sim.SetFault("/enterprises/octo-corp/consumed-licenses", simulator.MissingScope("manage_billing:enterprise, read:enterprise", "repo"))
	sim.SetFault("/enterprises/octo-corp/license-sync-status", simulator.Gone())
	file := writeConfig(t, `
targets:
  - {name: scoped, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s, collectors: [consumed_licenses, license_sync_status]}
  - {name: typo, type: github, api_url: %[1]s, enterprise: octo-crop, token_file: %[2]s, collectors: [consumed_licenses]}
  - {name: down, type: github, api_url: "http://127.0.0.1:1", enterprise: octo-corp, token_file: %[2]s, collectors: [license_sync_status]}
`, url)
	code, out, _ := check(t, file, 10*time.Second)
	if code != checkFailed {
		t.Errorf("exit %d, want %d", code, checkFailed)
	}
	wantAll(t, "output", out,
		"consumed_licenses    every 15m  FAIL  403: the token lacks a scope: this endpoint accepts manage_billing:enterprise, read:enterprise (the token has: repo)",
		"license_sync_status  every 1h   FAIL  410: the API retired this endpoint: remove license_sync_status from collectors",
		`consumed_licenses  every 15m  FAIL  404: the enterprise slug "octo-crop" is wrong, or the token cannot see it: the token's user must be an enterprise owner`,
		"license_sync_status  every 1h  FAIL  nothing accepts connections at api_url http://127.0.0.1:1 (connection refused): check the host and port of api_url",
		"(GitHub answers 404, not 403, to anyone else) (the API said: \"Not Found\")", // the API's own words, kept
		"0 of 4 collectors OK",
	)
}

// Data a product or release does not have is "not available", an OK line
// that says why, not a failure: an Enterprise Server before 3.17 has no
// security products statistics, GitLab Community Edition no license API.
func TestCheckNotAvailable(t *testing.T) {
	sim, url := startSim(t)
	notFound := func(version string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-GitHub-Enterprise-Version", version)
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		}
	}
	sim.SetFault("/enterprise/stats/security-products", notFound("3.16.3"))
	sim.SetFault("/api/v4/license", notFound(""))
	sim.SetFault("/api/v4/version", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"version":"17.5.0","revision":"abc","enterprise":false}`))
	})
	sim.SetFault("/api/graphql", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"errors":[{"message":"Field 'addOnPurchases' doesn't exist on type 'Query'"}]}`))
	})
	file := writeConfig(t, `
targets:
  - {name: old-server, type: github_server, api_url: %[1]s/api/v3, token_file: %[2]s, collectors: [security_products]}
  - {name: ce, type: gitlab, api_url: %[1]s, token_file: %[2]s, collectors: [gitlab_license, gitlab_add_ons]}
`, url)
	code, out, errOut := check(t, file, 10*time.Second)
	if code != checkOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	wantAll(t, "output", out,
		"security_products  every 1h  OK  not available: Enterprise Server 3.16 predates GET /enterprise/stats/security-products (3.17 and later)",
		"gitlab_license  every 1h  OK  not available: GitLab 17.5.0 is Community Edition; the license API (/license) belongs to Enterprise Edition",
		"gitlab_add_ons  every 1h  OK  not available: this GitLab's GraphQL API has no addOnPurchases",
		"3 of 3 collectors OK",
	)
}

func TestCheckTimeout(t *testing.T) {
	sim := simulator.New(simulator.Options{Token: testToken, Latency: 3 * time.Second})
	srv := newServer(t, sim)
	file := writeConfig(t, `
targets:
  - {name: slow, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [license_sync_status]}
`, srv)
	start := time.Now()
	code, out, _ := check(t, file, 100*time.Millisecond)
	if code != checkFailed || !strings.Contains(out, "FAIL  no answer within the check's --timeout (100ms)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("the check outlived its timeout: %s", time.Since(start))
	}
}

func TestCheckBadConfig(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: acme, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, colectors: [consumed_licenses]}
`, url)
	code, out, errOut := check(t, file, time.Second)
	if code != checkBadConfig || out != "" || !strings.Contains(errOut, `unknown key "colectors"; did you mean "collectors"?`) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestIdleTargets(t *testing.T) {
	cfg := &config.Config{Targets: []*config.Target{{Name: "a"}, {Name: "b"}, {Name: "c"}}}
	sts := []collector.Status{{State: collector.State{Target: "a"}}, {State: collector.State{Target: "c"}}}
	idle := idleTargets(cfg, sts)
	if len(idle) != 1 || idle[0].Name != "b" {
		t.Errorf("idle = %v", idle)
	}
}

// TestCheckCorrectsAPIURL: an Enterprise Server api_url without /api/v3 is
// corrected as the file loads; check says so and the collectors then work.
func TestCheckCorrectsAPIURL(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: ghes, type: github_server, api_url: %[1]s, token_file: %[2]s, collectors: [server_license]}
`, url)
	code, out, _ := check(t, file, 10*time.Second)
	wantAll(t, "output", out,
		"ghes: note: api_url "+url+" is the web site, not the API: using "+url+"/api/v3",
		"1 of 1 collector OK",
	)
	if code != checkOK {
		t.Errorf("exit %d", code)
	}
}

// TestCheckSSOPartialResults: GitHub answers 200 but leaves out organizations
// the token is not authorized for (X-GitHub-SSO: partial-results); check
// says the data is incomplete and why, though every collector succeeded.
func TestCheckSSOPartialResults(t *testing.T) {
	sim, _ := startSim(t)
	url := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-GitHub-SSO", "partial-results; organizations=21955855,20582480")
		sim.ServeHTTP(w, r)
	}))
	file := writeConfig(t, `
targets:
  - {name: acme, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s, collectors: [consumed_licenses]}
`, url)
	_, out, _ := check(t, file, 10*time.Second)
	wantAll(t, "output", out,
		"1 of 1 collector OK",
		"acme: incomplete data: GitHub left out the organizations with IDs 20582480, 21955855, for which the token is not authorized for SAML single sign-on",
	)
}

// A 404 that a collector takes as "no data" (no budgets, no AI credit
// report) is what a wrong enterprise slug gives too: the check shows it as
// WARN with both meanings, not as a plain OK, and does not fail.
func TestCheckNotFoundIsWarning(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: typo, type: github, api_url: %s, enterprise: octo-crop, token_file: %s, collectors: [budgets, ai_credits, visual_studio_subscriptions]}
`, url)
	code, out, errOut := check(t, file, 10*time.Second)
	if code != checkOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	wantAll(t, "output", out,
		"budgets                      every 1h  WARN  not available (404): no budgets, or the enterprise slug is wrong or the token may not see it",
		"ai_credits                   every 1h  WARN  not available (404): no AI credit usage report",
		"visual_studio_subscriptions  every 1h  WARN  not available (404): no Visual Studio subscriptions",
		"0 of 3 collectors OK, 3 not available (404: check the enterprise slug if unexpected) or partial (the WARN line says what is missing)",
	)
}

// TestOneCauseSaidOnce: one rejected token stops every collector of a
// target: check prints one line naming them all, and the status page one
// row, instead of a line and a red row per collector.
func TestOneCauseSaidOnce(t *testing.T) {
	sim, url := startSim(t)
	sim.SetFault("/enterprises/", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"message":"Bad credentials"}`))
	})
	file := writeConfig(t, `
targets:
  - {name: acme, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [consumed_licenses, license_sync_status, copilot_seats]}
`, url)
	code, out, _ := check(t, file, time.Minute)
	if code != checkFailed {
		t.Errorf("exit %d", code)
	}
	const fix = "401: the token was rejected (wrong, expired or revoked): replace it in token_file, token_env or github_app"
	wantAll(t, "output", out,
		"  FAIL  3 collectors for one cause (consumed_licenses, license_sync_status, copilot_seats): "+fix+` (the API said: "Bad credentials")`,
		"0 of 3 collectors OK")
	if n := strings.Count(out, "token was rejected"); n != 1 {
		t.Errorf("the cause is said %d times:\n%s", n, out)
	}

	cfg, err := config.Load(file, collector.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	exp := collector.New(collector.Options{})
	defer exp.Close()
	if err := exp.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	exp.RefreshAll(context.Background())
	page := getPage(t, testStatusPage(t, exp, time.Now()))
	wantAll(t, "page", page, `<tr class="fail"><td>consumed_licenses, license_sync_status, copilot_seats</td><td>15m, 1h</td><td>FAILING (3 collectors, one cause)</td><td>never</td>`)
	if n := strings.Count(page, "token was rejected"); n != 1 {
		t.Errorf("the page says the cause %d times", n)
	}
}

// A GitLab.com group: check says which read answered, and where only the
// namespace did, that the purchased-seat and owed alerts cannot fire; a
// group the token cannot see fails with the group named.
func TestCheckGitLabGroup(t *testing.T) {
	sim, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: group, type: gitlab, api_url: %s, group: group1, token_file: %s}
`, url)
	code, out, errOut := check(t, file, 10*time.Second)
	if code != checkOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	wantAll(t, "output", out,
		"gitlab_subscription  every 1h  OK  premium plan, 82 of 80 seats in use, 2 owed, ends 2021-07-15; from the subscription (GET /namespaces/:id/gitlab_subscription)",
		"gitlab_add_ons       every 1h  OK  code_suggestions",
		"2 of 2 collectors OK",
	)

	sim.SetFault("/api/v4/namespaces/2/gitlab_subscription", simulator.JSONFault(http.StatusForbidden, `{"message":"403 Forbidden"}`))
	code, out, _ = check(t, file, 10*time.Second)
	if code != checkOK {
		t.Fatalf("exit %d, stdout:\n%s", code, out)
	}
	wantAll(t, "output", out,
		"gitlab_subscription  every 1h  WARN  default plan, 0 seats in use, no end date; from GET /namespaces/:id, the subscription read was refused (403): seats bought and seats owed are unknown, so the purchased-seat and owed alerts cannot fire for this group",
		"1 of 2 collectors OK, 1 not available",
	)

	file = writeConfig(t, `
targets:
  - {name: group, type: gitlab, api_url: %s, group: nobody, token_file: %s}
`, url)
	code, out, _ = check(t, file, 10*time.Second)
	if code != checkFailed {
		t.Fatalf("exit %d, stdout:\n%s", code, out)
	}
	wantAll(t, "output", out, `FAIL  404: the group "nobody" does not exist at api_url, or the token cannot see it`)
}

// TestCheckFiveKinds: one target of each kind — an enterprise, an
// organization outside any enterprise, an Enterprise Server, a GitLab
// instance and a GitLab.com group — passes check against the simulator
// that --demo runs.
func TestCheckFiveKinds(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, `
targets:
  - {name: enterprise, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s}
  - {name: organization, type: github_org, api_url: %[1]s, organization: github, token_file: %[2]s}
  - {name: server, type: github_server, api_url: %[1]s/api/v3, token_file: %[2]s}
  - {name: gitlab, type: gitlab, api_url: %[1]s, token_file: %[2]s}
  - {name: group, type: gitlab, api_url: %[1]s, group: group1, token_file: %[2]s}
`, url)
	code, out, errOut := check(t, file, 30*time.Second)
	if code != checkOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	wantAll(t, "output", out,
		"enterprise (github, ", "organization (github_org, ", "server (github_server, ", "gitlab (gitlab, ", "group (gitlab, ",
		"org_seats      every 15m  OK    medium plan, 4 of 5 seats",
		"org_copilot    every 15m  OK    Copilot business, 12 seats",
		// GitHub's example budgets name no cost center or organization:
		// their spend is unknown, which is a warning, not a failure.
		"budgets                      every 1h   WARN  3 budgets, spend known for 1",
		"gitlab_subscription  every 1h  OK  premium plan, 82 of 80 seats in use",
		"22 of 24 collectors OK, 2 not available (404: check the enterprise slug if unexpected) or partial",
	)
	if strings.Contains(out, "FAIL") {
		t.Errorf("a collector failed:\n%s", out)
	}
}
