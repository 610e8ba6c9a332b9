package dashboards

import (
	"bytes"
	"flag"
	"fmt"
	"github.com/license-exporter/license_exporter/collector"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

var update = flag.Bool("update", false, "rewrite the dashboard JSON files from the Go definitions")

// TestGoldenDashboards keeps the committed JSON, both renderings, in step
// with the Go definitions: `make golden` rewrites them.
func TestGoldenDashboards(t *testing.T) {
	for name, d := range All() {
		file, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		imp, err := d.ImportJSON()
		if err != nil {
			t.Fatal(err)
		}
		for path, got := range map[string][]byte{name: file, filepath.Join("import", name): imp} {
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is not what the Go definitions produce: run `make golden` and review the diff", path)
			}
		}
	}
}

func files(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.json")
	if err != nil || len(names) != 3 {
		t.Fatalf("want 3 dashboards, got %v (%v)", names, err)
	}
	return names
}

// TestDashboardsLint: every file is valid JSON importable anywhere, every
// query names only metrics the collectors' specs declare, and promtool
// parses every query.
func TestDashboardsLint(t *testing.T) {
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard_queries\n    rules:\n")
	recorded := recordedNames(t)
	n := 0
	for _, name := range files(t) {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		exprs, err := Exprs(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, e := range exprs {
			metrics := MetricNames(e.Expr)
			if len(metrics) == 0 {
				t.Errorf("%s, panel %q: no metric found in %q", name, e.Panel, e.Expr)
			}
			for _, m := range metrics {
				if _, _, ok := collector.MetricByName(m); !ok && !recorded[m] {
					t.Errorf("%s, panel %q: %s is neither a metric the exporter declares nor a recording rule of %s", name, e.Panel, m, rulesFile)
				}
			}
			n++
			fmt.Fprintf(&rules, "      - record: dashboard:query_%d\n        expr: %q\n", n, Substitute(e.Expr))
		}
	}
	promtool := testdeps.Need(t, "promtool")
	file := filepath.Join(t.TempDir(), "queries.yml")
	if err := os.WriteFile(file, []byte(rules.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput()
	if err != nil {
		t.Errorf("promtool check rules on the %d dashboard queries: %v\n%s", n, err, out)
	}
}

func TestMetricNames(t *testing.T) {
	for expr, want := range map[string]string{
		`max by (target) (a_b{target=~"$target"}) / on (target) b:c`:            "a_b b:c",
		`clamp_min(deriv(x{l="by (y)"}[7d]) * 86400, 1e-9) and bool offset_me`:  "offset_me x",
		`sum without (code) (rate(req_total[$__rate_interval])) > 0.5 unless y`: "req_total y",
		`time() - t_seconds`: "t_seconds",
		`a > on (target) group_left b unless c <= on (target) group_right d`: "a b c d",
	} {
		if got := strings.Join(MetricNames(expr), " "); got != want {
			t.Errorf("MetricNames(%q) = %q, want %q", expr, got, want)
		}
	}
}

// rulesFile holds the recording rules a dashboard may query besides the
// exporter's own metrics.
const rulesFile = "../deploy/prometheus/license_exporter.rules.yml"

func recordedNames(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	out := RecordedNames(b)
	if len(out) == 0 {
		t.Fatalf("no recording rules in %s", rulesFile)
	}
	return out
}

// TestBillingQueriesOnData evaluates Billing dashboard queries with promtool
// on series that trip them: a budget and an AI credit pool with a limit of 0
// (no +Inf share), and two cost centers of one name on two targets (two
// bars, not one sum).
func TestBillingQueriesOnData(t *testing.T) {
	promtool := testdeps.Need(t, "promtool")
	b, err := os.ReadFile("license-billing.json")
	if err != nil {
		t.Fatal(err)
	}
	exprs, err := Exprs(b)
	if err != nil {
		t.Fatal(err)
	}
	byPanel := map[string]string{}
	for _, e := range exprs {
		if _, ok := byPanel[e.Panel]; !ok {
			byPanel[e.Panel] = Substitute(e.Expr)
		}
	}
	budget := `{target="t",budget_id="%s",scope="enterprise",entity="t",sku="actions"}`
	pool := `{target="t",cost_center_id="%s",cost_center="%s"}`
	test := fmt.Sprintf(`rule_files: []
tests:
  - interval: 1m
    input_series:
      - {series: 'github_enterprise_budget_limit_dollars%[1]s', values: '0x5'}
      - {series: 'github_enterprise_budget_spent_dollars%[1]s', values: '5x5'}
      - {series: 'github_enterprise_budget_limit_dollars%[2]s', values: '100x5'}
      - {series: 'github_enterprise_budget_spent_dollars%[2]s', values: '50x5'}
      - {series: 'github_enterprise_cost_center_ai_credits_cap%[3]s', values: '0x5'}
      - {series: 'github_enterprise_cost_center_ai_credits_used%[3]s', values: '7x5'}
      - {series: 'github_enterprise_cost_center_net_amount_dollars{target="a",cost_center_id="1",cost_center="Platform",product="Actions"}', values: '10x5'}
      - {series: 'github_enterprise_cost_center_net_amount_dollars{target="b",cost_center_id="2",cost_center="Platform",product="Actions"}', values: '20x5'}
    promql_expr_test:
      - expr: %[4]q
        eval_time: 2m
        exp_samples:
          - {labels: '%[5]s', value: 0.5}
      - expr: %[6]q
        eval_time: 2m
        exp_samples: []
      - expr: %[7]q
        eval_time: 2m
        exp_samples:
          - {labels: '{target="b",cost_center_id="2",cost_center="Platform"}', value: 20}
          - {labels: '{target="a",cost_center_id="1",cost_center="Platform"}', value: 10}
`, fmt.Sprintf(budget, "zero"), fmt.Sprintf(budget, "half"), fmt.Sprintf(pool, "9", "Zero"),
		byPanel["Budget spent"], fmt.Sprintf(budget, "half"), byPanel["Cost center AI credit pools"], byPanel["Cost centers by spend"])
	file := filepath.Join(t.TempDir(), "billing_test.yml")
	if err := os.WriteFile(file, []byte(test), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "test", "rules", file).CombinedOutput(); err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}
