// Package config reads and checks the exporter's configuration file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"
)

// Target types.
const (
	TypeGitHub       = "github"
	TypeGitHubServer = "github_server"
	TypeGitLab       = "gitlab"
	// TypeGitHubOrg is an organization on api.github.com that belongs to
	// no enterprise (GitHub Team, or Copilot bought by an organization).
	TypeGitHubOrg = "github_org"
)

// KindGitLabGroup is what a gitlab target with a group is to the collector
// catalog: a GitLab.com top-level group, whose collectors differ from an
// instance's. It is not a type of the configuration file.
const KindGitLabGroup = "gitlab_group"

// Types are the target types of the configuration file, in the order
// messages list them.
var Types = []string{TypeGitHub, TypeGitHubOrg, TypeGitHubServer, TypeGitLab}

// Kind is the target's type as the collector catalog sees it: the type, or
// KindGitLabGroup for a gitlab target with a group.
func (t *Target) Kind() string {
	if t.Type == TypeGitLab && t.Group != "" {
		return KindGitLabGroup
	}
	return t.Type
}

// DefaultRefreshInterval is how long fetched data is reused when the target
// does not say.
const DefaultRefreshInterval = 5 * time.Minute

// Config is the whole configuration file.
type Config struct {
	Targets []*Target `yaml:"targets"`
}

// Target is one GitHub enterprise or organization, Enterprise Server,
// GitLab instance or GitLab.com group.
type Target struct {
	Name       string `yaml:"name"`
	Type       string `yaml:"type"`
	APIURL     string `yaml:"api_url"`
	Enterprise string `yaml:"enterprise"`
	// Organization is the login of a github_org target's organization.
	Organization string `yaml:"organization"`
	// Group is the path or numeric ID of a top-level group on GitLab.com (or
	// any GitLab whose groups carry subscriptions); with it, a gitlab target
	// reads the group's subscription instead of the instance's license.
	Group           string     `yaml:"group"`
	TokenFile       string     `yaml:"token_file"`
	TokenEnv        string     `yaml:"token_env"`
	GitHubApp       *GitHubApp `yaml:"github_app"`
	Collectors      []string   `yaml:"collectors"`
	RefreshInterval Duration   `yaml:"refresh_interval"`
	// RefreshIntervals sets the interval of single collectors, over
	// refresh_interval and the collector's own default.
	RefreshIntervals map[string]Duration `yaml:"refresh_intervals"`
	// InsecureHTTP allows a token over plain http to a host that is not
	// loopback. For labs only.
	InsecureHTTP bool `yaml:"insecure_http"`
	// MaxConcurrentRequests caps the requests in flight of the target's
	// credential (shared by the targets that use it); 0 means
	// api.DefaultMaxConcurrency.
	MaxConcurrentRequests int `yaml:"max_concurrent_requests"`
	// CopilotInactiveDays is how long a Copilot seat may go without activity
	// before copilot_seats counts it as inactive; 0 means the default.
	CopilotInactiveDays int `yaml:"copilot_inactive_days"`
	// AICreditsPerLicense overrides the AI credits a Copilot license adds
	// to the month's pool, per plan: GitHub changes its prices.
	AICreditsPerLicense *AICreditsPerLicense `yaml:"ai_credits_per_license"`
	// The way to the API (transport.go): a CA bundle for an internal CA, and
	// a proxy whose credentials are never written here.
	CAFile               string `yaml:"ca_file"`
	ProxyURL             string `yaml:"proxy_url"`
	ProxyCredentialsFile string `yaml:"proxy_credentials_file"`
	ProxyCredentialsEnv  string `yaml:"proxy_credentials_env"`
	// Notes are corrections made while loading (an api_url fixed), for the
	// log and the check command.
	Notes []string `yaml:"-"`

	// Line is where the target starts in the file, for messages.
	Line int `yaml:"-"`
}

// GitHubApp authenticates as a GitHub App installation.
type GitHubApp struct {
	AppID          int64  `yaml:"app_id"`
	InstallationID int64  `yaml:"installation_id"`
	PrivateKeyFile string `yaml:"private_key_file"`
}

