package deploy

import (
	"fmt"
	"github.com/license-exporter/license_exporter/collector"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/license-exporter/license_exporter/dashboards"
	"github.com/license-exporter/license_exporter/internal/testdeps"
	"github.com/license-exporter/license_exporter/internal/thresholds"
)

const (
	rulesFile    = "prometheus/license_exporter.rules.yml"
	runbooksFile = "../docs/runbooks.md"
	// runbookBase is where runbook_url points: the runbooks in the repository.
	runbookBase = "https://github.com/license-exporter/license_exporter/blob/main/docs/runbooks.md"
)

type ruleFile struct {
	Groups []struct {
		Name  string
		Rules []struct {
			Alert, Record, Expr, For string
			Labels, Annotations      map[string]string
		}
	}
}

func readRules(t *testing.T) ruleFile {
	t.Helper()
	b, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	return rf
}

// TestPromtool: `promtool check rules` and `promtool test rules`.
func TestPromtool(t *testing.T) {
	promtool := testdeps.Need(t, "promtool")
	if out, err := exec.Command(promtool, "check", "rules", rulesFile).CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
	tests, _ := filepath.Glob("prometheus/tests/*.yml")
	if len(tests) == 0 {
		t.Fatal("no rule tests in prometheus/tests")
	}
	out, err := exec.Command(promtool, append([]string{"test", "rules"}, tests...)...).CombinedOutput()
	if err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}

// TestRulesConventions: every alert has a severity, a summary and a
// description, uses only metrics the collectors' specs declare, and is
// covered by a unit test, and links its runbook section in docs/runbooks.md.
func TestRulesConventions(t *testing.T) {
	b, err := os.ReadFile(runbooksFile)
	if err != nil {
		t.Fatal(err)
	}
	runbooks := string(b)
	var tested strings.Builder
	tests, _ := filepath.Glob("prometheus/tests/*.yml")
	for _, f := range tests {
		b, _ := os.ReadFile(f)
		tested.Write(b)
	}
	recorded := map[string]bool{}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			recorded[r.Record] = r.Record != ""
		}
	}
	n := 0
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			n++
			if r.Alert == "" {
				continue
			}
			switch r.Labels["severity"] {
			case "info", "warning", "critical":
			default:
				t.Errorf("%s: severity %q, want info, warning or critical", r.Alert, r.Labels["severity"])
			}
			if want := runbookBase + "#" + strings.ToLower(r.Alert); r.Annotations["runbook_url"] != want {
				t.Errorf("%s: runbook_url %q, want %q", r.Alert, r.Annotations["runbook_url"], want)
			}
			if !strings.Contains(runbooks, "\n## "+r.Alert+"\n") {
				t.Errorf("%s: no section \"## %s\" in %s", r.Alert, r.Alert, runbooksFile)
			}
			if r.Annotations["summary"] == "" || len(r.Annotations["description"]) < 80 {
				t.Errorf("%s: want a summary and a description that says what to do", r.Alert)
			}
			for _, m := range dashboards.MetricNames(r.Expr) {
				if _, _, ok := collector.MetricByName(m); !ok && m != "up" && !recorded[m] { // up: Prometheus's own
					t.Errorf("%s: %s is not a metric the exporter declares", r.Alert, m)
				}
			}
			if !strings.Contains(tested.String(), "alertname: "+r.Alert+"\n") {
				t.Errorf("%s: no promtool unit test in prometheus/tests", r.Alert)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d rules", n)
	}
}

// TestRulesUseThresholds: the status page words findings with the figures
// in internal/thresholds; the rules must go off at the same ones.
func TestRulesUseThresholds(t *testing.T) {
	seats := fmt.Sprintf(">= %g", thresholds.SeatsNearlyExhausted)
	personal := fmt.Sprintf(`{scope!~"%s"}`, thresholds.PersonalBudgetScopes)
	want := map[string][]string{
		"GitHubEnterpriseSeatsNearlyExhausted":            {seats},
		"GitHubEnterpriseServerSeatsNearlyExhausted":      {seats},
		"GitLabSeatsNearlyExhausted":                      {seats},
		"GitHubAdvancedSecurityCommittersNearlyExhausted": {seats},
		"GitHubBudgetNearlySpent":                         {fmt.Sprintf(">= %g * github_enterprise_budget_limit_dollars", thresholds.BudgetNearlySpent), personal},
		"GitHubBudgetExhausted":                           {"github_enterprise_budget_spent_dollars >= github_enterprise_budget_limit_dollars", personal},
		"LicenseExporterRateLimitLow":                     {fmt.Sprintf("license_exporter_api_rate_limit < %.2f", thresholds.RateLimitLow)},
	}
	ladder := map[string]string{
		"info":     fmt.Sprintf("<= %d * 86400", thresholds.ExpiryInfoDays),
		"warning":  fmt.Sprintf("<= %d * 86400", thresholds.ExpiryWarningDays),
		"critical": fmt.Sprintf("<= %d * 86400", thresholds.ExpiryCriticalDays),
	}
	seen := map[string]int{}
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			expr := strings.Join(strings.Fields(r.Expr), " ")
			for _, w := range want[r.Alert] {
				seen[r.Alert]++
				if !strings.Contains(expr, w) {
					t.Errorf("%s: expression lacks %q (internal/thresholds): %s", r.Alert, w, expr)
				}
			}
			if strings.HasSuffix(r.Alert, "ExpiringSoon") {
				seen["ladder "+r.Labels["severity"]]++
				if w := ladder[r.Labels["severity"]]; !strings.Contains(expr, w) {
					t.Errorf("%s (%s): expression lacks %q (internal/thresholds): %s", r.Alert, r.Labels["severity"], w, expr)
				}
			}
		}
	}
	for name := range want {
		if seen[name] == 0 {
			t.Errorf("no rule %s", name)
		}
	}
	for sev := range ladder {
		if seen["ladder "+sev] == 0 {
			t.Errorf("no ExpiringSoon step of severity %s", sev)
		}
	}
}
