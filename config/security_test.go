package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlainHTTPRefusedAtLoad(t *testing.T) {
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("ghp_configSecret0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := func(url, extra string) []byte {
		return []byte("targets:\n  - name: lab\n    type: github_server\n    api_url: " + url + "\n    token_file: " + tok + "\n" + extra)
	}
	_, err := Parse(cfg("http://ghes.example.com/api/v3", ""), nil)
	if err == nil || !strings.Contains(err.Error(), "plain http") || !strings.Contains(err.Error(), "insecure_http: true") || !strings.Contains(err.Error(), "api_url") {
		t.Errorf("plain http to a remote host: %v", err)
	}
	if _, err := Parse(cfg("http://ghes.example.com/api/v3", "    insecure_http: true\n"), nil); err != nil {
		t.Errorf("insecure_http: true must allow it: %v", err)
	}
	for _, ok := range []string{"https://ghes.example.com/api/v3", "http://127.0.0.1:8080/api/v3", "http://localhost/api/v3"} {
		if _, err := Parse(cfg(ok, ""), nil); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestConfigErrorsHoldNoSecret: a token file's content never shows in an
// error, even when the file is the wrong thing (a YAML file, say).
func TestConfigErrorsHoldNoSecret(t *testing.T) {
	const secret = "ghp_configSecret0123456789"
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LICENSE_EXPORTER_TEST_TOKEN", secret)
	for _, body := range []string{
		"targets:\n  - name: a\n    type: github\n    token_file: " + tok + "\n",                                                                // no enterprise
		"targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_file: " + tok + "\n    token_env: LICENSE_EXPORTER_TEST_TOKEN\n", // two credentials
		"targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_env: LICENSE_EXPORTER_TEST_TOKEN\n    api_url: http://example.com\n",
		"targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_file: " + tok + "\n    tokn: " + secret + "\n", // a typo holding the token
		"targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_file: " + secret + "\n",                        // the token pasted for the path
		"targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_env: " + secret + "\n",                         // or for the variable
	} {
		_, err := Parse([]byte(body), nil)
		if err == nil {
			t.Errorf("accepted:\n%s", body)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds the token: %v", err)
		}
	}
}