// Duration is a positive duration written as 30s, 5m, 1h, 1d or 2w.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler. It reports a bad value as a
// *yaml.TypeError so that the decoder goes on and parse can say which
// target the line belongs to, as it does for the decoder's own errors.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = Duration(v)
	return nil
}

// ParseDuration reads a positive duration the way Prometheus writes them
// (30s, 5m, 1h, 1d, 2w, 1y, 1d12h), and Go's forms with fractions (1.5h),
// which the exporter has always accepted.
func ParseDuration(s string) (time.Duration, error) {
	md, err := model.ParseDuration(s)
	v := time.Duration(md)
	if err != nil {
		if gv, gerr := time.ParseDuration(s); gerr == nil {
			v, err = gv, nil
		}
	}
	const want = "a positive duration such as 30s, 5m, 1h or 1d"
	switch {
	case err != nil && strings.Contains(s, ".") && strings.ContainsAny(s, "dwy"):
		return 0, fmt.Errorf("%q is not %s: d, w and y take whole numbers (write 36h for a day and a half)", s, want)
	case err != nil:
		return 0, fmt.Errorf("%q is not %s: %w", s, want, err)
	case v <= 0:
		return 0, fmt.Errorf("%q is not %s", s, want)
	}
	return v, nil
}

// Load reads and checks the file at path against the collectors in cat.
func Load(path string, cat Catalog) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	cfg, err := Parse(b, cat)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// Parse reads and checks a configuration. It reports every mistake of the
// file at once (as Mistakes), each naming the target, the key and, where
// YAML gives one, the line.
func Parse(b []byte, cat Catalog) (*Config, error) {
	cfg, ms := parse(b, cat)
	if len(ms) > 0 {
		// Each message is cut from its error chain on purpose: a token
		// pasted under the wrong key would otherwise be quoted back.
		for i := range ms {
			ms[i].Msg = redactTokens(ms[i].Msg)
		}
		return nil, ms
	}
	return cfg, nil
}

func parse(b []byte, cat Catalog) (*Config, Mistakes) {
	// The document is read twice: as nodes, for the lines and names that
	// messages quote, and strictly into the structs, where the decoder itself
	// rejects unknown keys (KnownFields).
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(b)).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, Mistakes{{Msg: "the configuration is empty: it needs a targets list"}}
		}
		return nil, Mistakes{syntaxMistake(b, err)}
	}
	if ms := checkShape(&root); len(ms) > 0 {
		return nil, ms
	}
	nodes := targetNodes(&root)
	// reported[i] holds the keys of target i whose mistake is already said:
	// a value of the wrong type, or a key an unknown key was likely meant
	// to be. Their "missing" errors would say the same thing twice.
	reported := make([]map[string]bool, len(nodes))
	for i := range reported {
		reported[i] = map[string]bool{}
	}
	var ms Mistakes
	cfg := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, Mistakes{{Msg: "invalid configuration: " + err.Error()}}
		}
		// The decoder goes on after a TypeError and fills what it can, so
		// the targets are still checked below.
		ms = explain(&root, te, reported)
	}
	if len(cfg.Targets) == 0 {
		if len(ms) == 0 {
			ms = append(ms, Mistake{Msg: "no targets: the configuration needs at least one entry under targets"})
		}
		return nil, ms.sorted()
	}
	seen := map[string]int{}
	for i, t := range cfg.Targets {
		var node *yaml.Node
		if i < len(nodes) {
			node = nodes[i]
		}
		if t == nil {
			line := 0
			if node != nil {
				line = node.Line
			}
			ms = append(ms, Mistake{Line: line, Msg: fmt.Sprintf("line %d: targets: an entry is empty", line)})
			continue
		}
		if node != nil {
			t.Line = node.Line
		}
		for _, ke := range t.check(cat, reported[i]) {
			line := keyLine(node, ke.key)
			msg := t.where() + ": " + ke.err.Error()
			if line != 0 && line != t.Line {
				msg = fmt.Sprintf("%s: line %d: %v", t.where(), line, ke.err)
			}
			ms = append(ms, Mistake{Line: max(line, t.Line), Msg: msg})
		}
		if t.Name == "" {
			continue
		}
		if line, dup := seen[t.Name]; dup {
			ms = append(ms, Mistake{Line: t.Line, Msg: fmt.Sprintf("%s: key name: %q is already the name of the target at line %d; names must be unique", t.where(), t.Name, line)})
			continue
		}
		seen[t.Name] = t.Line
	}
	if len(ms) > 0 {
		return nil, ms.sorted()
	}
	return cfg, nil
}

