package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

const secret = "ghp_mainTestSecretToken0123456789abcdef"

// command runs the built exporter with tokens in its environment.
func command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN="+secret, "GITLAB_TOKEN="+secret, "LICENSE_EXPORTER_TOKEN="+secret)
	return cmd
}

func TestHelpAndVersionHoldNoSecret(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"--version"}, {"--help-long"}} {
		out, _ := command(context.Background(), args...).CombinedOutput()
		if !bytes.Contains(out, []byte(name)) {
			t.Errorf("%v: unexpected output:\n%s", args, out)
		}
		if bytes.Contains(out, []byte(secret)) {
			t.Errorf("%v prints the token from the environment", args)
		}
	}
}

// TestRunningExporterLeaksNothing runs the exporter at debug level against a
// simulator that first answers, then rejects the token (401): the landing
// page, /metrics and every log line stay free of the token.
func TestRunningExporterLeaksNothing(t *testing.T) {
	sim := simulator.New(simulator.Options{Token: secret})
	api := httptest.NewServer(sim)
	defer api.Close()
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	cfg := filepath.Join(dir, "license_exporter.yml")
	if err := os.WriteFile(tok, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	yml := fmt.Sprintf("targets:\n  - name: acme\n    type: github\n    api_url: %s\n    enterprise: %s\n    token_file: %s\n    refresh_interval: 200ms\n",
		api.URL, simulator.FixtureEnterprise, tok)
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := command(ctx, "--config.file="+cfg, "--web.listen-address="+addr, "--log.level=debug")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	get := func(path string) string {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	var pages strings.Builder
	waitFor := func(what string) {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			body := get("/metrics")
			pages.WriteString(body)
			if strings.Contains(body, what) {
				return
			}
		}
		t.Fatalf("/metrics never showed %s; logs:\n%s", what, logs.String())
	}
	waitFor(`license_exporter_collector_success{collector="consumed_licenses",target="acme"} 1`)
	pages.WriteString(get("/"))
	sim.SetFault("/enterprises/", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"message":"Bad credentials"}`)
	})
	waitFor(`license_exporter_collector_success{collector="consumed_licenses",target="acme"} 0`)
	pages.WriteString(get("/"))
	cancel()
	_ = cmd.Wait()

	if !strings.Contains(logs.String(), "level=debug") || !strings.Contains(logs.String(), "token was rejected") {
		t.Errorf("the logs lack the debug lines or the 401: the test proves nothing:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the token is in the logs:\n%s", logs.String())
	}
	if strings.Contains(pages.String(), secret) {
		t.Error("the token is in the landing page or /metrics")
	}
}
