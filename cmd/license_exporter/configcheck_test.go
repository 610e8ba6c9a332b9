package main

import (
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// noAPI is an API that fails the test if anything asks it.
func noAPI(t *testing.T) string {
	t.Helper()
	var hits atomic.Int32
	t.Cleanup(func() {
		if n := hits.Load(); n > 0 {
			t.Errorf("--config.check sent %d API requests; it must send none", n)
		}
	})
	return newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "no request expected", http.StatusTeapot)
	}))
}

func configCheck(t *testing.T, file string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(binary, "--config.file="+file, "--config.check")
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errOut.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errOut.String()
}

// TestConfigCheckReportsEveryMistake: a file with seven different mistakes
// gives seven errors in one run of --config.check, each with its line, and
// no API request.
func TestConfigCheckReportsEveryMistake(t *testing.T) {
	file := writeConfig(t, `targets:
  - name: acme
    type: github
    api_url: %[1]s
    enterprise: octo-corp
    token: `+testToken+`
  - name: gl
    type: gitlab
    token_file: %[2]s
  - name: ghes
    type: github_serv
    api_url: %[1]s
    token_file: %[2]s
  - name: octo
    type: github
    api_url: %[1]s
    enterprise: octo-corp
    token_file: %[2]s
    colectors: [consumed_licenses]
    refresh_interval: soon
    max_concurrent_requests: 500
  - name: octo2
    type: github
    api_url: %[1]s
    enterprise: octo-corp
    token_file: %[2]s
    collectors: [consumed_licences]
`, noAPI(t))
	code, out, errOut := configCheck(t, file)
	if code != 1 || out != "" {
		t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
	}
	wantAll(t, "--config.check", errOut,
		"7 mistakes:",
		`line 6: unknown key "token"; did you mean "token_file" or "token_env"?`,
		`target "gl" (line 7): key api_url: missing`,
		`line 11: key type: unknown type "github_serv"`,
		`line 19: unknown key "colectors"; did you mean "collectors"?`,
		`line 20: "soon" is not a positive duration`,
		`line 21: key max_concurrent_requests: 500 is not between 1 and 100`,
		`line 27: key collectors: unknown collector "consumed_licences" (did you mean "consumed_licenses"?)`,
	)
	if n := strings.Count(errOut, "\n  "); n != 7 {
		t.Errorf("%d errors listed, want 7:\n%s", n, errOut)
	}
	if strings.Contains(errOut, testToken) {
		t.Error("the token pasted under the wrong key was printed")
	}
}

// TestConfigCheckValid: a good file passes offline, with the api_url
// correction noted, and the exporter exits instead of serving.
func TestConfigCheckValid(t *testing.T) {
	file := writeConfig(t, `targets:
  - {name: acme, type: github, api_url: %[1]s, enterprise: octo-corp, token_file: %[2]s}
  - {name: eu, type: github, api_url: "https://octo.ghe.com/api/v3", enterprise: octo, token_file: %[2]s}
`, noAPI(t))
	code, out, errOut := configCheck(t, file)
	if code != 0 || errOut != "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	wantAll(t, "--config.check", out, "eu: note: api_url https://octo.ghe.com/api/v3 is not an API", "https://api.octo.ghe.com",
		"the configuration is valid (2 targets)")
}

// TestCheckHelpListsOnlyItsFlags: check --help shows the flags check reads,
// not serve's; the top-level --help still shows serve's.
func TestCheckHelpListsOnlyItsFlags(t *testing.T) {
	out, _ := exec.Command(binary, "check", "--help").CombinedOutput()
	wantAll(t, "check --help", string(out), "--config.file", "--timeout", "demo", "--log.level")
	for _, serveOnly := range []string{"--web.listen-address", "--web.config.file", "--scrape.", "--web.max-requests", "config.check", "--web.telemetry-path"} {
		if strings.Contains(string(out), serveOnly) {
			t.Errorf("check --help lists %s, which check does not use:\n%s", serveOnly, out)
		}
	}
	out, _ = exec.Command(binary, "--help").CombinedOutput()
	wantAll(t, "--help", string(out), "--web.listen-address", "config.check", "--scrape.max-timeout", "--timeout")
	if out, err := exec.Command(binary, "check", "--config.check").CombinedOutput(); err == nil {
		t.Errorf("check --config.check was accepted:\n%s", out)
	}
}
