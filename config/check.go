package config

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/license-exporter/license_exporter/api"
)

// CollectorSpec describes a collector to the configuration checker.
type CollectorSpec struct {
	Name  string
	Types []string
	// Default means the collector runs when a target lists no collectors.
	Default bool
	// Types lists the target kinds the collector serves: the types of the
	// configuration file, and KindGitLabGroup (Target.Kind).
	// NeedsEnterprise means the collector needs the enterprise key; where it
	// is default-on, it is on only for targets that set enterprise. An
	// organization (github_org) has no enterprise key and is not held to it.
	NeedsEnterprise bool
	// Interval is how long the collector's data is reused unless the target
	// sets refresh_interval or refresh_intervals: about as often as the
	// vendor updates the source. 0 means DefaultRefreshInterval.
	Interval time.Duration
}

// Catalog is every known collector, as the collector package registers them.
type Catalog []CollectorSpec

// Lookup finds a collector by name.
func (c Catalog) Lookup(name string) (CollectorSpec, bool) {
	i := slices.IndexFunc(c, func(s CollectorSpec) bool { return s.Name == name })
	if i < 0 {
		return CollectorSpec{}, false
	}
	return c[i], true
}

func (s CollectorSpec) serves(typ string) bool { return slices.Contains(s.Types, typ) }

// needsEnterprise is NeedsEnterprise for t: only github and github_server
// targets have an enterprise key.
func (s CollectorSpec) needsEnterprise(t *Target) bool {
	return s.NeedsEnterprise && (t.Type == TypeGitHub || t.Type == TypeGitHubServer)
}

// Enabled is the list of collectors that run for t: its own list, or the
// default-on collectors of its type.
func (c Catalog) Enabled(t *Target) []string {
	if len(t.Collectors) > 0 {
		return t.Collectors
	}
	var out []string
	for _, s := range c {
		if s.Default && s.serves(t.Kind()) && (!s.needsEnterprise(t) || t.Enterprise != "") {
			out = append(out, s.Name)
		}
	}
	return out
}

