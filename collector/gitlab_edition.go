package collector

import (
	"context"
	"strings"

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
