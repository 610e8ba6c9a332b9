package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// testToken is what the tests' simulators accept; no output may contain it.
const testToken = "tok-s3cr3t-0123456789"

// startSim serves a simulator that accepts testToken.
func startSim(t *testing.T) (*simulator.Server, string) {
	t.Helper()
	sim := simulator.New(simulator.Options{Token: testToken})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// writeConfig writes a configuration whose %[1]s is the simulator's URL and
// %[2]s a file holding testToken, and returns its path.
func writeConfig(t *testing.T, yml, url string) string {
	t.Helper()
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte(testToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, filepath.Join(dir, "license_exporter.yml"), fmt.Sprintf(yml, url, tok))
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// newServer serves h on loopback and returns its URL.
func newServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// wantAll fails the test for each of wants that got lacks; what names got.
func wantAll(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, got)
		}
	}
}
