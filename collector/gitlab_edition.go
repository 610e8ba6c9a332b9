package collector

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-kit/log/level"

	"github.com/license-exporter/license_exporter/api"
)

// gitlabEdition is what GET /api/v4/version says of the instance.
type gitlabEdition struct {
	version    string
	enterprise bool
}

// gitlabEditionOf asks GET /version which edition answers, after a 404 from
// an Enterprise Edition API: a 200 proves api_url right, so the 404 means
// Community Edition. ok is false when /version fails too (then api_url is
// the likelier fault). /version mirrors the Metadata API since GitLab 15.5,
// which names the edition ("enterprise") since 15.6; older releases
// give only the version, which ends in "-ee" on Enterprise Edition.
// https://docs.gitlab.com/api/version/, https://docs.gitlab.com/api/metadata/
func gitlabEditionOf(ctx context.Context, c *api.Client) (gitlabEdition, bool) {
	var v struct {
		Version    api.String `json:"version"`
		Enterprise api.Bool   `json:"enterprise"`
	}
	if _, err := c.GetJSON(ctx, "/version", nil, &v); err != nil {
		return gitlabEdition{}, false
	}
	version := strings.TrimSpace(string(v.Version))
	if version == "" {
		version = "unknown version"
	}
	ee := strings.HasSuffix(version, "-ee")
	if v.Enterprise.Valid {
		ee = v.Enterprise.Value
	}
	return gitlabEdition{version: version, enterprise: ee}, true
}

// communityEdition words a 404 from an Enterprise Edition API (what, e.g.
// "the license API (/license)") when /version shows Community Edition: not
// a fault, and not a wrong api_url, since /version answered from the same
// base. ok is false when err is no 404 or the instance is not Community
// Edition; then err stands. The log line is written once (told).
func communityEdition(ctx context.Context, src *Source, err error, told *bool, collector, what string) (summary string, ok bool) {
	if !api.IsKind(err, api.KindNotFound) {
		return "", false
	}
	ed, known := gitlabEditionOf(ctx, src.Client)
	if !known || ed.enterprise {
		return "", false
	}
	if !*told {
		*told = true
		level.Info(src.Logger).Log("msg", fmt.Sprintf("GitLab Community Edition has no %s; %s serves no data", what, collector), "version", ed.version)
	}
	return fmt.Sprintf("not available: GitLab %s is Community Edition; %s belongs to Enterprise Edition", ed.version, what), true
}
