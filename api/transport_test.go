package api

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func getErr(t *testing.T, c *Client) *Error {
	t.Helper()
	var v any
	_, err := c.GetJSON(context.Background(), "/enterprises/e/consumed-licenses", nil, &v)
	if err == nil {
		return nil
	}
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error %v is not an *api.Error", err)
	}
	return e
}

// TestSSORequired: GitHub's 403 for a token not authorized for SAML SSO is
// told apart from a missing scope, with the URL that authorizes it, even when
// the scope headers are there too.
func TestSSORequired(t *testing.T) {
	const authURL = "https://github.com/enterprises/acme/sso?authorization_request=AZSCKtL4U8yX1H3sCQ"
	for name, headers := range map[string]map[string]string{
		"header":       {"X-GitHub-SSO": "required; url=" + authURL, "X-Accepted-OAuth-Scopes": "read:enterprise", "X-OAuth-Scopes": "read:enterprise, repo"},
		"message only": {"X-Accepted-OAuth-Scopes": "read:enterprise", "X-OAuth-Scopes": "read:enterprise"},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range headers {
					w.Header().Set(k, v)
				}
				w.WriteHeader(http.StatusForbidden)
				fmt.Fprint(w, `{"message":"Resource protected by enterprise SAML enforcement. You must grant your Personal Access token access to this enterprise.","documentation_url":"https://docs.github.com"}`)
			}), GitHub)
			e := getErr(t, c)
			if e == nil || e.SSO == nil || !e.SSO.Required {
				t.Fatalf("SSO not recognised: %+v", e)
			}
			if e.Kind != KindPermission || e.Hint != "" {
				t.Errorf("kind %s, hint %q: the words are collector.Explain's", e.Kind, e.Hint)
			}
			if name == "header" && e.SSO.URL != authURL {
				t.Errorf("the authorization URL is lost: %+v / %s", e.SSO, e)
			}
			if !strings.Contains(e.Message, "SAML enforcement") {
				t.Errorf("the API's message is lost: %q", e.Message)
			}
		})
	}
}

func TestParseSSO(t *testing.T) {
	for in, want := range map[string]string{
		"required; url=https://github.com/orgs/a/sso?authorization_request=x": "required https://github.com/orgs/a/sso?authorization_request=x []",
		"partial-results; organizations=21955855,20582480":                    "partial  [21955855 20582480]",
		"required; url=javascript:alert(1)":                                   "required  []",
		"required; url=https://a/b\"><script>":                                "required  []",
	} {
		h := http.Header{}
		h.Set("X-GitHub-SSO", in)
		s := ParseSSO(h)
		kind := "partial"
		if s.Required {
			kind = "required"
		}
		if got := fmt.Sprintf("%s %s %v", kind, s.URL, s.Organizations); got != want {
			t.Errorf("ParseSSO(%q) = %q, want %q", in, got, want)
		}
	}
	if ParseSSO(http.Header{}) != nil {
		t.Error("no header, no SSO")
	}
}

// TestHTMLAnyStatus: an HTML page is recognised whatever the status, so a
// 404 from a web server is not taken for a wrong enterprise slug.
func TestHTMLAnyStatus(t *testing.T) {
	for _, status := range []int{200, 401, 403, 404, 500, 502} {
		c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			fmt.Fprint(w, "<html><body>Sign in</body></html>")
		}), GitHub)
		if e := getErr(t, c); e == nil || !e.HTML {
			t.Errorf("%d with an HTML page: %+v", status, e)
		}
	}
}

// TestHTMLSniffedWithoutContentType: a proxy's 404 page that comes with no
// Content-Type (or a wrong one) is still recognised by its body, so it is
// not taken for the API's "no such resource".
func TestHTMLSniffedWithoutContentType(t *testing.T) {
	for _, tc := range []struct {
		ctype []string // nil: no Content-Type header at all
		body  string
		html  bool
	}{
		{nil, "\n  <!DOCTYPE html><html><body>Not Found</body></html>", true},
		{[]string{"text/plain"}, "<HTML><body>Sign in</body></HTML>", true},
		{nil, `{"message":"Not Found"}`, false},
		{nil, "Not Found <html>", false},
	} {
		c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = tc.ctype // nil stops net/http from sniffing one in
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, tc.body)
		}), GitHub)
		e := getErr(t, c)
		if e == nil || e.HTML != tc.html || e.Kind != KindNotFound {
			t.Errorf("404 %v %q: %+v, want HTML %v", tc.ctype, tc.body, e, tc.html)
		}
	}
}

