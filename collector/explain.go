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
		if e.Status == 0 && e.Err != nil {
			return "no token: " + oneLine(e.Err.Error())
		}
		return status + "the token was rejected (wrong, expired or revoked): replace it in token_file, token_env or github_app"
	case api.KindPermission:
		var parts []string
		if e.AcceptedScopes != "" {
			parts = append(parts, "the token lacks a scope: "+e.ScopeHint())
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
			return status + e.Hint
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
		return status + e.Hint
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
		return fmt.Sprintf("cannot reach api_url %s: %s; check DNS, proxy settings (HTTPS_PROXY) and firewalls", t.APIURL, cause(e))
	case api.KindTimeout:
		return fmt.Sprintf("no answer in time from api_url %s: %s", t.APIURL, e.Hint)
	case api.KindServer:
		return status + e.Hint
	}
	// Bad answers, refused redirects and other 4xx: the hint, else the message.
	switch {
	case e.Hint != "":
		return status + e.Hint
	case e.Message != "":
		return status + fmt.Sprintf("the API said %q", e.Message)
	}
	return oneLine(e.Error())
}

func cause(e *api.Error) string {
	if e.Err == nil {
		return e.Kind.String()
	}
	return oneLine(e.Err.Error())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
