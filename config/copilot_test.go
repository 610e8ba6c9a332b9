package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCopilotInactiveDays(t *testing.T) {
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(extra string) (*Config, error) {
		return Parse([]byte("targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_file: "+token+"\n"+extra), nil)
	}
	cfg, err := parse("")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Targets[0].CopilotInactive(); got != 30*24*time.Hour {
		t.Errorf("default = %s, want 30 days", got)
	}
	cfg, err = parse("    copilot_inactive_days: 7\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Targets[0].CopilotInactive(); got != 7*24*time.Hour {
		t.Errorf("7 = %s", got)
	}
	for _, bad := range []string{"-1", "4000"} {
		if _, err := parse("    copilot_inactive_days: " + bad + "\n"); err == nil || !strings.Contains(err.Error(), "copilot_inactive_days") {
			t.Errorf("%s: err = %v, want one naming copilot_inactive_days", bad, err)
		}
	}
}

func TestAICreditsPerLicense(t *testing.T) {
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(extra string) (*Config, error) {
		return Parse([]byte("targets:\n  - name: a\n    type: github\n    enterprise: e\n    token_file: "+token+"\n"+extra), nil)
	}
	for _, tc := range []struct {
		extra         string
		business, ent float64
	}{
		{"", 1900, 3900},
		{"    ai_credits_per_license: {business: 3000, enterprise: 7000}\n", 3000, 7000},
		{"    ai_credits_per_license:\n      enterprise: 7000\n", 1900, 7000},
	} {
		cfg, err := parse(tc.extra)
		if err != nil {
			t.Fatalf("%q: %v", tc.extra, err)
		}
		if b, e := cfg.Targets[0].AICredits(); b != tc.business || e != tc.ent {
			t.Errorf("%q: credits = %v, %v; want %v, %v", tc.extra, b, e, tc.business, tc.ent)
		}
	}
	for _, bad := range []string{"{business: 0}", "{enterprise: -5}", "{business: 2000000}"} {
		if _, err := parse("    ai_credits_per_license: " + bad + "\n"); err == nil || !strings.Contains(err.Error(), "ai_credits_per_license") {
			t.Errorf("%s: err = %v, want one naming ai_credits_per_license", bad, err)
		}
	}
	for _, bad := range []string{"{pro: 100}", "1900"} {
		if _, err := parse("    ai_credits_per_license: " + bad + "\n"); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