func writePEM(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// otherCA is a self-signed CA certificate that signed nothing the test
// servers use (httptest's servers all share one certificate).
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func tlsClient(t *testing.T, url string, o TransportOptions) (*Client, error) {
	t.Helper()
	tr, err := NewTargetTransport(o)
	if err != nil {
		return nil, err
	}
	return New(Options{Target: "t", BaseURL: url, Flavor: GitHub, Token: staticToken("s3cret"), Transport: tr, Timeout: testTimeout, Clock: newFakeClock()})
}

// TestCAFile: a server with a self-signed certificate fails as an unknown
// authority without ca_file, works with it, and a ca_file that changes is
// re-read without rebuilding the client.
func TestCAFile(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) })
	srv := httptest.NewTLSServer(ok)
	defer srv.Close()

	c, err := tlsClient(t, srv.URL, TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := getErr(t, c); e == nil || !e.UnknownAuthority() {
		t.Fatalf("without ca_file: %v, want an unknown authority", e)
	}

	caFile := writePEM(t, srv)
	c, err = tlsClient(t, srv.URL, TransportOptions{CAFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	if e := getErr(t, c); e != nil {
		t.Fatalf("with ca_file: %v", e)
	}

	// The CA changes under the running client: the other server's CA is
	// trusted instead, so this server no longer is.
	if err := os.WriteFile(caFile, otherCA(t), 0o600); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	os.Chtimes(caFile, future, future)
	if e := getErr(t, c); e == nil || !e.UnknownAuthority() {
		t.Errorf("after ca_file changed: %v, want it re-read", e)
	}

	if err := os.WriteFile(caFile, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewTargetTransport(TransportOptions{CAFile: caFile}); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("a ca_file without PEM: %v", err)
	}
}

// proxy is a loopback forward proxy that wants user:pass, answering for the
// API itself (the request it gets names the API's URL in full).
func proxy(t *testing.T, api http.Handler, seen *[]string) *httptest.Server {
	t.Helper()
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("user:pa55"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*seen = append(*seen, r.RequestURI)
		if r.Header.Get("Proxy-Authorization") != want {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusProxyAuthRequired)
			fmt.Fprint(w, "<html>Proxy login</html>")
			return
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProxyURL: a target's proxy_url carries its requests, with credentials
// from a file; without them the proxy's 407 is named as such.
func TestProxyURL(t *testing.T) {
	var seen []string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{}`) })
	p := proxy(t, api, &seen)
	// The API is never reached directly: its address only exists in the proxy.
	const apiURL = "http://127.0.0.1:1"
	cred := filepath.Join(t.TempDir(), "proxy")
	os.WriteFile(cred, []byte("user:pa55\n"), 0o600)

	c, err := tlsClient(t, apiURL, TransportOptions{ProxyURL: p.URL, ProxyCredentialsFile: cred})
	if err != nil {
		t.Fatal(err)
	}
	if e := getErr(t, c); e != nil {
		t.Fatalf("through the proxy: %v", e)
	}
	if len(seen) != 1 || seen[0] != apiURL+"/enterprises/e/consumed-licenses" {
		t.Errorf("the proxy saw %v", seen)
	}

	t.Setenv("PROXY_CRED", "user:wrong")
	c, _ = tlsClient(t, apiURL, TransportOptions{ProxyURL: p.URL, ProxyCredentialsEnv: "PROXY_CRED"})
	e := getErr(t, c)
	if e == nil || !e.ProxyRefused() || e.Status != http.StatusProxyAuthRequired {
		t.Fatalf("wrong proxy credentials: %+v", e)
	}
	if strings.Contains(e.Error(), "wrong") || strings.Contains(e.Error(), "pa55") {
		t.Errorf("the proxy password leaked: %s", e)
	}
	if err := CheckProxyURL("http://user:pw@proxy:3128"); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("credentials in proxy_url: %v", err)
	}
}

// TestProxyFromEnvironment: without proxy_url, HTTPS_PROXY and NO_PROXY
// apply (net/http never proxies loopback, so this asks the transport which
// proxy it would use for a real host).
func TestProxyFromEnvironment(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://proxy.corp.example:3128")
	t.Setenv("NO_PROXY", "ghes.corp.example")
	tr, err := NewTargetTransport(TransportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proxyFor := func(raw string) string {
		req, _ := http.NewRequest(http.MethodGet, raw, nil)
		u, err := tr.(*http.Transport).Proxy(req)
		if err != nil || u == nil {
			return ""
		}
		return u.String()
	}
	if got := proxyFor("https://api.github.com/enterprises/e"); got != "http://proxy.corp.example:3128" {
		t.Errorf("HTTPS_PROXY not honoured: %q", got)
	}
	if got := proxyFor("https://ghes.corp.example/api/v3/meta"); got != "" {
		t.Errorf("NO_PROXY not honoured: %q", got)
	}
}

// TestSSOPartialOn200: a successful answer that left organizations out is
// remembered until an answer for the same path comes without the header.
func TestSSOPartialOn200(t *testing.T) {
	partial := true
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if partial {
			w.Header().Set("X-GitHub-SSO", "partial-results; organizations=2,1")
		}
		fmt.Fprint(w, `{}`)
	}), GitHub)
	if e := getErr(t, c); e != nil {
		t.Fatal(e)
	}
	if got := c.SSOPartialOrganizations(); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("partial results: %v", got)
	}
	partial = false
	getErr(t, c)
	if got := c.SSOPartialOrganizations(); len(got) != 0 {
		t.Errorf("after a complete answer: %v", got)
	}
}