// Mistake is one mistake of a configuration file.
type Mistake struct {
	Line int // 0 where none applies
	Msg  string
}

// Mistakes is every mistake of a configuration file, in the order of the
// file; it is the error Parse and Load return.
type Mistakes []Mistake

func (ms Mistakes) Error() string {
	if len(ms) == 1 {
		return ms[0].Msg
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d mistakes:", len(ms))
	for _, m := range ms {
		b.WriteString("\n  " + m.Msg)
	}
	return b.String()
}

func (ms Mistakes) sorted() Mistakes {
	slices.SortStableFunc(ms, func(a, b Mistake) int { return a.Line - b.Line })
	return ms
}

func (t *Target) where() string {
	if t.Name != "" {
		return fmt.Sprintf("target %q (line %d)", t.Name, t.Line)
	}
	return fmt.Sprintf("target at line %d", t.Line)
}

// DefaultCopilotInactiveDays is the copilot_inactive_days default.
const DefaultCopilotInactiveDays = 30

// CopilotInactive is how long a seat may be unused before it counts as inactive.
func (t *Target) CopilotInactive() time.Duration {
	days := t.CopilotInactiveDays
	if days <= 0 {
		days = DefaultCopilotInactiveDays
	}
	return time.Duration(days) * 24 * time.Hour
}

// The AI credits a Copilot license adds to the billing entity's pool each
// month since 2026-06-01, from "Usage-based billing for organizations and
// enterprises": https://docs.github.com/en/copilot/concepts/billing-and-usage/organizations-and-enterprises/billing
const (
	DefaultAICreditsBusiness   = 1900
	DefaultAICreditsEnterprise = 3900
	maxAICreditsPerLicense     = 1_000_000
)

// AICreditsPerLicense is the ai_credits_per_license key; a plan left out
// keeps its default.
type AICreditsPerLicense struct {
	Business   *int `yaml:"business"`
	Enterprise *int `yaml:"enterprise"`
}

// AICredits is the credits one license of each plan adds to the pool. A
// plan other than business or enterprise counts at the business rate.
func (t *Target) AICredits() (business, enterprise float64) {
	business, enterprise = DefaultAICreditsBusiness, DefaultAICreditsEnterprise
	if o := t.AICreditsPerLicense; o != nil {
		if o.Business != nil {
			business = float64(*o.Business)
		}
		if o.Enterprise != nil {
			enterprise = float64(*o.Enterprise)
		}
	}
	return business, enterprise
}

// Refresh is the target's refresh interval, or the default.
func (t *Target) Refresh() time.Duration {
	if t.RefreshInterval <= 0 {
		return DefaultRefreshInterval
	}
	return time.Duration(t.RefreshInterval)
}

// IntervalFor is how long the collector s's data is reused for this target:
// refresh_intervals names it, else refresh_interval, else the collector's
// own default, else DefaultRefreshInterval.
func (t *Target) IntervalFor(s CollectorSpec) time.Duration {
	switch d, ok := t.RefreshIntervals[s.Name]; {
	case ok && d > 0:
		return time.Duration(d)
	case t.RefreshInterval > 0:
		return time.Duration(t.RefreshInterval)
	case s.Interval > 0:
		return s.Interval
	}
	return DefaultRefreshInterval
}
