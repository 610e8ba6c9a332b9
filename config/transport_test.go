package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseOne(t *testing.T, target string) (*Target, error) {
	t.Helper()
	tok := writeToken(t, "tok\n")
	cfg, err := Parse([]byte("targets:\n  - {name: t, token_file: "+tok+", "+target+"}\n"), testCatalog)
	if err != nil {
		return nil, err
	}
	return cfg.Targets[0], nil
}

// TestAPIURLMistakes: valid URLs that would answer with web pages are
// corrected as the file loads, with a note that says what to write.
func TestAPIURLMistakes(t *testing.T) {
	for _, tc := range []struct{ target, want, note string }{
		{"type: github, enterprise: e, api_url: https://github.com", "https://api.github.com", "using https://api.github.com"},
		{"type: github, enterprise: e, api_url: https://github.com/", "https://api.github.com", "using https://api.github.com"},
		{"type: github, enterprise: e, api_url: https://octo.ghe.com", "https://api.octo.ghe.com", "using https://api.octo.ghe.com"},
		{"type: github_server, api_url: https://ghes.example.com", "https://ghes.example.com/api/v3", "using https://ghes.example.com/api/v3"},
		{"type: github_server, api_url: https://ghes.example.com/", "https://ghes.example.com/api/v3", "using https://ghes.example.com/api/v3"},
		// Enterprise Server's /api/v3 on a Cloud host: the Cloud API host.
		{"type: github, enterprise: e, api_url: https://octo.ghe.com/api/v3", "https://api.octo.ghe.com", "API is https://api.octo.ghe.com"},
		{"type: github, enterprise: e, api_url: https://api.octo.ghe.com/api/v3", "https://api.octo.ghe.com", "API is https://api.octo.ghe.com"},
		{"type: github, enterprise: e, api_url: https://github.com/api/v3", "https://api.github.com", "API is https://api.github.com"},
		// The other GitHub product's URL: left as written, with the type to use.
		{"type: github_server, api_url: https://api.github.com", "https://api.github.com", "use type: github"},
		{"type: github_server, api_url: https://octo.ghe.com/api/v3", "https://octo.ghe.com/api/v3", "use type: github with api_url: https://api.octo.ghe.com"},
		{"type: github_server, api_url: https://github.com", "https://github.com", "use type: github"},
		{"type: github_server, api_url: https://octo.ghe.com", "https://octo.ghe.com", "use type: github"},
		{"type: github, enterprise: e, api_url: https://ghes.example.com/api/v3", "https://ghes.example.com/api/v3", "use type: github_server"},
		{"type: github, enterprise: e, api_url: https://ghes.example.com/api/v3/", "https://ghes.example.com/api/v3/", "use type: github_server"},
		// Right as written: no note.
		{"type: github, enterprise: e, api_url: https://api.github.com", "https://api.github.com", ""},
		{"type: github, enterprise: e, api_url: https://api.octo.ghe.com", "https://api.octo.ghe.com", ""},
		{"type: github_server, api_url: https://ghes.example.com/api/v3", "https://ghes.example.com/api/v3", ""},
		{"type: gitlab, api_url: https://gitlab.example.com", "https://gitlab.example.com", ""},
		{"type: gitlab, api_url: https://gitlab.example.com/api/v4", "https://gitlab.example.com/api/v4", ""}, // accepted, as before
	} {
		tg, err := parseOne(t, tc.target)
		if err != nil {
			t.Errorf("%s: %v", tc.target, err)
			continue
		}
		notes := strings.Join(tg.Notes, "\n")
		if tg.APIURL != tc.want || (tc.note == "") != (notes == "") || !strings.Contains(notes, tc.note) {
			t.Errorf("%s: api_url %q notes %q; want %q with a note containing %q", tc.target, tg.APIURL, notes, tc.want, tc.note)
		}
	}
	tg, err := parseOne(t, "type: github_server, api_url: https://ghes.example.com/api")
	if err != nil || !strings.Contains(strings.Join(tg.Notes, ""), "https://ghes.example.com/api/v3") {
		t.Errorf("an Enterprise Server path other than /api/v3: %v %v", tg, err)
	}
}

func TestTransportKeys(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	cred := filepath.Join(dir, "proxy")
	os.WriteFile(cred, []byte("user:hunter2"), 0o600)
	const gh = "type: github, enterprise: e, "
	for target, want := range map[string]string{
		gh + "ca_file: " + notPEM:                                                   "key ca_file: ca_file " + notPEM + " holds no PEM certificate",
		gh + "ca_file: " + filepath.Join(dir, "missing.pem"):                        "key ca_file: ca_file: open",
		gh + "proxy_url: 'http://user:hunter2@proxy:3128'":                          "key proxy_url: proxy_url must not hold credentials",
		gh + "proxy_url: 'ftp://proxy'":                                             "key proxy_url: proxy_url: scheme",
		gh + "proxy_credentials_file: " + cred:                                      "set only with proxy_url",
		gh + "proxy_url: 'http://proxy:3128', proxy_credentials_env: NO_SUCH_VAR_X": "the environment variable NO_SUCH_VAR_X is empty or unset",
	} {
		_, err := parseOne(t, target)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", target, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the proxy password is in the message: %v", target, err)
		}
	}
	tg, err := parseOne(t, gh+"proxy_url: 'http://proxy:3128', proxy_credentials_file: "+cred)
	if err != nil || tg.Transport().ProxyCredentialsFile != cred {
		t.Errorf("a good proxy: %v %+v", err, tg)
	}
}
