package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

// patternToken is a token shape the API adds to its answers beside the
// credential itself: it must be redacted though it was never sent.
const patternToken = "ghp_0123456789abcdefghijklmnopqrstuvwxyz"

// echoAPI answers as a broken or hostile API might: every text it sends
// echoes the Authorization header it got.
func echoAPI(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	tok := strings.TrimPrefix(auth, "Bearer ")
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/enterprises/e1/consumed-licenses":
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"message":"Bad credentials for Authorization: %s"}`, auth)
	case "/enterprises/e1/license-sync-status":
		w.Header().Set("X-Accepted-OAuth-Scopes", "read:enterprise, "+tok)
		w.Header().Set("X-OAuth-Scopes", tok)
		w.Header().Set("X-GitHub-SSO", "required; url=https://github.com/sso?authorization_request="+tok)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":"token %s may not; also %s"}`, tok, patternToken)
	case "/enterprises/e2/consumed-licenses":
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprintf(w, `{"message":"you sent %s (or was it %s?)"}`, tok, patternToken)
	case "/enterprises/e2/license-sync-status":
		fmt.Fprintf(w, `{"server_instances":[{"server_id":"a","hostname":"ghes.example.com","last_sync":{"status":"success"}},`+
			`{"server_id":"b","hostname":"%s","last_sync":{"status":"success"}}]}`, tok)
	default:
		http.NotFound(w, r)
	}
}

// TestEchoedTokenNeverShown: an API that echoes the Authorization header in
// its messages, its scope headers, its SSO link and a label value: the
// token shows nowhere, in check, the log, the status page or the metrics.
func TestEchoedTokenNeverShown(t *testing.T) {
	url := newServer(t, http.HandlerFunc(echoAPI))
	file := writeConfig(t, `
targets:
  - {name: echo, type: github, api_url: %[1]s, enterprise: e1, token_file: %[2]s, collectors: [consumed_licenses, license_sync_status]}
  - {name: label, type: github, api_url: %[1]s, enterprise: e2, token_file: %[2]s, collectors: [consumed_licenses, license_sync_status]}
`, url)
	var logs bytes.Buffer
	logger, _ := (&logFlags{level: "debug", format: "logfmt"}).newLogger(&logs)
	var out, errOut bytes.Buffer
	runCheck(&out, &errOut, file, time.Minute, collector.Options{Logger: logger})

	cfg, err := config.Load(file, collector.Catalog())
	if err != nil {
		t.Fatal(err)
	}
	exp := collector.New(collector.Options{Logger: logger})
	defer exp.Close()
	if err := exp.ApplyConfig(cfg); err != nil {
		t.Fatal(err)
	}
	exp.RefreshAll(context.Background())
	page := getPage(t, testStatusPage(t, exp, time.Now()))
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(exp.Cached())
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var metrics bytes.Buffer
	for _, mf := range mfs {
		_, _ = expfmt.MetricFamilyToText(&metrics, mf)
	}

	for what, text := range map[string]string{"check": out.String() + errOut.String(), "log": logs.String(), "status page": page, "metrics": metrics.String()} {
		for _, secret := range []string{testToken, patternToken} {
			if strings.Contains(text, secret) {
				t.Errorf("the %s shows %s:\n%s", what, secret, text)
			}
		}
	}
	// What the API said is still shown, with the secret cut out of it.
	wantAll(t, "check", out.String(),
		`(the API said: "Bad credentials for Authorization: Bearer [REDACTED]")`,
		"418: the API said \"you sent [REDACTED] (or was it [REDACTED]?)\"\n",
		"license_sync_status  every 1h   OK    2 connected servers",
	)
	wantAll(t, "metrics", metrics.String(), `hostname="ghes.example.com"`)
	wantAll(t, "log", logs.String(), "series left out")
}

// TestLogRedactsTokenShapes: the log's last guard cuts a token's shape out
// of any string or error a line carries, whoever logged it.
func TestLogRedactsTokenShapes(t *testing.T) {
	for _, format := range []string{"logfmt", "json"} {
		var buf bytes.Buffer
		logger, slogger := (&logFlags{level: "info", format: format}).newLogger(&buf)
		logger.Log("msg", "a version "+patternToken, "err", fmt.Errorf("wrapped %s", patternToken))
		slogger.Info("bridged " + patternToken)
		if strings.Contains(buf.String(), patternToken) || strings.Count(buf.String(), "[REDACTED]") != 3 {
			t.Errorf("%s:\n%s", format, buf.String())
		}
	}
}
