package collector

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// explainTransport words the failures that are about the way to the API
// rather than the API: SAML SSO, an HTML page where JSON was due, a proxy
// asking for credentials, a certificate the exporter does not trust. Each
// would otherwise read as a scope, slug or network problem and hide the fix.
func explainTransport(e *api.Error, t *config.Target) (string, bool) {
	status := ""
	if e.Status != 0 {
		status = fmt.Sprintf("%d: ", e.Status)
	}
	switch {
	case e.SSO != nil:
		return status + ssoFix(e.SSO), true
	case e.ProxyRefused():
		return proxyFix(t), true
	case e.HTML:
		return status + "an HTML page answered, not the API: " + htmlFix(t), true
	case e.UnknownAuthority():
		return fmt.Sprintf("the certificate of %s is signed by a CA the exporter does not trust (an internal CA, or a proxy that inspects TLS): set ca_file on the target to that CA's PEM file, or add the CA to the system's bundle (SSL_CERT_FILE); verification cannot be turned off", host(t.APIURL)), true
	case e.CertificateProblem() != "":
		return fmt.Sprintf("the certificate of %s is not valid for it: %s", host(t.APIURL), e.CertificateProblem()), true
	}
	return "", false
}

// proxyFix words a 407: where credentials are configured, the proxy
// rejected them, so the fix is their content, named by where they live
// (never their value); without any, the proxy wants some.
func proxyFix(t *config.Target) string {
	const is = "a proxy answered 407 Proxy Authentication Required"
	switch {
	case t.ProxyURL != "" && t.ProxyCredentialsFile != "":
		return fmt.Sprintf("%s: the proxy %s rejected the credentials configured in proxy_credentials_file %s: check the user:password in that file", is, host(t.ProxyURL), t.ProxyCredentialsFile)
	case t.ProxyURL != "" && t.ProxyCredentialsEnv != "":
		return fmt.Sprintf("%s: the proxy %s rejected the credentials configured in the environment variable %s (proxy_credentials_env): check the user:password it holds", is, host(t.ProxyURL), t.ProxyCredentialsEnv)
	case t.ProxyURL != "":
		if u, err := url.Parse(t.ProxyURL); err == nil && u.User != nil {
			return fmt.Sprintf("%s: the proxy %s rejected the user:password in proxy_url", is, u.Host)
		}
	default:
		if u := envProxy(t.APIURL); u != nil && u.User != nil {
			return fmt.Sprintf("%s: the proxy %s from the environment (HTTPS_PROXY or HTTP_PROXY) rejected the user:password in that variable", is, u.Host)
		}
	}
	return is + ", and no credentials are configured for it: set proxy_credentials_file or proxy_credentials_env on the target (with proxy_url), or user:password in HTTPS_PROXY"
}

// envProxy is the proxy the environment picks for apiURL, if any.
func envProxy(apiURL string) *url.URL {
	req, err := http.NewRequest(http.MethodGet, apiURL, nil)
	if err != nil {
		return nil
	}
	u, err := http.ProxyFromEnvironment(req)
	if err != nil {
		return nil
	}
	return u
}

// ssoFix: GitHub answers 403 with X-GitHub-SSO when the enterprise or an
// organization enforces SAML and the token is not authorized for it
// (docs.github.com/en/rest/authentication/authenticating-to-the-rest-api).
func ssoFix(s *api.SSO) string {
	if !s.Required && len(s.Organizations) > 0 {
		return fmt.Sprintf("the token is not authorized for SAML single sign-on of the organizations with IDs %s: authorize it for them (GitHub: Settings > Developer settings > Personal access tokens > Configure SSO)", strings.Join(s.Organizations, ", "))
	}
	fix := "the token must be authorized for SAML single sign-on: "
	if s.URL != "" {
		return fix + "open " + s.URL + " signed in as the token's owner (the link is valid for an hour), or use Configure SSO beside the token in Settings > Developer settings > Personal access tokens"
	}
	return fix + "use Configure SSO beside the token in Settings > Developer settings > Personal access tokens"
}

// htmlFix names the likely fixes when a web page answered instead of the
// API: the site's address instead of the API's, or a proxy's page.
func htmlFix(t *config.Target) string {
	u, err := url.Parse(t.APIURL)
	if err != nil {
		return "check api_url"
	}
	h := u.Hostname()
	switch {
	case t.Type == config.TypeGitHub && h == "github.com":
		return "api_url must be https://api.github.com, not the web site https://github.com"
	case t.Type == config.TypeGitHub && strings.HasSuffix(h, ".ghe.com") && !strings.HasPrefix(h, "api."):
		return fmt.Sprintf("api_url must be https://api.%s, not the web site https://%s", h, h)
	case t.Type == config.TypeGitHubServer && (h == "github.com" || h == "www.github.com" || h == "api.github.com" || strings.HasSuffix(h, ".ghe.com")):
		return "this is GitHub Enterprise Cloud, not Enterprise Server: use type: github (api_url https://api.github.com, or https://api.SUBDOMAIN.ghe.com)"
	case t.Type == config.TypeGitHubServer && !strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/api/v3"):
		return fmt.Sprintf("api_url must end in /api/v3 (https://%s/api/v3)", u.Host)
	case t.Type == config.TypeGitLab:
		return "api_url is the instance's base URL (the exporter adds /api/v4); or a proxy or single sign-on page answered: check HTTPS_PROXY, NO_PROXY and proxy_url"
	}
	return "a proxy, a load balancer or a login page answered: check api_url, and HTTPS_PROXY, NO_PROXY or proxy_url"
}

func host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}
