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
