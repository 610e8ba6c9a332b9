package collector

import (
	"context"
	"net/http"
	"strings"
	"testing"

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
