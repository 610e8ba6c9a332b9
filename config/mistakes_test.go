package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// TestEveryMistakeAtOnce: one Parse reports each mistake of a file, with its
// line, in the file's order; a mistake is said once (the unknown key "token"
// is not also reported as missing credentials).
func TestEveryMistakeAtOnce(t *testing.T) {
	tok := writeToken(t, "ghp_secret_value\n")
	_, err := Parse([]byte(`targets:
  - name: acme
    type: github
    enterprise: acme
    token: ghp_PastedByMistake0123
  - name: acme
    type: github
    enterprise: other
    token_file: `+tok+`
  - name: gl
    type: gitlab
    token_file: `+tok+`
    colectors: [gitlab_license]
  - name: ghes
    type: github_server
    api_url: https://ghes.example.com/api/v3
    token_file: /nonexistent/token
    collectors: [server_licence]
    refresh_interval: soon
    max_concurrent_requests: 500
`), testCatalog)
	var ms Mistakes
	if !errors.As(err, &ms) {
		t.Fatalf("err = %v, want Mistakes", err)
	}
	want := []struct {
		line int
		text string
	}{
		{5, `line 5: unknown key "token"; did you mean "token_file" or "token_env"?`},
		{6, `key name: "acme" is already the name of the target at line 2`},
		{10, `target "gl" (line 10): key api_url: missing`},
		{13, `line 13: unknown key "colectors"; did you mean "collectors"?`},
		{17, `line 17: key token_file: cannot read /nonexistent/token`},
		{18, `line 18: key collectors: unknown collector "server_licence" (did you mean "server_license"?)`},
		{19, `line 19: "soon" is not a positive duration`},
		{20, `line 20: key max_concurrent_requests: 500`},
	}
	if len(ms) != len(want) {
		t.Errorf("%d mistakes, want %d:\n%v", len(ms), len(want), err)
	}
	for i, w := range want {
		if i >= len(ms) {
			break
		}
		if ms[i].Line != w.line || !strings.Contains(ms[i].Msg, w.text) {
			t.Errorf("mistake %d = line %d %q, want line %d and %q", i, ms[i].Line, ms[i].Msg, w.line, w.text)
		}
	}
	if s := err.Error(); !strings.HasPrefix(s, "8 mistakes:\n  ") || strings.Contains(s, "PastedByMistake") || strings.Contains(s, "credentials missing") {
		t.Errorf("error:\n%s", s)
	}
}

// TestSuggestions: an unknown key names the keys it was likely meant to be.
func TestSuggestions(t *testing.T) {
	known := yamlKeys(reflect.TypeFor[Target]())
	for key, want := range map[string]string{
		"token":     `"token_file" or "token_env"`,
		"colectors": `"collectors"`,
		"url":       `"api_url" or "proxy_url"`,
		"interval":  `"refresh_interval"`,
		"slug":      `"enterprise"`,
		"password":  `"token_file" or "token_env"`,
		"app":       `"github_app"`,
		"zzz":       ``,
	} {
		if got := orListOrEmpty(suggest(key, known)); got != want {
			t.Errorf("%s: suggests %s, want %s", key, got, want)
		}
	}
}

func orListOrEmpty(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return orList(words)
}

// TestYAMLSyntaxLine: invalid YAML names the line where the mistake is, not
// the line where the parser's block began.
func TestYAMLSyntaxLine(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"key indented too little", "targets:\n  - name: a\n    type: github\n   enterprise: e\n    token_file: x\n", "line 4: did not find expected '-' indicator; check its indentation"},
		{"key indented too far", "targets:\n  - name: a\n    type: github\n     enterprise: e\n", "line 4: mapping values are not allowed"},
		{"key outdented to the entry", "targets:\n  - name: a\n    type: github\n    enterprise: e\n  token_file: x\n", "line 5: did not find expected '-' indicator"},
		{"tab", "targets:\n  - name: a\n    type: github\n\tenterprise: e\n", "line 4: found a tab character that violates indentation; indent with spaces"},
		{"unclosed list", "targets:\n  - name: a\n    collectors: [a, b\n    type: github\n", "line 3: did not find expected ',' or ']'"}, // the ] missing on line 3,
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.yaml), testCatalog)
			if err == nil || !strings.Contains(err.Error(), "invalid YAML: "+tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestEveryMistakeOfOrgsAndGroups: the keys of organizations and GitLab.com
// groups join the all-mistakes check: each mistake once, with its line, in
// the file's order.
func TestEveryMistakeOfOrgsAndGroups(t *testing.T) {
	tok := writeToken(t, "ghp_secret_value\n")
	cat := append(Catalog{
		{Name: "org_seats", Types: []string{TypeGitHubOrg}, Default: true},
		{Name: "gitlab_subscription", Types: []string{KindGitLabGroup}, Default: true},
	}, testCatalog...)
	_, err := Parse([]byte(`targets:
  - name: org
    type: github_org
    organisation: octo
    token_file: `+tok+`
  - name: org-in-enterprise
    type: github_org
    organization: octo
    enterprise: octo-corp
    token_file: `+tok+`
  - name: ghe-org
    type: github_org
    api_url: https://api.acme.ghe.com
    organization: octo
    token_file: `+tok+`
  - name: enterprise-group
    type: github
    enterprise: octo-corp
    group: acme
    token_file: `+tok+`
  - name: subgroup
    type: gitlab
    api_url: https://gitlab.com
    group: acme/team
    token_file: `+tok+`
  - name: group-license
    type: gitlab
    api_url: https://gitlab.com
    group: acme
    collectors: [gitlab_license]
    token_file: `+tok+`
`), cat)
	var ms Mistakes
	if !errors.As(err, &ms) {
		t.Fatalf("err = %v, want Mistakes", err)
	}
	want := []struct {
		line int
		text string
	}{
		{4, `line 4: unknown key "organisation"; did you mean "organization"?`},
		{9, `line 9: key enterprise: a github_org target is an organization outside any enterprise`},
		{13, `line 13: key api_url: https://api.acme.ghe.com is GHE.com, where every organization belongs to an enterprise`},
		{19, `line 19: key group: only gitlab targets take a group`},
		{24, `line 24: key group: "acme/team" is a subgroup; subscriptions belong to top-level groups: use "acme"`},
		{30, `line 30: key collectors: gitlab_license does not serve type gitlab with group; type gitlab with group collectors are: gitlab_subscription`},
	}
	if len(ms) != len(want) {
		t.Errorf("%d mistakes, want %d:\n%v", len(ms), len(want), err)
	}
	for i, w := range want {
		if i >= len(ms) {
			break
		}
		if ms[i].Line != w.line || !strings.Contains(ms[i].Msg, w.text) {
			t.Errorf("mistake %d = line %d %q, want line %d and %q", i, ms[i].Line, ms[i].Msg, w.line, w.text)
		}
	}
}
