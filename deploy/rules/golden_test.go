package rules

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the rule file and the PrometheusRule from the Go rules")

const (
	rulesFile      = "../prometheus/license_exporter.rules.yml"
	prometheusRule = "../kubernetes/base/prometheusrule.yaml"
)

// TestGoldenRules keeps the committed rule file and PrometheusRule in step
// with the Go rules: `make golden` rewrites them.
func TestGoldenRules(t *testing.T) {
	for file, want := range map[string][]byte{rulesFile: YAML(), prometheusRule: PrometheusRule()} {
		if *update {
			if err := os.WriteFile(file, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the Go rules produce: run `make golden` and review the diff", file)
		}
	}
}
