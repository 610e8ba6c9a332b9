package config

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

var testCatalog = Catalog{
	{Name: "consumed_licenses", Types: []string{TypeGitHub}, Default: true, NeedsEnterprise: true},
	{Name: "license_sync_status", Types: []string{TypeGitHub}, Default: true, NeedsEnterprise: true},
	{Name: "billing_actions", Types: []string{TypeGitHub}, NeedsEnterprise: true},
	{Name: "runners", Types: []string{TypeGitHub, TypeGitHubServer}, Default: true, NeedsEnterprise: true},
	{Name: "server_license", Types: []string{TypeGitHubServer}, Default: true},
	{Name: "gitlab_license", Types: []string{TypeGitLab}, Default: true},
}

func writeToken(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseValid(t *testing.T) {
	tok := writeToken(t, "ghp_secret\n")
	t.Setenv("GL_TOKEN", "glpat-secret")
	cfg, err := Parse([]byte(`
targets:
  - name: acme
    type: github
    enterprise: acme
    token_file: `+tok+`
  - name: ghes
    type: github_server
    api_url: https://ghes.example.com/api/v3
    token_file: `+tok+`
    refresh_interval: 1d
  - name: gl
    type: gitlab
    api_url: https://gitlab.example.com
    token_env: GL_TOKEN
    collectors: [gitlab_license]
    refresh_interval: 30s
`), testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	acme, ghes, gl := cfg.Targets[0], cfg.Targets[1], cfg.Targets[2]
	if acme.APIURL != "https://api.github.com" || acme.Refresh() != DefaultRefreshInterval || acme.Line != 3 {
		t.Errorf("acme = %+v", acme)
	}
	if got := testCatalog.Enabled(acme); strings.Join(got, ",") != "consumed_licenses,license_sync_status,runners" {
		t.Errorf("default collectors of acme = %v", got)
	}
	if got := testCatalog.Enabled(ghes); strings.Join(got, ",") != "server_license" {
		t.Errorf("runners needs enterprise, so ghes gets only %v", got)
	}
	if ghes.Refresh() != 24*time.Hour || gl.Refresh() != 30*time.Second {
		t.Errorf("refresh = %v, %v", ghes.Refresh(), gl.Refresh())
	}
}

func TestParseErrors(t *testing.T) {
	tok := writeToken(t, "ghp_secret_value\n")
	empty := writeToken(t, "")
	huge := writeToken(t, strings.Repeat("k", 64<<10+1))
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("EMPTY_TOKEN", "")
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"invalid yaml", "targets: [\n", []string{"invalid YAML", "line"}},
		{"empty", "", []string{"empty"}},
		{"no targets", "targets: []\n", []string{"no targets"}},
		{"unknown top-level key", "target:\n  - name: a\n", []string{"line 1", `unknown key "target"`, `did you mean "targets"`}},
		{"typo in target", "targets:\n  - name: acme\n    type: github\n    enterprise: acme\n    token_file: " + tok + "\n    colectors: [consumed_licenses]\n",
			[]string{`target "acme" (line 2)`, "line 6", `unknown key "colectors"`, `did you mean "collectors"`}},
		{"typo in github_app", "targets:\n  - name: acme\n    type: github\n    enterprise: acme\n    github_app: {app_id: 1, instalation_id: 2, private_key_file: " + tok + "}\n",
			[]string{`target "acme"`, "github_app", `unknown key "instalation_id"`}},
		{"duplicate names", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + "}\n  - {name: a, type: github, enterprise: f, token_file: " + tok + "}\n",
			[]string{`target "a" (line 3)`, "key name", "line 2", "unique"}},
		{"missing name", "targets:\n  - {type: github, enterprise: e, token_file: " + tok + "}\n", []string{"target at line 2", "key name: missing"}},
		{"unknown type", "targets:\n  - {name: a, type: bitbucket, token_file: " + tok + "}\n", []string{`target "a"`, "key type", `"bitbucket"`}},
		{"missing type", "targets:\n  - {name: a, token_file: " + tok + "}\n", []string{"key type: missing"}},
		{"github without enterprise", "targets:\n  - {name: a, type: github, token_file: " + tok + "}\n", []string{`target "a"`, "key enterprise: missing"}},
		{"gitlab without api_url", "targets:\n  - {name: a, type: gitlab, token_file: " + tok + "}\n", []string{"key api_url: missing"}},
		{"unknown collector", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", collectors: [seats]}\n",
			[]string{`target "a"`, "key collectors", `unknown collector "seats"`, "consumed_licenses"}},
		{"collector of another type", "targets:\n  - {name: a, type: gitlab, api_url: 'https://gl.example.com', token_file: " + tok + ", collectors: [consumed_licenses]}\n",
			[]string{"consumed_licenses does not serve type gitlab"}},
		{"runners without enterprise", "targets:\n  - {name: a, type: github_server, api_url: 'https://h/api/v3', token_file: " + tok + ", collectors: [runners]}\n",
			[]string{"runners needs the enterprise key"}},
		{"no credentials", "targets:\n  - {name: a, type: github, enterprise: e}\n", []string{`target "a"`, "credentials missing"}},
		{"two credentials", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", token_env: X}\n", []string{"exactly one"}},
		{"unreadable token file", "targets:\n  - {name: a, type: github, enterprise: e, token_file: /nonexistent/token}\n",
			[]string{`target "a"`, "key token_file", "cannot read /nonexistent/token"}},
		{"empty token file", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + empty + "}\n", []string{"key token_file", "is empty"}},
		{"token file is a directory", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + filepath.Dir(tok) + "}\n",
			[]string{"key token_file", "is a directory, not a regular file"}},
		{"token file is /dev/zero", "targets:\n  - {name: a, type: github, enterprise: e, token_file: /dev/zero}\n",
			[]string{"key token_file", "character device"}},
		{"app key over 64 KiB", "targets:\n  - {name: a, type: github, enterprise: e, github_app: {app_id: 1, installation_id: 2, private_key_file: " + huge + "}}\n",
			[]string{"key github_app.private_key_file", "more than the 65536"}},
		{"proxy credentials are a FIFO", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", proxy_url: 'http://proxy:3128', proxy_credentials_file: " + fifo + "}\n",
			[]string{"key proxy_credentials_file", "named pipe"}},
		{"empty token env", "targets:\n  - {name: a, type: github, enterprise: e, token_env: EMPTY_TOKEN}\n", []string{"key token_env", "EMPTY_TOKEN"}},
		{"incomplete app", "targets:\n  - {name: a, type: github, enterprise: e, github_app: {app_id: 1}}\n", []string{"key github_app", "installation_id"}},
		{"plain http to a remote host", "targets:\n  - {name: a, type: github, enterprise: e, api_url: 'http://api.example.com', token_file: " + tok + "}\n",
			[]string{"key api_url", "plain http", "insecure_http"}},
		{"bad refresh", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", refresh_interval: -5m}\n",
			[]string{"line 2", "positive duration"}},
		{"wrong value type", "targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", collectors: consumed_licenses}\n",
			[]string{"line 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), testCatalog)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "ghp_secret_value") {
				t.Errorf("error leaks the token: %q", err)
			}
		})
	}
}

