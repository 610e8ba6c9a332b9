package api

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestFileTokenRereadOnChange(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token")
	os.WriteFile(p, []byte("first\n"), 0o600)
	f := &FileToken{Path: p}
	if tok, err := f.Token(context.Background()); err != nil || tok != "first" {
		t.Fatalf("%q %v", tok, err)
	}
	os.WriteFile(p, []byte("second-token\n"), 0o600)
	if tok, _ := f.Token(context.Background()); tok != "second-token" {
		t.Errorf("a rotated token file must be re-read: got %q", tok)
	}
	os.Remove(p)
	if _, err := f.Token(context.Background()); err == nil || strings.Contains(err.Error(), "second-token") {
		t.Errorf("a vanished token file must fail without printing the token: %v", err)
	}
}

// TestGitHubAppOnEnterpriseServer runs the App flow against a GHES-style base
// URL: the JWT exchange (the one POST allowed), then GETs with the
// installation token.
func TestGitHubAppOnEnterpriseServer(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "app.pem")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)

	var exchanges atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v3/app/installations/456/access_tokens":
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
				http.Error(w, "no JWT", http.StatusUnauthorized)
				return
			}
			exchanges.Add(1)
			_ = json.NewEncoder(w).Encode(map[string]any{"token": "ghs_installation", "expires_at": time.Now().Add(time.Hour)})
		case r.Method == http.MethodGet && r.URL.Path == "/api/v3/enterprise/settings/license":
			if r.Header.Get("Authorization") != "Bearer ghs_installation" {
				http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
				return
			}
			w.Write([]byte(`{"seats": 10}`))
		default:
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
		}
	}))
	defer srv.Close()

	tok, err := NewAppToken(NewTransport(), srv.URL+"/api/v3", 123, 456, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{BaseURL: srv.URL + "/api/v3", Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		var v struct{ Seats Number }
		if _, err := c.GetJSON(context.Background(), "/enterprise/settings/license", nil, &v); err != nil || v.Seats.Value != 10 {
			t.Fatalf("%v %+v", err, v)
		}
	}
	if exchanges.Load() != 1 {
		t.Errorf("the installation token is reused until it expires: %d exchanges", exchanges.Load())
	}
}

func TestGuardAllowsOnlyGETAndKeepsCredentialsHome(t *testing.T) {
	var seen http.Header
	var method string
	g := &guard{host: "api.github.com", scheme: "https", next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen, method = r.Header, r.Method
		return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
	})}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		req, _ := http.NewRequest(m, "https://api.github.com/enterprises/e/x", nil)
		if _, err := g.RoundTrip(req); !IsKind(err, KindRefused) {
			t.Errorf("%s was not refused: %v", m, err)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, "https://elsewhere.example/x", nil)
	req.Header.Set("Authorization", "Bearer secret")
	req.Header.Set("PRIVATE-TOKEN", "secret")
	if _, err := g.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if method != http.MethodGet || seen.Get("Authorization") != "" || seen.Get("Private-Token") != "" {
		t.Errorf("credentials reached another host: %v", seen)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
