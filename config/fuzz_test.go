package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fuzzCatalog = Catalog{
	{Name: "consumed_licenses", Types: []string{TypeGitHub}, Default: true, NeedsEnterprise: true},
	{Name: "license_sync_status", Types: []string{TypeGitHub}, Default: true, NeedsEnterprise: true},
	{Name: "server_license", Types: []string{TypeGitHubServer}, Default: true},
	{Name: "gitlab_license", Types: []string{TypeGitLab}, Default: true},
}

// FuzzParse feeds the loader valid and broken configurations. It must never
// panic, and what it accepts must be usable: named, typed, with an api_url
// the client accepts.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte("ghp_fuzzSecret\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"targets:\n  - name: acme\n    type: github\n    enterprise: acme\n    token_file: TOK\n",
		"targets:\n  - name: acme\n    type: github\n    enterprise: acme\n    token_file: TOK\n    collectors: [consumed_licenses]\n    refresh_interval: 1d\n",
		"targets:\n  - name: ghes\n    type: github_server\n    api_url: https://ghes.example.com/api/v3\n    token_file: TOK\n",
		"targets:\n  - name: lab\n    type: gitlab\n    api_url: http://gitlab.lab\n    insecure_http: true\n    token_file: TOK\n",
		"targets:\n  - name: app\n    type: github\n    enterprise: e\n    github_app: {app_id: 1, installation_id: 2, private_key_file: TOK}\n",
		"targets:\n  - name: a\n    type: github\n    enterprise: a\n    token_file: TOK\n  - name: a\n    type: gitlab\n    api_url: https://g\n    token_file: TOK\n",
		"targets:\n  - name: a\n    tpye: github\n",
		"targets: []\n", "", "targets: 3\n", "- a\n- b\n", "targets:\n  - null\n", "targets:\n  - name: a\n    refresh_interval: -5m\n",
		"targets:\n  - name: x\n    type: github\n    api_url: http://example.com\n    enterprise: e\n    token_file: TOK\n",
		"targets:\n  - &a {name: a}\n  - *a\n",
	} {
		f.Add(strings.ReplaceAll(s, "TOK", tok))
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Paths from the input are opened: keep away from devices and the
		// like, where a read could block.
		if strings.Contains(s, "/dev") || strings.Contains(s, "/proc") || strings.Contains(s, "/sys") || strings.Contains(s, "/run") {
			return
		}
		cfg, err := Parse([]byte(s), fuzzCatalog)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			if bytes.Contains([]byte(err.Error()), []byte("ghp_fuzzSecret")) {
				t.Fatalf("the error holds the token file's content: %v", err)
			}
			return
		}
		for _, tg := range cfg.Targets {
			if tg.Name == "" || tg.APIURL == "" || tg.Refresh() <= 0 {
				t.Fatalf("accepted an unusable target: %+v", tg)
			}
			if err := checkURL(tg.APIURL, tg.Type, tg.InsecureHTTP); err != nil {
				t.Fatalf("accepted api_url %q: %v", tg.APIURL, err)
			}
			_ = fuzzCatalog.Enabled(tg)
		}
	})
}
