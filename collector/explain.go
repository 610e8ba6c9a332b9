package collector

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// inEnterprise is the other reason a github_org target is refused: the
// organization belongs to an enterprise, whose owners hold its billing
// (budgets, Copilot seats, licenses are the enterprise's).
const inEnterprise = "if the organization belongs to an enterprise, its billing is the enterprise's: watch it with type github and the enterprise key"

// Explain says in one line what a failed refresh means and what to do about
// it, for the check command, the status page and the log. It works from the
// API error's kind, status and headers, which never hold a token, and from
// what the collector's spec says its credential needs.
func Explain(err error, spec *Spec, t *config.Target) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, errPanic) {
		return err.Error()
	}
	if o := (*overdueError)(nil); errors.As(err, &o) {
		return oneLine(o.Error()) + ": the API answers slowly, a low rate-limit budget paces the requests, or a listing does not end; it is stopped after " + o.timeout.String()
	}
	e, ok := api.AsError(err)
	if !ok {
		return oneLine(err.Error())
	}
	if fix, ok := explainTransport(e, t); ok {
		return fix
	}
	status := ""
	if e.Status != 0 {
		status = fmt.Sprintf("%d: ", e.Status)
	}
	switch e.Kind {
	case api.KindAuth:
		switch {
		case e.TokenUnusable:
			return "the token holds a byte an HTTP header cannot carry (a NUL, a carriage return, a line break inside it, or another control character), so it was not sent: write the token alone on one line in token_file or token_env (a file saved with Windows line endings or a second line does this)"
		case e.Status == 0 && e.Err != nil:
			return "no token: " + oneLine(e.Err.Error())
		}
		return status + "the token was rejected (wrong, expired or revoked): replace it in token_file, token_env or github_app"
	case api.KindPermission:
		var parts []string
		if e.AcceptedScopes != "" {
			parts = append(parts, "the token lacks a scope: "+scopes(e))
		}
		if e.AcceptedPermissions != "" {
			parts = append(parts, "a fine-grained token or GitHub App needs the permission "+e.AcceptedPermissions)
		}
		if fix := spec.NeedsFor(t).Fix(); fix != "" {
			parts = append(parts, spec.Name+" needs: "+fix)
		}
		if t.Type == config.TypeGitHubOrg {
			parts = append(parts, inEnterprise)
		}
		if len(parts) == 0 {
			if t.Type == config.TypeGitLab {
				return status + "the token lacks a scope or its user a role these endpoints need"
			}
			return status + "the token's user lacks a role or the token a scope that this endpoint needs"
		}
		return status + strings.Join(parts, "; ")
	case api.KindNotFound:
		needs := spec.NeedsFor(t)
		role := "the token's user must be " + needs.Role
		if needs.Role == "" {
			role = "the token's user lacks a role this endpoint needs"
		}
		switch {
		case e.NotAPI:
			// A web server or proxy answered: the slug may be right.
			return status + "the answer did not come from the API (no JSON message, no request id header): " + htmlFix(t)
		case t.Type == config.TypeGitLab && t.Group != "" && strings.Contains(e.Path, "/namespaces/"):
			return fmt.Sprintf("%sthe group %q does not exist at api_url, or the token cannot see it (GitLab answers 404 to a private group a user is not a member of): %s", status, t.Group, role)
		case t.Type == config.TypeGitLab:
			return status + "check api_url (the instance's base URL, without /api/v4); " + role
		case t.Type == config.TypeGitHubOrg:
			return fmt.Sprintf("%sthe organization %q is wrong, or the token cannot see this: %s; %s", status, t.Organization, role, inEnterprise)
		case strings.Contains(e.Path, "/enterprises/"):
			return fmt.Sprintf("%sthe enterprise slug %q is wrong, or the token cannot see it: %s (GitHub answers 404, not 403, to anyone else)", status, t.Enterprise, role)
		case t.Type == config.TypeGitHubServer:
			return status + "check that api_url ends in /api/v3; " + role
		}
		return status + "not found: check the enterprise slug and api_url; GitHub also answers 404 when the token may not see the resource"
	case api.KindGone:
		if spec.ReplacedBy != "" {
			return fmt.Sprintf("GitHub retired this endpoint: use %s (asked again only every %s)", spec.ReplacedBy, goneRetry)
		}
		return fmt.Sprintf("%sthe API retired this endpoint: remove %s from collectors (asked again only every %s)", status, spec.Name, goneRetry)
	case api.KindRateLimit:
		until := "a while"
		if !e.RetryAt.IsZero() {
			until = e.RetryAt.UTC().Format(time.RFC3339)
		}
		return fmt.Sprintf("%srate limited until %s: raise refresh_interval or give this target its own token", status, until)
	case api.KindNetwork:
		return explainNetwork(e, t)
	case api.KindTimeout:
		return fmt.Sprintf("no answer in time from api_url %s (%s): the API or a proxy in between hangs; the exporter tries again after a backoff", t.APIURL, e.Hint)
	case api.KindServer:
		if !e.RetryAt.IsZero() {
			return fmt.Sprintf("%sthe API failed on its side and asked to retry after %s; the exporter waits until then", status, e.RetryAt.UTC().Format(time.RFC3339))
		}
		return status + "the API failed on its side; the exporter retries with backoff"
	case api.KindRefused:
		if e.OtherHost != "" {
			return fmt.Sprintf("%s: the token is never sent to another host; set api_url to the address the API answers on", e.Hint)
		}
	case api.KindBadResponse:
		if e.HeaderOverflow() {
			return fmt.Sprintf("the answer's headers from api_url %s were larger than the exporter accepts (%s), so it was dropped to bound memory: a proxy or load balancer in between, or the API, sends oversized headers", t.APIURL, cause(e))
		}
	}
	// Bad answers, refused requests and other 4xx: the exporter's account of
	// it, else the API's message.
	switch {
	case e.Hint != "":
		return status + e.Hint
	case e.Message != "":
		return status + fmt.Sprintf("the API said %q", e.Message)
	}
	return oneLine(e.Error())
}

// explainNetwork says why api_url could not be reached, by what the
// connection said: a name that does not resolve, nothing listening, a reset.
func explainNetwork(e *api.Error, t *config.Target) string {
	switch {
	case e.ConnectionReset():
		return fmt.Sprintf("the connection to api_url %s was reset (ECONNRESET) by the API or a proxy or firewall in between; the exporter retries, and if it recurs, check what sits between the exporter and %s (a proxy or firewall that cuts connections)", t.APIURL, host(t.APIURL))
	case e.DNS() != "":
		return fmt.Sprintf("the name %s of api_url %s does not resolve: check api_url for a typo, and DNS (%s)", e.DNS(), t.APIURL, cause(e))
	case e.ConnectionRefused():
		return fmt.Sprintf("nothing accepts connections at api_url %s (connection refused): check the host and port of api_url, and proxy settings (HTTPS_PROXY)", t.APIURL)
	}
	return fmt.Sprintf("cannot reach api_url %s: %s; check DNS, proxy settings (HTTPS_PROXY) and firewalls", t.APIURL, cause(e))
}

// scopes names the scopes the endpoint accepts and those the token has.
func scopes(e *api.Error) string {
	have := e.TokenScopes
	if have == "" {
		have = "none"
	}
	return fmt.Sprintf("this endpoint accepts %s (the token has: %s)", e.AcceptedScopes, have)
}

func cause(e *api.Error) string {
	if e.Err == nil {
		return e.Kind.String()
	}
	return oneLine(e.Err.Error())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
