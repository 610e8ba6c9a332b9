package collector

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// TestExplainTransportFaults runs the whole exporter against answers shaped
// like GitHub's and a web server's, and checks that check and the status
// page name the real cause, not a scope or a slug.
func TestExplainTransportFaults(t *testing.T) {
	const authURL = "https://github.com/enterprises/octo-corp/sso?authorization_request=AZSCKtL4U8yX1H3sCQ"
	const ssoMsg = `{"message":"Resource protected by enterprise SAML enforcement. You must grant your Personal Access token access to this enterprise.","documentation_url":"https://docs.github.com/articles/authenticating-to-a-github-organization-with-saml-single-sign-on/"}`
	licenses := "/enterprises/octo-corp/consumed-licenses"
	for _, tc := range []struct {
		name        string
		fault       http.HandlerFunc
		want, never []string
	}{
		{"SSO 403 with header", simulator.JSONFault(403, ssoMsg, "X-GitHub-SSO", "required; url="+authURL,
			"X-Accepted-OAuth-Scopes", "read:enterprise", "X-OAuth-Scopes", "read:enterprise, repo"),
			[]string{"403: the token must be authorized for SAML single sign-on: open " + authURL}, []string{"lacks a scope"}},
		{"SSO 403 message only", simulator.JSONFault(403, ssoMsg, "X-Accepted-OAuth-Scopes", "read:enterprise", "X-OAuth-Scopes", "read:enterprise"),
			[]string{"403: the token must be authorized for SAML single sign-on: use Configure SSO"}, []string{"lacks a scope"}},
		{"SSO partial results", simulator.JSONFault(403, `{"message":"Forbidden"}`, "X-GitHub-SSO", "partial-results; organizations=21955855,20582480"),
			[]string{"organizations with IDs 21955855, 20582480"}, nil},
		{"HTML 404", simulator.JSONFault(404, "<html><body><h1>Page not found</h1></body></html>", "Content-Type", "text/html; charset=utf-8"),
			[]string{"404: an HTML page answered, not the API"}, []string{"slug"}},
		// A web server's or proxy's plain 404 (Go's, nginx's without a page):
		// not GitHub's, so api_url is named, not the slug.
		{"plain 404", simulator.JSONFault(404, "404 page not found\n", "Content-Type", "text/plain; charset=utf-8"),
			[]string{"404: the answer did not come from the API", "check api_url"}, []string{"slug"}},
		// GitHub's own 404 without a body still has its request id: the slug.
		{"GitHub 404 without a message", simulator.JSONFault(404, "", "X-GitHub-Request-Id", "C0DE:1234:5678"),
			[]string{`404: the enterprise slug "octo-corp" is wrong`}, nil},
		{"HTML 200", simulator.JSONFault(200, "<html><body>Sign in to the proxy</body></html>", "Content-Type", "text/html"),
			[]string{"an HTML page answered, not the API: a proxy, a load balancer or a login page answered"}, []string{"slug"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, url := startSim(t, simulator.Options{})
			e := newTestExporter(t, `
targets:
  - {name: t, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [consumed_licenses]}
`, url, tokenFile(t))
			sim.SetFault(licenses, tc.fault)
			fix := byName(e.RefreshAll(context.Background()))["t/consumed_licenses"].Fix
			for _, w := range tc.want {
				if !strings.Contains(fix, w) {
					t.Errorf("fix %q lacks %q", fix, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(fix, n) {
					t.Errorf("fix %q names %q: the wrong cause", fix, n)
				}
			}
		})
	}
}

// TestCAFileEndToEnd: an API with a self-signed certificate (an internal CA)
// fails with the certificate named and the fix, and works once ca_file names
// the CA.
func TestCAFileEndToEnd(t *testing.T) {
	sim := simulator.New(simulator.Options{})
	srv := httptest.NewUnstartedServer(sim)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	srv.StartTLS()
	defer srv.Close()
	tok := tokenFile(t)
	const yml = `
targets:
  - {name: t, type: github, api_url: %s, enterprise: octo-corp, token_file: %s, collectors: [consumed_licenses]%s}
`
	st := byName(newTestExporter(t, yml, srv.URL, tok, "").RefreshAll(context.Background()))["t/consumed_licenses"]
	if st.Succeeded() || !strings.Contains(st.Fix, "signed by a CA the exporter does not trust") || !strings.Contains(st.Fix, "set ca_file") {
		t.Errorf("without ca_file: %q", st.Fix)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	st = byName(newTestExporter(t, yml, srv.URL, tok, ", ca_file: "+caFile).RefreshAll(context.Background()))["t/consumed_licenses"]
	if !st.Succeeded() {
		t.Errorf("with ca_file: %v / %q", st.LastError, st.Fix)
	}
}

// TestProxyEndToEnd: a target's proxy_url carries its requests through a
// loopback proxy that wants credentials, read from proxy_credentials_file;
// without them, the 407 is named as the proxy's.
func TestProxyEndToEnd(t *testing.T) {
	sim := simulator.New(simulator.Options{})
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("svc:pr0xy-pass"))
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
			http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
			return
		}
		proxied.Add(1)
		sim.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	cred := filepath.Join(t.TempDir(), "proxy-cred")
	tok := tokenFile(t)
	// The API's address exists only behind the proxy.
	const yml = `
targets:
  - {name: t, type: github, api_url: "http://127.0.0.1:1", enterprise: octo-corp, token_file: %s, collectors: [consumed_licenses], proxy_url: %s, proxy_credentials_file: %s}
`
	os.WriteFile(cred, []byte("svc:wrong\n"), 0o600)
	st := byName(newTestExporter(t, yml, tok, proxy.URL, cred).RefreshAll(context.Background()))["t/consumed_licenses"]
	if st.Succeeded() || !strings.Contains(st.Fix, "407") || !strings.Contains(st.Fix, "rejected the credentials configured in proxy_credentials_file "+cred) ||
		strings.Contains(st.Fix, "wrong") || strings.Contains(st.Fix, "set proxy_credentials_file") {
		t.Errorf("wrong proxy credentials: %q", st.Fix)
	}
	os.WriteFile(cred, []byte("svc:pr0xy-pass\n"), 0o600)
	st = byName(newTestExporter(t, yml, tok, proxy.URL, cred).RefreshAll(context.Background()))["t/consumed_licenses"]
	if !st.Succeeded() || proxied.Load() == 0 {
		t.Errorf("through the proxy: %v %q (%d proxied)", st.LastError, st.Fix, proxied.Load())
	}
}

// TestProxyFix: a 407 names the configured credentials as rejected (by the
// key or variable that holds them, never their value); only without any
// does it ask for some.
func TestProxyFix(t *testing.T) {
	t.Setenv("CORP_PROXY_CRED", "svc:s3cret")
	e := &api.Error{Status: http.StatusProxyAuthRequired, ProxyAuth: true}
	for _, tc := range []struct {
		target config.Target
		want   string
	}{
		{config.Target{APIURL: "https://api.github.com", ProxyURL: "http://proxy.corp:3128", ProxyCredentialsEnv: "CORP_PROXY_CRED"},
			"the proxy proxy.corp:3128 rejected the credentials configured in the environment variable CORP_PROXY_CRED"},
		{config.Target{APIURL: "https://api.github.com", ProxyURL: "http://proxy.corp:3128", ProxyCredentialsFile: "/etc/le/proxy"},
			"the proxy proxy.corp:3128 rejected the credentials configured in proxy_credentials_file /etc/le/proxy"},
		{config.Target{APIURL: "https://api.github.com", ProxyURL: "http://svc:s3cret@proxy.corp:3128"},
			"the proxy proxy.corp:3128 rejected the user:password in proxy_url"},
		{config.Target{APIURL: "https://api.github.com", ProxyURL: "http://proxy.corp:3128"},
			"no credentials are configured for it: set proxy_credentials_file or proxy_credentials_env"},
	} {
		fix, ok := explainTransport(e, &tc.target)
		if !ok || !strings.Contains(fix, tc.want) || strings.Contains(fix, "s3cret") {
			t.Errorf("%+v: %q, want %q", tc.target, fix, tc.want)
		}
	}
}

// TestHTMLFixOtherProduct: a web page from github.com under type
// github_server is no missing /api/v3: the fix names the type to use.
func TestHTMLFixOtherProduct(t *testing.T) {
	e := &api.Error{Status: http.StatusNotFound, Kind: api.KindNotFound, HTML: true}
	fix, _ := explainTransport(e, &config.Target{Type: config.TypeGitHubServer, APIURL: "https://github.com"})
	if !strings.Contains(fix, "use type: github") || strings.Contains(fix, "/api/v3") {
		t.Errorf("fix = %q", fix)
	}
	fix, _ = explainTransport(e, &config.Target{Type: config.TypeGitHubServer, APIURL: "https://ghes.example.com"})
	if !strings.Contains(fix, "https://ghes.example.com/api/v3") {
		t.Errorf("Enterprise Server without /api/v3: %q", fix)
	}
}
