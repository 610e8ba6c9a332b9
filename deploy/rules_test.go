package deploy

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// rulesFile is generated from the Go rules in deploy/rules (whose tests keep
// it current and check each alert's conventions).
const rulesFile = "prometheus/license_exporter.rules.yml"

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
