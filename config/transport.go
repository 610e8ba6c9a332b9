package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/license-exporter/license_exporter/api"
)

// fixAPIURL corrects the api_url mistakes that are valid URLs but answer
// with a web page later, and notes each correction with the exact fix:
//   - https://github.com: the API is https://api.github.com;
//   - https://SUBDOMAIN.ghe.com (GitHub Enterprise Cloud with data
//     residency): the API is https://api.SUBDOMAIN.ghe.com
//     (docs.github.com/en/enterprise-cloud@latest/admin/data-residency);
//   - an Enterprise Server URL without a path: the REST API is under
//     /api/v3 (docs.github.com/en/enterprise-server@latest/rest).
//
// A github.com or GHE.com URL with a path under github (an Enterprise
// Server habit: https://SUBDOMAIN.ghe.com/api/v3) becomes the Cloud API
// host, with a note. A URL of the other GitHub product is left alone with a
// note that names the type to use instead: GitHub.com or GHE.com under
// github_server (which would otherwise get /api/v3 appended), an Enterprise
// Server /api/v3 path under github.
//
// A GitLab URL that ends in /api/v4 is accepted as it is (api.ParseBaseURL).
func (t *Target) fixAPIURL() {
	u, err := url.Parse(strings.TrimSpace(t.APIURL))
	if err != nil || u.Host == "" {
		return // checkURL says what is wrong
	}
	host, path := strings.ToLower(u.Hostname()), strings.TrimRight(u.Path, "/")
	cloud := host == "github.com" || host == "www.github.com" || host == "api.github.com" || strings.HasSuffix(host, ".ghe.com")
	fixed := ""
	switch {
	case t.Type == TypeGitHubServer && cloud:
		t.Notes = append(t.Notes, fmt.Sprintf("api_url %s is GitHub Enterprise Cloud (github.com or GHE.com), not Enterprise Server: use type: github with api_url: %s", t.APIURL, cloudAPI(host)))
		return
	case t.cloudType() && cloud && path != "" && (!strings.HasPrefix(host, "api.") || strings.HasSuffix(path, "/api/v3")):
		// SUBDOMAIN.ghe.com/api/v3 (or github.com/api/v3): Enterprise
		// Server's path on a Cloud web host. GHE.com serves its API at
		// api.SUBDOMAIN.ghe.com, as api.github.com does for github.com
		// (GitHub's docs, "Network details for GHE.com").
		t.Notes = append(t.Notes, fmt.Sprintf("api_url %s is not an API: GitHub Enterprise Cloud's API is %s, using that (write it in the configuration to silence this)", t.APIURL, cloudAPI(host)))
		t.APIURL = cloudAPI(host)
		return
	case t.cloudType() && strings.HasSuffix(path, "/api/v3"):
		t.Notes = append(t.Notes, fmt.Sprintf("api_url %s is an Enterprise Server API (its path ends in /api/v3): use type: github_server", t.APIURL))
		return
	case t.cloudType() && (host == "github.com" || host == "www.github.com") && path == "":
		fixed = "https://api.github.com"
	case t.cloudType() && strings.HasSuffix(host, ".ghe.com") && strings.Count(host, ".") == 2 && path == "":
		fixed = "https://api." + host
	case t.Type == TypeGitHubServer && path == "":
		u.Path = "/api/v3"
		fixed = u.String()
	case t.Type == TypeGitHubServer && path != "/api/v3" && !strings.HasSuffix(path, "/api/v3"):
		t.Notes = append(t.Notes, fmt.Sprintf("api_url %s: Enterprise Server's REST API is usually under /api/v3 (https://%s/api/v3); if requests answer with web pages, that is why", t.APIURL, u.Host))
	}
	if fixed != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("api_url %s is the web site, not the API: using %s (write that in the configuration to silence this)", t.APIURL, fixed))
		t.APIURL = fixed
	}
}

// cloudAPI is the API host of a GitHub Enterprise Cloud web host:
// api.github.com for github.com, api.SUBDOMAIN.ghe.com for a GHE.com tenant.
func cloudAPI(host string) string {
	switch {
	case host == "github.com" || host == "www.github.com":
		return "https://api.github.com"
	case strings.HasPrefix(host, "api."):
		return "https://" + host
	}
	return "https://api." + host
}

// checkTransport checks ca_file and the proxy keys as the file loads, so a
// typo fails the load rather than every request. A CA mistake and a proxy
// mistake are reported side by side.
func (t *Target) checkTransport() []keyError {
	var errs []keyError
	if t.CAFile != "" {
		if _, err := api.LoadCAFile(t.CAFile); err != nil {
			errs = append(errs, keyError{"ca_file", fmt.Errorf("key ca_file: %w", err)})
		}
	}
	if ke := t.checkProxy(); ke != nil {
		errs = append(errs, *ke)
	}
	return errs
}

func (t *Target) checkProxy() *keyError {
	creds := t.ProxyCredentialsFile != "" || t.ProxyCredentialsEnv != ""
	switch {
	case t.ProxyURL == "" && creds:
		return &keyError{"proxy_credentials_file", errors.New("key proxy_credentials_file/proxy_credentials_env: set only with proxy_url (with HTTPS_PROXY, put user:password in that variable)")}
	case t.ProxyCredentialsFile != "" && t.ProxyCredentialsEnv != "":
		return &keyError{"proxy_credentials_file", errors.New("key proxy_credentials_file: set proxy_credentials_file or proxy_credentials_env, not both")}
	case t.ProxyURL == "":
		return nil
	}
	if err := api.CheckProxyURL(t.ProxyURL); err != nil {
		return &keyError{"proxy_url", fmt.Errorf("key proxy_url: %w", err)}
	}
	switch {
	case t.ProxyCredentialsFile != "":
		if err := readable("proxy_credentials_file", t.ProxyCredentialsFile); err != nil {
			return &keyError{"proxy_credentials_file", err}
		}
	case t.ProxyCredentialsEnv != "" && os.Getenv(t.ProxyCredentialsEnv) == "":
		return &keyError{"proxy_credentials_env", fmt.Errorf("key proxy_credentials_env: the environment variable %s is empty or unset", t.ProxyCredentialsEnv)}
	}
	return nil
}

// Transport is the target's settings below HTTP, for the API client.
func (t *Target) Transport() api.TransportOptions {
	return api.TransportOptions{CAFile: t.CAFile, ProxyURL: t.ProxyURL,
		ProxyCredentialsFile: t.ProxyCredentialsFile, ProxyCredentialsEnv: t.ProxyCredentialsEnv}
}

// cloudType is true for the types served by GitHub.com and GHE.com.
func (t *Target) cloudType() bool { return t.Type == TypeGitHub || t.Type == TypeGitHubOrg }