func TestParseAllowsInsecureOptInAndLoopback(t *testing.T) {
	tok := writeToken(t, "x")
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:1"} {
		if _, err := Parse([]byte("targets:\n  - {name: a, type: github, enterprise: e, api_url: '"+u+"', token_file: "+tok+"}\n"), testCatalog); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := Parse([]byte("targets:\n  - {name: a, type: github, enterprise: e, api_url: 'http://lab.example', insecure_http: true, token_file: "+tok+"}\n"), testCatalog); err != nil {
		t.Errorf("insecure_http: true must allow plain http: %v", err)
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "le.yml")
	if err := os.WriteFile(p, []byte("targets: {"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p, testCatalog); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("Load error %v should name the file", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yml"), testCatalog); err == nil {
		t.Error("a missing file must fail")
	}
}

func TestTokenUnderTheWrongKeyIsNotEchoed(t *testing.T) {
	tok := writeToken(t, "x")
	for _, yml := range []string{
		"targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", refresh_interval: ghp_PastedByMistake0123456789}\n",
		"targets:\n  - {name: a, type: github, enterprise: e, token_file: " + tok + ", api_url: 'glpat-PastedByMistake0123'}\n",
	} {
		_, err := Parse([]byte(yml), testCatalog)
		if err == nil || strings.Contains(err.Error(), "PastedByMistake") || !strings.Contains(err.Error(), "<redacted token>") {
			t.Errorf("error = %v", err)
		}
	}
}

