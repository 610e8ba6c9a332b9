package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
)

func TestRedact(t *testing.T) {
	const secret = "tok-s3cr3t-0123456789"
	for in, want := range map[string]string{
		"echo " + secret + "!":                                                 "echo [REDACTED]!",
		"Authorization: Bearer abc":                                            "Authorization: Bearer [REDACTED]",
		"Authorization: token ghp_0123456789abcdefghij":                        "Authorization: token [REDACTED]",
		"sent token 0a1b2c3d":                                                  "sent token [REDACTED]",
		"PRIVATE-TOKEN: glpat-xxxxxxxxxxxxxxxxxxxx":                            "PRIVATE-TOKEN: [REDACTED]",
		"a github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz b":        "a [REDACTED] b",
		"ghs_16C7e42F292c6912E7710c838347Ae178B4a, and gho_xyzxyzxyzxyzxyzxyz": "[REDACTED], and [REDACTED]",
		"glrt-t1_abcdefghijklmnopqrst runner":                                  "[REDACTED] runner",
		"Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==":                      "Proxy-Authorization: Basic [REDACTED]",
		"jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMjMifQ.c2lnbmF0dXJl":             "jwt [REDACTED]",
		// The API's ordinary words are left as written.
		"You must grant your Personal Access token access to this organization.": "You must grant your Personal Access token access to this organization.",
		"this endpoint requires basic authentication":                            "this endpoint requires basic authentication",
		"Bad credentials": "Bad credentials",
		"global-engineering-department and ghp_short": "global-engineering-department and ghp_short",
		"token 2FA is required":                       "token 2FA is required",
	} {
		if got := Redact(in, secret); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact("x marks the spot", "x"); got != "x marks the spot" {
		t.Errorf("a one-letter test token blanked out text: %q", got)
	}
	wrapped := RedactError(fmt.Errorf("read: %s: %w", secret, syscall.ECONNRESET), secret)
	if strings.Contains(wrapped.Error(), secret) || !errors.Is(wrapped, syscall.ECONNRESET) {
		t.Errorf("RedactError: %q, still a reset: %v", wrapped, errors.Is(wrapped, syscall.ECONNRESET))
	}
}

// TestErrorRedacted: every text of an *Error that came from the API is
// free of the token the request sent.
func TestErrorRedacted(t *testing.T) {
	const tok = "tok-s3cr3t-0123456789"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Accepted-OAuth-Scopes", auth)
		w.Header().Set("X-OAuth-Scopes", auth)
		w.Header().Set("X-Accepted-GitHub-Permissions", auth)
		w.Header().Set("X-GitHub-SSO", "required; url=https://github.com/sso?t="+tok)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"message":"you sent %s"}`, auth)
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL, Token: staticToken(tok)})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	_, err = c.GetJSON(context.Background(), "/x", nil, &v)
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("%v", err)
	}
	all := fmt.Sprintf("%s|%+v|%+v", err, *e, *e.SSO)
	if strings.Contains(all, tok) {
		t.Errorf("the error holds the token: %s", all)
	}
	if e.Message != "you sent Bearer [REDACTED]" || e.SSO.URL != "" || !e.SSO.Required {
		t.Errorf("message %q, SSO %+v", e.Message, e.SSO)
	}
	if got := c.Redact("later " + tok); got != "later [REDACTED]" {
		t.Errorf("Client.Redact: %q", got)
	}
	if got := RedactSent("log " + tok); got != "log [REDACTED]" {
		t.Errorf("RedactSent: %q", got)
	}
	c.Close()
	if got := RedactSent("log " + tok); got != "log "+tok {
		t.Errorf("a closed client's token stays in RedactSent: %q", got)
	}
}

// A token the message would be cut through is redacted before the cut:
// no part of it is shown, however long the message before it.
func TestRedactBeforeCut(t *testing.T) {
	const tok = "ghp_Zq8mN4xR7tKp2Lw9Vb6Yc3Hd5Jf1Gs0Ae7Qx"
	for _, pad := range []int{150, 185, 195, 199} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"message":"%s %s"}`, strings.Repeat("x", pad), tok)
		}))
		c, err := New(Options{BaseURL: srv.URL, Token: staticToken(tok)})
		if err != nil {
			t.Fatal(err)
		}
		var v any
		_, err = c.GetJSON(context.Background(), "/x", nil, &v)
		srv.Close()
		e, ok := AsError(err)
		if !ok {
			t.Fatalf("%v", err)
		}
		if strings.Contains(e.Message, tok[:8]) || len(e.Message) > shownMessage+len("…") {
			t.Errorf("pad %d: message %q shows part of the token or is too long", pad, e.Message)
		}
	}
}
