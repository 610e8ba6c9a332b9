package collector

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

// TestGoldenREADME checks that the README's generated tables match the specs;
// `make docs` (or -update) rewrites them.
func TestGoldenREADME(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	want := got
	for name, body := range map[string]string{"collectors": CollectorsTable(), "metrics": MetricsTables()} {
		re := regexp.MustCompile(`(?s)(<!-- BEGIN GENERATED ` + name + ` [^>]*-->\n).*?(<!-- END GENERATED ` + name + ` -->)`)
		if !re.MatchString(want) {
			t.Fatalf("README.md has no GENERATED %s block", name)
		}
		want = re.ReplaceAllLiteralString(want, "\x00"+name+"\x00")
		want = strings.Replace(want, "\x00"+name+"\x00",
			re.FindStringSubmatch(got)[1]+"\n"+body+re.FindStringSubmatch(got)[2], 1)
	}
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Error("README.md's generated tables are stale: run make docs")
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