func TestHugeDurationRejected(t *testing.T) {
	if _, err := ParseDuration("1000000d"); err == nil {
		t.Error("a duration that overflows must be rejected, not wrap to the default")
	}
}

// TestDurations: Prometheus's forms (prometheus/common/model), and Go's with
// fractions, which were accepted before the switch to model.ParseDuration.
func TestDurations(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"30s": 30 * time.Second, "5m": 5 * time.Minute, "1d": 24 * time.Hour, "1d12h": 36 * time.Hour,
		"2w": 14 * 24 * time.Hour, "1y": 365 * 24 * time.Hour, "500ms": 500 * time.Millisecond,
		"1.5h": 90 * time.Minute, "1h30m": 90 * time.Minute,
	} {
		if got, err := ParseDuration(s); err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", s, got, err, want)
		}
	}
	for s, msg := range map[string]string{
		"1.5d": "write 36h", "0": "positive duration", "-5m": "positive duration", "5": "positive duration",
		"5 minutes": "positive duration", "1000000d": "out of range", "": "positive duration",
	} {
		if _, err := ParseDuration(s); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: err = %v, want one containing %q", s, err, msg)
		}
	}
}

// TestDecoderErrorsNameTheTarget: errors the strict decoder reports by line
// are given the target they belong to, and all of them are reported at once.
func TestDecoderErrorsNameTheTarget(t *testing.T) {
	tok := writeToken(t, "x")
	_, err := Parse([]byte(`targets:
  - name: first
    type: github
    enterprise: e
    token_file: `+tok+`
  - name: second
    type: github
    enterprise: e
    token_file: `+tok+`
    refresh_interval: soon
    enterprize: e
    github_app: {app_id: 1, instalation_id: 2}
`), testCatalog)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{
		`target "second" (line 6): line 10: "soon" is not a positive duration`,
		`target "second" (line 6): line 11: unknown key "enterprize"; did you mean "enterprise"?`,
		`target "second" (line 6): github_app: line 12: unknown key "instalation_id"; did you mean "installation_id"?`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if strings.Contains(err.Error(), `"first"`) {
		t.Errorf("error %q blames the first target", err)
	}
	_, err = Parse([]byte("targets:\n  - 3\n"), testCatalog)
	if err == nil || !strings.Contains(err.Error(), "line 2: each entry under targets must be a mapping") {
		t.Errorf("scalar entry: %v", err)
	}
	_, err = Parse([]byte("targets: 3\n"), testCatalog)
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("scalar targets: %v", err)
	}
}