var (
	validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]*$`)
	validSlug = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// keyError is a mistake of one key of a target.
type keyError struct {
	key string // as keyLine takes it: github_app.private_key_file
	err error
}

// check returns every mistake of the target. reported holds the keys whose
// mistake the decoder has already reported: they are not called missing.
func (t *Target) check(cat Catalog, reported map[string]bool) []keyError {
	var errs []keyError
	bad := func(key string, err error) { errs = append(errs, keyError{key, err}) }
	missing := func(key string, err error) {
		if !reported[key] {
			bad(key, err)
		}
	}
	switch {
	case t.Name == "":
		missing("name", errors.New("key name: missing; every target needs a unique name"))
	case !validName.MatchString(t.Name):
		bad("name", fmt.Errorf("key name: %q may hold only letters, digits and _ . : -", t.Name))
	}
	knownType := true
	switch t.Type {
	case TypeGitHub:
		if t.APIURL == "" {
			t.APIURL = "https://api.github.com"
		}
		if t.Enterprise == "" {
			msg := "key enterprise: missing; type github needs the enterprise slug (the name in https://github.com/enterprises/SLUG)"
			if t.Organization != "" {
				msg += "; an organization that belongs to no enterprise is type github_org"
			}
			missing("enterprise", errors.New(msg))
		}
	case TypeGitHubOrg:
		if t.APIURL == "" {
			t.APIURL = "https://api.github.com"
		}
		if t.Organization == "" {
			missing("organization", errors.New("key organization: missing; type github_org needs the organization's login (the name in https://github.com/ORG)"))
		}
	case TypeGitHubServer, TypeGitLab:
		if t.APIURL == "" {
			example := "https://HOST/api/v3"
			if t.Type == TypeGitLab {
				example = "https://gitlab.example.com (https://gitlab.com for a GitLab.com group)"
			}
			missing("api_url", fmt.Errorf("key api_url: missing; type %s needs the instance's address, e.g. %s", t.Type, example))
		}
	case "":
		knownType = false
		missing("type", fmt.Errorf("key type: missing; one of %s", strings.Join(Types, ", ")))
	default:
		knownType = false
		msg := fmt.Sprintf("key type: unknown type %q; one of %s", t.Type, strings.Join(Types, ", "))
		if s := nearest(t.Type, Types); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		bad("type", errors.New(msg))
	}
	errs = append(errs, t.checkScopeKeys()...)
	if t.Enterprise != "" && !validSlug.MatchString(t.Enterprise) {
		bad("enterprise", fmt.Errorf("key enterprise: %q is not an enterprise slug", t.Enterprise))
	}
	if knownType && t.APIURL != "" {
		t.fixAPIURL()
		if t.Type == TypeGitHubOrg {
			if err := checkOrgURL(t.APIURL); err != nil {
				bad("api_url", fmt.Errorf("key api_url: %w", err))
			}
		}
		if err := checkURL(t.APIURL, t.Type, t.InsecureHTTP); err != nil {
			bad("api_url", fmt.Errorf("key api_url: %w", err))
		}
	}
	errs = append(errs, t.checkTransport()...)
	if t.CopilotInactiveDays < 0 || t.CopilotInactiveDays > 3650 {
		bad("copilot_inactive_days", fmt.Errorf("key copilot_inactive_days: %d is not a number of days between 1 and 3650 (default %d)", t.CopilotInactiveDays, DefaultCopilotInactiveDays))
	}
	if o := t.AICreditsPerLicense; o != nil {
		for _, p := range []struct {
			plan string
			v    *int
			def  int
		}{{"business", o.Business, DefaultAICreditsBusiness}, {"enterprise", o.Enterprise, DefaultAICreditsEnterprise}} {
			if p.v != nil && (*p.v < 1 || *p.v > maxAICreditsPerLicense) {
				bad("ai_credits_per_license", fmt.Errorf("key ai_credits_per_license: %s: %d is not a number of credits between 1 and %d (default %d; leave the plan out to keep it)", p.plan, *p.v, maxAICreditsPerLicense, p.def))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(t.RefreshIntervals)) {
		if _, ok := cat.Lookup(name); !ok {
			bad("refresh_intervals", fmt.Errorf("key refresh_intervals: unknown collector %q%s; %s collectors are: %s", name, meantCollector(name, cat, t.Kind()), kindName(t.Kind()), strings.Join(cat.names(t.Kind()), ", ")))
		}
	}
	if t.MaxConcurrentRequests < 0 || t.MaxConcurrentRequests > 100 {
		bad("max_concurrent_requests", fmt.Errorf("key max_concurrent_requests: %d is not between 1 and 100 (GitHub's limit per credential; default %d)", t.MaxConcurrentRequests, api.DefaultMaxConcurrency))
	}
	if ke := t.checkCredentials(reported); ke != nil {
		errs = append(errs, *ke)
	}
	if knownType {
		errs = append(errs, t.checkCollectors(cat)...)
	}
	return errs
}

// meantCollector suggests the collector a misspelt name was meant to be.
func meantCollector(name string, cat Catalog, typ string) string {
	if s := nearest(name, cat.names(typ)); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

func checkURL(raw, typ string, insecure bool) error {
	flavor := api.GitHub
	if typ == TypeGitLab {
		flavor = api.GitLab
	}
	_, err := api.ParseBaseURL(raw, flavor, insecure)
	return err
}

func (t *Target) checkCredentials(reported map[string]bool) *keyError {
	n := 0
	for _, set := range []bool{t.TokenFile != "", t.TokenEnv != "", t.GitHubApp != nil} {
		if set {
			n++
		}
	}
	fail := func(key string, err error) *keyError { return &keyError{key, err} }
	switch {
	case n == 0 && (reported["token_file"] || reported["token_env"] || reported["github_app"]):
		return nil // an unknown key was meant to be one of them, and said so
	case n == 0:
		return fail("", errors.New("credentials missing: set exactly one of token_file, token_env, github_app"))
	case n > 1:
		return fail("", errors.New("credentials: set exactly one of token_file, token_env, github_app, not several"))
	}
	switch {
	case looksLikeToken(t.TokenFile):
		return fail("token_file", errors.New("key token_file: the value looks like a token itself; it must be the path of a file that holds the token (the value is not shown here)"))
	case looksLikeToken(t.TokenEnv):
		return fail("token_env", errors.New("key token_env: the value looks like a token itself; it must be the name of an environment variable that holds the token (the value is not shown here)"))
	case t.TokenFile != "":
		if err := readable("token_file", t.TokenFile); err != nil {
			return fail("token_file", err)
		}
	case t.TokenEnv != "":
		if os.Getenv(t.TokenEnv) == "" {
			return fail("token_env", fmt.Errorf("key token_env: the environment variable %s is empty or unset", t.TokenEnv))
		}
	default:
		if t.Type == TypeGitLab {
			return fail("github_app", errors.New("key github_app: GitLab targets authenticate with token_file or token_env"))
		}
		a := t.GitHubApp
		if a.AppID <= 0 || a.InstallationID <= 0 || a.PrivateKeyFile == "" {
			return fail("github_app", errors.New("key github_app: needs app_id, installation_id and private_key_file"))
		}
		if err := readable("github_app.private_key_file", a.PrivateKeyFile); err != nil {
			return fail("github_app.private_key_file", err)
		}
	}
	return nil
}

// tokenPrefixes start GitHub's and GitLab's token formats.
var tokenPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "glrt-"}

var tokenPattern = regexp.MustCompile(`(` + strings.Join(tokenPrefixes, "|") + `)[A-Za-z0-9_.\-]*`)

// redactTokens hides anything shaped like a token in a message.
func redactTokens(msg string) string {
	return tokenPattern.ReplaceAllString(msg, "<redacted token>")
}

// looksLikeToken catches a token pasted where a path or a variable name
// belongs, so that the error about it does not print the token.
func looksLikeToken(s string) bool {
	s = strings.TrimSpace(s)
	return slices.ContainsFunc(tokenPrefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

// readable checks a secret file as the configuration loads: a regular file
// of at most api.MaxSecretFileBytes that is not empty.
func readable(key, path string) error {
	b, err := api.ReadSecretFile(key, path)
	if err != nil {
		return fmt.Errorf("key %w", err) // "key token_file: …"
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fmt.Errorf("key %s: %s is empty", key, path)
	}
	return nil
}

func (t *Target) checkCollectors(cat Catalog) []keyError {
	var errs []keyError
	bad := func(format string, args ...any) {
		errs = append(errs, keyError{"collectors", fmt.Errorf("key collectors: "+format, args...)})
	}
	seen := map[string]bool{}
	for _, name := range t.Collectors {
		s, ok := cat.Lookup(name)
		kind := t.Kind()
		switch {
		case !ok:
			bad("unknown collector %q%s; %s collectors are: %s", name, meantCollector(name, cat, kind), kindName(kind), strings.Join(cat.names(kind), ", "))
		case !s.serves(kind):
			bad("%s does not serve %s; %s collectors are: %s", name, kindName(kind), kindName(kind), strings.Join(cat.names(kind), ", "))
		case s.needsEnterprise(t) && t.Enterprise == "":
			bad("%s needs the enterprise key", name)
		case seen[name]:
			bad("%s is listed twice", name)
		}
		seen[name] = true
	}
	return errs
}

func (c Catalog) names(typ string) []string {
	var out []string
	for _, s := range c {
		if s.serves(typ) {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return out
}

// kindName words a target kind for messages.
func kindName(kind string) string {
	if kind == KindGitLabGroup {
		return "type gitlab with group"
	}
	return "type " + kind
}

var (
	// validOrg is a GitHub login: letters, digits and single hyphens.
	validOrg = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9])*$`)
	// validGroup is a GitLab namespace path (top-level or not) or a
	// numeric ID.
	validGroup = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$`)
)

// checkScopeKeys checks the keys that say which account a target is —
// enterprise, organization, group — against the target's type: each
// belongs to some types only, and a key of the wrong type is a mistake
// rather than silently ignored.
func (t *Target) checkScopeKeys() []keyError {
	var errs []keyError
	bad := func(key string, err error) { errs = append(errs, keyError{key, err}) }
	if t.Organization != "" {
		switch {
		case t.Type == TypeGitHub && t.Enterprise != "":
			bad("organization", errors.New("key organization: a github target reads its enterprise, organizations included; remove organization, or make this a github_org target for an organization outside any enterprise"))
		case t.Type != TypeGitHubOrg && t.Type != TypeGitHub:
			bad("organization", fmt.Errorf("key organization: only type %s targets take an organization", TypeGitHubOrg))
		case t.Type == TypeGitHubOrg && !validOrg.MatchString(t.Organization):
			bad("organization", fmt.Errorf("key organization: %q is not a GitHub organization login", t.Organization))
		}
	}
	if t.Type == TypeGitHubOrg && t.Enterprise != "" {
		bad("enterprise", errors.New("key enterprise: a github_org target is an organization outside any enterprise; for an enterprise's organizations use type github with the enterprise key"))
	}
	if t.Group != "" {
		switch {
		case t.Type != TypeGitLab:
			bad("group", errors.New("key group: only gitlab targets take a group (a GitLab.com top-level group's path or ID)"))
		case strings.HasPrefix(t.Group, "/") || strings.HasSuffix(t.Group, "/") || strings.Contains(t.Group, "://"):
			bad("group", fmt.Errorf("key group: %q is not a group path: write the path as in https://gitlab.com/PATH, without slashes around it", t.Group))
		case !validGroup.MatchString(t.Group):
			bad("group", fmt.Errorf("key group: %q is not a group path or numeric ID", t.Group))
		case strings.Contains(t.Group, "/"):
			bad("group", fmt.Errorf("key group: %q is a subgroup; subscriptions belong to top-level groups: use %q", t.Group, strings.SplitN(t.Group, "/", 2)[0]))
		}
	}
	return errs
}

// checkOrgURL refuses an api_url other than api.github.com for github_org:
// on GHE.com every organization belongs to an enterprise, and the
// organization billing paths are not in GHE.com's API description.
func checkOrgURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil // checkURL says what is wrong
	}
	h := strings.ToLower(u.Hostname())
	switch {
	case h == "api.github.com":
		return nil
	case strings.HasSuffix(h, ".ghe.com"):
		return fmt.Errorf("%s is GHE.com, where every organization belongs to an enterprise: use type github with the enterprise key", raw)
	case isLoopback(h):
		return nil // the simulator and tests
	}
	return fmt.Errorf("%s: github_org serves organizations on api.github.com only (Enterprise Server organizations are read through type github_server)", raw)
}

func isLoopback(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}
