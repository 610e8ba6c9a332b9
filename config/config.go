// Package config reads and checks the exporter's configuration file.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// Target types.
const (
	TypeGitHub       = "github"
	TypeGitHubServer = "github_server"
	TypeGitLab       = "gitlab"
)

// DefaultRefreshInterval is how long fetched data is reused when the target
// does not say.
const DefaultRefreshInterval = 5 * time.Minute

// Config is the whole configuration file.
type Config struct {
	Targets []*Target `yaml:"targets"`
}

// Target is one GitHub enterprise, Enterprise Server or GitLab instance.
type Target struct {
	Name            string     `yaml:"name"`
	Type            string     `yaml:"type"`
	APIURL          string     `yaml:"api_url"`
	Enterprise      string     `yaml:"enterprise"`
	TokenFile       string     `yaml:"token_file"`
	TokenEnv        string     `yaml:"token_env"`
	GitHubApp       *GitHubApp `yaml:"github_app"`
	Collectors      []string   `yaml:"collectors"`
	RefreshInterval Duration   `yaml:"refresh_interval"`
	// InsecureHTTP allows a token over plain http to a host that is not
	// loopback. For labs only.
	InsecureHTTP bool `yaml:"insecure_http"`
	// CopilotInactiveDays is how long a Copilot seat may go without activity
	// before copilot_seats counts it as inactive; 0 means the default.
	CopilotInactiveDays int `yaml:"copilot_inactive_days"`
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

// Duration is a positive duration written as 30s, 5m, 1h or 1d.
type Duration time.Duration

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// ParseDuration accepts Go durations and a day suffix ("1d").
func ParseDuration(s string) (time.Duration, error) {
	if len(s) > 1 && s[len(s)-1] == 'd' {
		var days float64
		if _, err := fmt.Sscanf(s, "%gd", &days); err == nil && days > 0 && days*float64(24*time.Hour) < math.MaxInt64 {
			return time.Duration(days * float64(24*time.Hour)), nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 30s, 5m or 1h", s)
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

// Parse reads and checks a configuration. Every error names the target, the
// key and, where YAML gives one, the line.
func Parse(b []byte, cat Catalog) (*Config, error) {
	cfg, err := parse(b, cat)
	if err != nil {
		// A token pasted under the wrong key would otherwise be quoted back.
		return nil, errors.New(redactTokens(err.Error()))
	}
	return cfg, nil
}

func parse(b []byte, cat Catalog) (*Config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("the configuration is empty: it needs a targets list")
		}
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if err := checkKeys(&root); err != nil {
		return nil, err
	}
	cfg := &Config{}
	if err := root.Decode(cfg); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	if len(cfg.Targets) == 0 {
		return nil, errors.New("no targets: the configuration needs at least one entry under targets")
	}
	seen := map[string]int{}
	for _, t := range cfg.Targets {
		if t == nil {
			return nil, errors.New("targets: an entry is empty")
		}
		if err := t.check(cat); err != nil {
			return nil, fmt.Errorf("%s: %w", t.where(), err)
		}
		if line, dup := seen[t.Name]; dup {
			return nil, fmt.Errorf("%s: key name: %q is already the name of the target at line %d; names must be unique", t.where(), t.Name, line)
		}
		seen[t.Name] = t.Line
	}
	return cfg, nil
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

// Refresh is the target's refresh interval, or the default.
func (t *Target) Refresh() time.Duration {
	if t.RefreshInterval <= 0 {
		return DefaultRefreshInterval
	}
	return time.Duration(t.RefreshInterval)
}
