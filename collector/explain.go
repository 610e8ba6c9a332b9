package collector

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// replacedBy names the collector that carries the data of one whose endpoint
// GitHub retired (the legacy billing endpoints answer 410 since 2025-09-25).
var replacedBy = map[string]string{
	"billing_actions":        "billing_usage",
	"billing_packages":       "billing_usage",
	"billing_shared_storage": "billing_usage",
}

// Explain says in one line what a failed refresh means and what to do about
// it, for the check command and the status page. It works from the API
// error's kind, status and hint, which never hold a token.
func Explain(err error, collector string, t *config.Target) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, errPanic) {
		return err.Error()
	}
	e, ok := api.AsError(err)
	if !ok {
		return oneLine(err.Error())
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
		fix := status + strings.TrimPrefix(e.Hint, "forbidden; ")
		var need *needError
		if errors.As(err, &need) {
			fix += "; " + need.need
		}
		return fix
	case api.KindNotFound:
		switch {
		case t.Type == config.TypeGitLab:
			return status + "check api_url (the instance's base URL, without /api/v4) and that the token belongs to an administrator"
		case strings.Contains(e.Path, "/enterprises/"):
			return fmt.Sprintf("%sthe token's user is not an enterprise owner (or billing manager), or the enterprise slug %q is wrong", status, t.Enterprise)
		case t.Type == config.TypeGitHubServer:
			return status + "check that api_url ends in /api/v3 and that the token belongs to a site administrator"
		}
		return status + e.Hint
	case api.KindGone:
		if repl := replacedBy[collector]; repl != "" {
			return fmt.Sprintf("GitHub retired this endpoint: use %s (asked again only every %s)", repl, goneRetry)
		}
		return fmt.Sprintf("%sthe API retired this endpoint: remove %s from collectors (asked again only every %s)", status, collector, goneRetry)
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
