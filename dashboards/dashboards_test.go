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

// TestGoldenDashboards keeps the committed JSON in step with the Go
// definitions: `make golden` rewrites them.
func TestGoldenDashboards(t *testing.T) {
	for name, d := range All() {
		got, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			if err := os.WriteFile(name, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the Go definitions produce: run `make golden` and review the diff", name)
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
				if _, _, ok := collector.MetricByName(m); !ok {
					t.Errorf("%s, panel %q: %s is not a metric the exporter declares", name, e.Panel, m)
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
