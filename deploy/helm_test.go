package deploy

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

const helmChart = "helm/license-exporter"

// helmCopies is what the chart ships of files kept elsewhere: Helm reads only
// files inside the chart (.Files.Get; it follows no symlink out of it), so the
// chart holds copies, which `make golden` writes and this test keeps
// byte-identical to their one source.
func helmCopies(t *testing.T) map[string]string {
	t.Helper()
	copies := map[string]string{filepath.Join(helmChart, "files", "license_exporter.rules.yml"): rulesFile}
	dashboards, err := filepath.Glob("../dashboards/*.json")
	if err != nil || len(dashboards) == 0 {
		t.Fatalf("no dashboards found: %v", err)
	}
	for _, d := range dashboards {
		copies[filepath.Join(helmChart, "files", "dashboards", filepath.Base(d))] = d
	}
	return copies
}

var update = flag.Bool("update", false, "rewrite the Helm chart's copies of the rules and dashboards")

// TestGoldenHelmFiles: the chart's rules and dashboards are the repository's,
// byte for byte, and it ships no dashboard that no longer exists.
func TestGoldenHelmFiles(t *testing.T) {
	copies := helmCopies(t)
	if *update {
		stale, _ := filepath.Glob(filepath.Join(helmChart, "files", "dashboards", "*.json"))
		for _, f := range stale {
			if _, ok := copies[f]; !ok {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
			}
		}
		for dst, src := range copies {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for dst, src := range copies {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(dst)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not a copy of %s (%v): run `make golden`", dst, src, err)
		}
	}
	shipped, _ := filepath.Glob(filepath.Join(helmChart, "files", "dashboards", "*"))
	for _, f := range shipped {
		if _, ok := copies[f]; !ok {
			t.Errorf("%s has no source in dashboards/: run `make golden`", f)
		}
	}
	if len(shipped) != len(copies)-1 {
		names := make([]string, 0, len(copies))
		for dst := range copies {
			names = append(names, dst)
		}
		slices.Sort(names)
		t.Errorf("the chart ships %d dashboards, want %v", len(shipped), names)
	}
}

// TestBaseConfigurationHasNoRefreshInterval: refresh_interval overrides every
// collector's tuned default, so the configuration users copy leaves it out.
func TestBaseConfigurationHasNoRefreshInterval(t *testing.T) {
	for _, f := range []string{
		filepath.Join(kustomizeBase, "license_exporter.yml"),
		filepath.Join("kubernetes", "overlays", "kube-prometheus-stack", "license_exporter.yml"),
	} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cfg any
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if hasKey(cfg, "refresh_interval") {
			t.Errorf("%s sets refresh_interval", f)
		}
	}
}

// hasKey reports whether key is a key of any mapping within v.
func hasKey(v any, key string) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if k == key || hasKey(e, key) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasKey(e, key) {
				return true
			}
		}
	}
	return false
}
