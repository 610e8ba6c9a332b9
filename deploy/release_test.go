package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/license-exporter/license_exporter/deploy/rules"
)

// TestReleaseFiles: the archives' rule file is the repository's with every
// runbook_url at the release's tag, and the dashboards go in unchanged
// (scripts/release-files, goreleaser's before hook).
func TestReleaseFiles(t *testing.T) {
	out := t.TempDir()
	cmd := exec.Command("../scripts/release-files", "v9.8.7")
	cmd.Env = append(os.Environ(), "RELEASE_FILES_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/release-files: %v\n%s", err, b)
	}
	src, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "prometheus", "license_exporter.rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	tagged := []byte("https://github.com/license-exporter/license_exporter/blob/v9.8.7/docs/runbooks.md#")
	want := bytes.ReplaceAll(src, []byte(rules.RunbookBase+"#"), tagged)
	if bytes.Equal(want, src) || !bytes.Equal(got, want) {
		t.Errorf("the released rules are not the rule file with runbook_url at v9.8.7")
	}
	if bytes.Contains(got, []byte("/blob/main/")) {
		t.Error("the released rules still link main")
	}
	dashboards, _ := filepath.Glob("../dashboards/*.json")
	if len(dashboards) == 0 {
		t.Fatal("no dashboards")
	}
	for _, d := range dashboards {
		b, _ := os.ReadFile(d)
		shipped, err := os.ReadFile(filepath.Join(out, "dashboards", filepath.Base(d)))
		if err != nil || !bytes.Equal(b, shipped) {
			t.Errorf("%s is not shipped unchanged: %v", d, err)
		}
	}
}
