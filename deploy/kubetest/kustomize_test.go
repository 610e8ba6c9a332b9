package kubetest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

// remoteBase is how docs/install.md refers to the base: at a release tag, from
// GitHub, so nobody copies or edits it.
var remoteBase = regexp.MustCompile(`github\.com/license-exporter/license_exporter//deploy/kubernetes/base\?ref=(v[0-9.]+)`)

// TestKustomizeOverlay builds the overlay docs/install.md shows, with its
// remote base pointed at this checkout's base (nothing remote is reachable
// here), and the repository's kube-prometheus-stack overlay; every object
// decodes strictly, the configuration is the overlay's (configMapGenerator
// behavior: replace) and the exporter accepts it, the image is the release the
// chart names, and nothing creates a Secret.
func TestKustomizeOverlay(t *testing.T) {
	version := chartVersion(t)
	base, err := filepath.Abs(baseDir)
	if err != nil {
		t.Fatal(err)
	}
	doc := docBlock(t, installDoc, "kustomization.yaml")
	m := remoteBase.FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/install.md's kustomization.yaml does not refer to the base as %s", remoteBase)
	}
	if string(m[1]) != "v"+version {
		t.Errorf("docs/install.md's overlay takes the base at %s, the chart's release is v%s", m[1], version)
	}
	overlay := t.TempDir()
	rel, err := filepath.Rel(overlay, base) // kustomize takes no absolute base
	if err != nil {
		t.Fatal(err)
	}
	kustomization := remoteBase.ReplaceAll(doc, []byte(rel))
	cfg := docBlock(t, installDoc, "license_exporter.yml")
	for name, b := range map[string][]byte{"kustomization.yaml": kustomization, "license_exporter.yml": cfg} {
		if err := os.WriteFile(filepath.Join(overlay, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	baseCfg := readFile(t, filepath.Join(baseDir, "license_exporter.yml"))
	for dir, cfg := range map[string][]byte{
		overlay: cfg,
		"../kubernetes/overlays/kube-prometheus-stack": readFile(t, "../kubernetes/overlays/kube-prometheus-stack/license_exporter.yml"),
	} {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			objs := decodeStrict(t, dir, kustomizeBuild(t, dir))
			if len(objs.deployments) != 1 || len(objs.configMaps) != 1 {
				t.Fatalf("want one Deployment and one ConfigMap, got %d and %d", len(objs.deployments), len(objs.configMaps))
			}
			cm := objs.configMaps[0]
			if got := cm.Data["license_exporter.yml"]; got != string(cfg) || got == string(baseCfg) {
				t.Errorf("the ConfigMap holds\n%s\nwant the overlay's license_exporter.yml (behavior: replace), not the base's", got)
			}
			pod := objs.deployments[0].Spec.Template.Spec
			mounted := false
			for _, v := range pod.Volumes {
				mounted = mounted || (v.ConfigMap != nil && v.ConfigMap.Name == cm.Name)
			}
			if !mounted || !strings.HasPrefix(cm.Name, "license-exporter-config-") {
				t.Errorf("the Deployment does not mount the generated ConfigMap %s (hash suffix: a new configuration rolls the pod)", cm.Name)
			}
			if got, want := pod.Containers[0].Image, image+":v"+version; got != want {
				t.Errorf("image %q, want %q (the chart's release)", got, want)
			}
			for _, o := range objs.serviceMonitors {
				if o.Namespace != "monitoring" || o.Labels["release"] != "kube-prometheus-stack" {
					t.Errorf("ServiceMonitor %s: namespace %q, labels %v", o.Name, o.Namespace, o.Labels)
				}
			}
			for _, o := range objs.prometheusRules {
				if o.Namespace != "monitoring" || o.Labels["release"] != "kube-prometheus-stack" {
					t.Errorf("PrometheusRule %s: namespace %q, labels %v", o.Name, o.Namespace, o.Labels)
				}
			}
			tokens := t.TempDir()
			local := strings.ReplaceAll(string(cfg), "/run/secrets/license-exporter/", tokens+"/")
			for _, f := range []string{"github-token", "gitlab-token"} {
				if err := os.WriteFile(filepath.Join(tokens, f), []byte("token\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := config.Parse([]byte(local), collector.Catalog()); err != nil {
				t.Errorf("the overlay's configuration: %v", err)
			}
		})
	}
}
