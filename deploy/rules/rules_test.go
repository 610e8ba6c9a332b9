package rules

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/dashboards"
)

const (
	runbooksFile = "../../docs/runbooks.md"
	ruleTests    = "../prometheus/tests/*.yml"
)

// TestConventions: every alert has a severity, a summary and a description
// that says what to do, uses only metrics the collectors' specs declare (or
// rules record), links its runbook section in docs/runbooks.md, and is
// covered by a promtool unit test.
func TestConventions(t *testing.T) {
	b, err := os.ReadFile(runbooksFile)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{} // the anchors GitHub makes of "## Heading"
	for _, line := range strings.Split(string(b), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			sections[strings.ToLower(strings.ReplaceAll(strings.TrimSpace(h), " ", "-"))] = true
		}
	}
	var tested strings.Builder
	tests, _ := filepath.Glob(ruleTests)
	for _, f := range tests {
		b, _ := os.ReadFile(f)
		tested.Write(b)
	}
	recorded := map[string]bool{}
	for _, g := range Groups() {
		for _, r := range g.Rules {
			if r.Record != "" {
				if recorded[r.Record] {
					t.Errorf("%s is recorded twice", r.Record)
				}
				recorded[r.Record] = true
			}
		}
	}
	n := 0
	for _, g := range Groups() {
		for _, r := range g.Rules {
			n++
			name := r.Alert + r.Record
			if (r.Alert == "") == (r.Record == "") {
				t.Errorf("%q: a rule is an alert or a recording rule", name)
			}
			for _, m := range dashboards.MetricNames(r.Expr) {
				if _, _, ok := collector.MetricByName(m); !ok && m != "up" && !recorded[m] { // up: Prometheus's own
					t.Errorf("%s: %s is not a metric the exporter declares nor a recording rule", name, m)
				}
			}
			if r.Alert == "" {
				continue
			}
			switch r.Severity {
			case "info", "warning", "critical":
			default:
				t.Errorf("%s: severity %q, want info, warning or critical", r.Alert, r.Severity)
			}
			if anchor := strings.TrimPrefix(r.RunbookURL(), RunbookBase+"#"); !sections[anchor] {
				t.Errorf("%s: runbook anchor #%s is no section of %s", r.Alert, anchor, runbooksFile)
			}
			if r.Summary == "" || len(r.Description) < 80 || r.For == "" {
				t.Errorf("%s: want a summary, a description that says what to do, and a for", r.Alert)
			}
			if !strings.Contains(tested.String(), "alertname: "+r.Alert+"\n") {
				t.Errorf("%s: no promtool unit test in %s", r.Alert, ruleTests)
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d rules", n)
	}
}

type yamlRule struct {
	Alert, Record, Expr, For string
	Labels, Annotations      map[string]string
}

type yamlGroup struct {
	Name  string
	Rules []yamlRule
}

// TestYAMLMeansTheRules: the rendered file, read back as YAML, holds the Go
// values exactly (no quoting or folding slip), and the PrometheusRule's spec
// means the same as the rule file.
func TestYAMLMeansTheRules(t *testing.T) {
	var file struct{ Groups []yamlGroup }
	if err := yaml.Unmarshal(YAML(), &file); err != nil {
		t.Fatal(err)
	}
	var want []yamlGroup
	for _, g := range Groups() {
		yg := yamlGroup{Name: g.Name}
		for _, r := range g.Rules {
			yr := yamlRule{Alert: r.Alert, Record: r.Record, Expr: strings.TrimSpace(r.Expr) + "\n", For: r.For}
			if r.Alert != "" {
				yr.Labels = map[string]string{"severity": r.Severity}
				yr.Annotations = map[string]string{
					"summary":     r.Summary,
					"description": strings.Join(strings.Fields(r.Description), " "),
					"runbook_url": r.RunbookURL(),
				}
			}
			yg.Rules = append(yg.Rules, yr)
		}
		want = append(want, yg)
	}
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			if d, ok := r.Annotations["description"]; ok {
				r.Annotations["description"] = strings.Join(strings.Fields(d), " ")
			}
		}
	}
	if !reflect.DeepEqual(file.Groups, want) {
		t.Errorf("the rule file does not read back as the Go rules:\n got %+v\nwant %+v", file.Groups, want)
	}

	var pr struct {
		Kind string
		Spec any
	}
	var rf any
	if err := yaml.Unmarshal(PrometheusRule(), &pr); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(YAML(), &rf); err != nil {
		t.Fatal(err)
	}
	if pr.Kind != "PrometheusRule" || !reflect.DeepEqual(pr.Spec, rf) {
		t.Error("the PrometheusRule's spec does not mean the same as the rule file")
	}
}

func TestFigures(t *testing.T) {
	for got, want := range map[string]string{
		num(0.98): "0.98", num(0.1): "0.1", num(3): "3",
		pct(0.98): "98", pct(1 - 0.1): "90", pct(0.125): "12.5",
		days(14): "14 * 86400", indent("a\nb"): "  a\n  b",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