// TestIntervalFor: refresh_intervals names a collector over refresh_interval,
// which is over the collector's own default.
func TestIntervalFor(t *testing.T) {
	tok := writeToken(t, "x")
	cat := Catalog{
		{Name: "consumed_licenses", Types: []string{TypeGitHub}, Default: true, Interval: 15 * time.Minute},
		{Name: "billing_usage", Types: []string{TypeGitHub}, Default: true, Interval: time.Hour},
		{Name: "runners", Types: []string{TypeGitHub}, Default: true},
	}
	cfg, err := Parse([]byte(`targets:
  - {name: a, type: github, enterprise: e, token_file: `+tok+`, refresh_intervals: {billing_usage: 2h}}
  - {name: b, type: github, enterprise: e, token_file: `+tok+`, refresh_interval: 10m, refresh_intervals: {consumed_licenses: 1d}}
`), cat)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		target int
		spec   CollectorSpec
		want   time.Duration
	}{
		{0, cat[0], 15 * time.Minute}, // the collector's default
		{0, cat[1], 2 * time.Hour},    // refresh_intervals
		{0, cat[2], DefaultRefreshInterval},
		{1, cat[0], 24 * time.Hour},   // refresh_intervals over refresh_interval
		{1, cat[1], 10 * time.Minute}, // refresh_interval over the default
	} {
		if got := cfg.Targets[tc.target].IntervalFor(tc.spec); got != tc.want {
			t.Errorf("target %d, %s: %s, want %s", tc.target, tc.spec.Name, got, tc.want)
		}
	}
	for _, bad := range []string{"{consumed_licence: 1h}", "{billing_usage: -1h}", "{billing_usage: often}"} {
		_, err := Parse([]byte("targets:\n  - {name: a, type: github, enterprise: e, token_file: "+tok+", refresh_intervals: "+bad+"}\n"), cat)
		if err == nil || !strings.Contains(err.Error(), "refresh_intervals") && !strings.Contains(err.Error(), "positive duration") {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}

// TestGroupKind: a gitlab target with a group is a GitLab.com group to the
// catalog; the instance collectors are off for it and refused by name.
func TestGroupKind(t *testing.T) {
	cat := Catalog{
		{Name: "gitlab_license", Types: []string{TypeGitLab}, Default: true},
		{Name: "gitlab_add_ons", Types: []string{TypeGitLab, KindGitLabGroup}, Default: true},
		{Name: "gitlab_subscription", Types: []string{KindGitLabGroup}, Default: true},
	}
	tok := writeToken(t, "glpat-x\n")
	cfg, err := Parse([]byte("targets:\n  - name: g\n    type: gitlab\n    api_url: https://gitlab.com\n    group: acme\n    token_file: "+tok+"\n"), cat)
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Enabled(cfg.Targets[0]); strings.Join(got, " ") != "gitlab_add_ons gitlab_subscription" {
		t.Errorf("enabled %v", got)
	}
	_, err = Parse([]byte("targets:\n  - name: g\n    type: gitlab\n    api_url: https://gitlab.com\n    group: acme\n    token_file: "+tok+"\n    collectors: [gitlab_license]\n"), cat)
	if err == nil || !strings.Contains(err.Error(), "gitlab_license does not serve type gitlab with group") {
		t.Errorf("err = %v", err)
	}
	for group, want := range map[string]string{
		"acme/sub":  `"acme/sub" is a subgroup`,
		"/acme":     "without slashes around it",
		"ac me":     "is not a group path",
		"12345":     "",
		"my.group_": "",
	} {
		_, err := Parse([]byte("targets:\n  - name: g\n    type: gitlab\n    api_url: https://gitlab.com\n    group: \""+group+"\"\n    token_file: "+tok+"\n"), cat)
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", group, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: err = %v, want %q", group, err, want)
		}
	}
}

// TestOrgTarget: github_org needs organization, defaults to api.github.com,
// refuses GHE.com and the enterprise key, and an enterprise target with an
// organization key is told which type it meant.
func TestOrgTarget(t *testing.T) {
	tok := writeToken(t, "ghp_x\n")
	cfg, err := Parse([]byte("targets:\n  - {name: o, type: github_org, organization: octo-org, token_file: "+tok+"}\n"), testCatalog)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Targets[0].APIURL != "https://api.github.com" {
		t.Errorf("api_url %q", cfg.Targets[0].APIURL)
	}
	for yml, want := range map[string]string{
		"{name: o, type: github_org, token_file: TOK}":                                                     "key organization: missing",
		"{name: o, type: github_org, organization: -bad-, token_file: TOK}":                                "is not a GitHub organization login",
		"{name: o, type: github_org, organization: o, api_url: https://api.acme.ghe.com, token_file: TOK}": "GHE.com, where every organization belongs to an enterprise",
		"{name: o, type: github_org, organization: o, enterprise: e, token_file: TOK}":                     "key enterprise: a github_org target",
		"{name: o, type: github, organization: o, token_file: TOK}":                                        "an organization that belongs to no enterprise is type github_org",
		"{name: o, type: github, enterprise: e, organization: o, token_file: TOK}":                         "key organization: a github target reads its enterprise",
		"{name: o, type: gitlab, api_url: https://gitlab.com, organization: o, token_file: TOK}":           "only type github_org targets take an organization",
		"{name: o, type: github, enterprise: e, group: g, token_file: TOK}":                                "key group: only gitlab targets take a group",
		"{name: o, type: github_orgs, organization: o, token_file: TOK}":                                   `did you mean "github_org"?`,
	} {
		_, err := Parse([]byte("targets:\n  - "+strings.ReplaceAll(yml, "TOK", tok)+"\n"), testCatalog)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", yml, err, want)
		}
	}
}
