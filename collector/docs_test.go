package collector

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// TestGoldenDocs checks that the generated tables of docs/collectors.md and
// docs/metrics.md match the specs; `make docs` (or -update) rewrites them.
func TestGoldenDocs(t *testing.T) {
	for _, page := range []struct{ path, block, body string }{
		{"../docs/collectors.md", "collectors", CollectorsTable()},
		{"../docs/metrics.md", "metrics", MetricsTables()},
	} {
		b, err := os.ReadFile(page.path)
		if err != nil {
			t.Fatal(err)
		}
		got := string(b)
		re := regexp.MustCompile(`(?s)(<!-- BEGIN GENERATED ` + page.block + ` [^>]*-->\n).*?(<!-- END GENERATED ` + page.block + ` -->)`)
		m := re.FindStringSubmatchIndex(got)
		if m == nil {
			t.Fatalf("%s has no GENERATED %s block", page.path, page.block)
		}
		want := got[:m[3]] + "\n" + page.body + got[m[4]:]
		if got == want {
			continue
		}
		if *update {
			if err := os.WriteFile(page.path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s: the generated %s tables are stale: run make docs", page.path, page.block)
	}
}

// TestSpecsDeclareEveryMetricOnce checks the names across specs: each is
// declared by one collector, follows the naming rules promlint checks, and
// carries the target label first.
func TestSpecsDeclareEveryMetricOnce(t *testing.T) {
	seen := map[string]string{}
	for _, s := range Specs() {
		if len(s.metrics) == 0 {
			t.Errorf("%s declares no metric", s.Name)
		}
		if s.Needs.Role == "" || s.Needs.Scopes == "" {
			t.Errorf("%s does not say what its credential needs", s.Name)
		}
		for _, m := range s.metrics {
			if prev, dup := seen[m.Name]; dup {
				t.Errorf("%s is declared by %s and %s", m.Name, prev, s.Name)
			}
			seen[m.Name] = s.Name
			if len(m.Labels) == 0 || m.Labels[0] != "target" {
				t.Errorf("%s: labels %v do not start with target", m.Name, m.Labels)
			}
		}
	}
	var exposition strings.Builder
	for _, m := range Metrics() {
		exposition.WriteString("# HELP " + m.Name + " " + m.Help + "\n# TYPE " + m.Name + " " + m.Kind + "\n")
	}
	problems, err := promlint.New(strings.NewReader(exposition.String())).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}
