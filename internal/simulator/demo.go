package simulator

import (
	"fmt"
	"strings"
)

// DemoConfig is the configuration that points the exporter at a simulator
// listening on baseURL, with the token in tokenFile: every kind of target the
// simulator knows, refreshed often so the demo moves.
func DemoConfig(baseURL, tokenFile string) string {
	var b strings.Builder
	b.WriteString("# Written by license_exporter --demo: every target points at the built-in simulator.\ntargets:\n")
	target := func(name, typ, apiURL, enterprise string, extra ...string) {
		fmt.Fprintf(&b, "  - name: %s\n    type: %s\n    api_url: %s\n", name, typ, apiURL)
		if enterprise != "" {
			fmt.Fprintf(&b, "    enterprise: %s\n", enterprise)
		}
		fmt.Fprintf(&b, "    token_file: %s\n    refresh_interval: 1m\n", tokenFile)
		for _, e := range extra {
			fmt.Fprintf(&b, "    %s\n", e)
		}
	}
	target("octo-corp", "github", baseURL, FixtureEnterprise)
	target("large-corp", "github", baseURL, LargeEnterprise)
	target("octo-server", "github_server", baseURL+"/api/v3", FixtureEnterprise)
	target("github-org", "github_org", baseURL, "", "organization: "+FixtureOrganization)
	target("gitlab", "gitlab", baseURL, "")
	target("gitlab-group", "gitlab", baseURL, "", "group: "+FixtureGroup)
	return b.String()
}
