package deploy

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

const kustomizeBase = "kubernetes/base"

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// TestKustomization checks the base for what the issue asks of it: the
// resources exist, the Deployment is locked down and probed, the token comes
// from the Secret at the path the configuration names, and the configuration
// passes the exporter's own checks.
func TestKustomization(t *testing.T) {
	var k struct {
		Resources          []string
		ConfigMapGenerator []struct {
			Name  string
			Files []string
		} `yaml:"configMapGenerator"`
	}
	readYAML(t, filepath.Join(kustomizeBase, "kustomization.yaml"), &k)
	kinds := map[string]bool{}
	for _, r := range k.Resources {
		var m struct{ Kind string }
		readYAML(t, filepath.Join(kustomizeBase, r), &m)
		kinds[m.Kind] = true
	}
	for _, want := range []string{"Deployment", "Service", "ServiceMonitor", "PrometheusRule"} {
		if !kinds[want] {
			t.Errorf("kustomization.yaml: no %s among the resources", want)
		}
	}
	if kinds["Secret"] {
		t.Error("kustomization.yaml: a Secret among the resources would overwrite the real token on every apply")
	}
	if len(k.ConfigMapGenerator) != 1 || len(k.ConfigMapGenerator[0].Files) != 1 {
		t.Fatalf("want one generated ConfigMap with the configuration file, got %+v", k.ConfigMapGenerator)
	}

	var d struct {
		Spec struct {
			Template struct {
				Spec struct {
					SecurityContext struct {
						RunAsNonRoot bool `yaml:"runAsNonRoot"`
					} `yaml:"securityContext"`
					Containers []struct {
						Args            []string
						LivenessProbe   map[string]any `yaml:"livenessProbe"`
						ReadinessProbe  map[string]any `yaml:"readinessProbe"`
						Resources       map[string]map[string]string
						SecurityContext struct {
							ReadOnlyRootFilesystem   bool `yaml:"readOnlyRootFilesystem"`
							AllowPrivilegeEscalation bool `yaml:"allowPrivilegeEscalation"`
							Capabilities             struct{ Drop []string }
						} `yaml:"securityContext"`
						VolumeMounts []struct {
							Name      string
							MountPath string `yaml:"mountPath"`
						} `yaml:"volumeMounts"`
					}
					Volumes []struct {
						Name   string
						Secret *struct {
							SecretName string `yaml:"secretName"`
						}
						ConfigMap *struct{ Name string } `yaml:"configMap"`
					}
				}
			}
		}
	}
	readYAML(t, filepath.Join(kustomizeBase, "deployment.yaml"), &d)
	pod := d.Spec.Template.Spec
	if !pod.SecurityContext.RunAsNonRoot || len(pod.Containers) != 1 {
		t.Fatal("want runAsNonRoot and one container")
	}
	c := pod.Containers[0]
	sc := c.SecurityContext
	if !sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation || !reflect.DeepEqual(sc.Capabilities.Drop, []string{"ALL"}) {
		t.Errorf("container securityContext: %+v", sc)
	}
	if c.LivenessProbe == nil || c.ReadinessProbe == nil || c.Resources["requests"] == nil || c.Resources["limits"] == nil {
		t.Error("want liveness and readiness probes, resource requests and limits")
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	var secretMount, configMount string
	for _, v := range pod.Volumes {
		switch {
		case v.Secret != nil && v.Secret.SecretName == "license-exporter-token":
			secretMount = mounts[v.Name]
		case v.ConfigMap != nil && v.ConfigMap.Name == k.ConfigMapGenerator[0].Name:
			configMount = mounts[v.Name]
		}
	}
	if secretMount == "" || configMount == "" {
		t.Fatalf("want the Secret and the generated ConfigMap mounted, got mounts %v", mounts)
	}
	cfgName := k.ConfigMapGenerator[0].Files[0]
	if !containsArg(c.Args, "--config.file="+configMount+"/"+cfgName) {
		t.Errorf("args %v do not point --config.file at %s/%s", c.Args, configMount, cfgName)
	}

	// The configuration as the pod sees it, with the token the Secret holds.
	b, err := os.ReadFile(filepath.Join(kustomizeBase, cfgName))
	if err != nil {
		t.Fatal(err)
	}
	// The Secret is created with kubectl as docs/install.md says: the command
	// names the Secret the pod mounts and the key the configuration reads.
	install, err := os.ReadFile("../docs/install.md")
	if err != nil {
		t.Fatal(err)
	}
	if cmd := "kubectl -n monitoring create secret generic license-exporter-token --from-file=github-token="; !strings.Contains(string(install), cmd) ||
		!strings.Contains(string(b), secretMount+"/github-token") {
		t.Errorf("docs/install.md's %q must create the Secret the pod mounts, with the key %s reads", cmd, cfgName)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "github-token"), []byte("ghp_example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	local := strings.ReplaceAll(string(b), secretMount, dir)
	if local == string(b) {
		t.Errorf("%s names no token_file under the Secret's mount %s", cfgName, secretMount)
	}
	if _, err := config.Parse([]byte(local), collector.Catalog()); err != nil {
		t.Errorf("%s: %v", cfgName, err)
	}

	// Kubernetes probes the endpoints made for it, not the status page.
	if p := probePath(c.LivenessProbe); p != "/-/healthy" {
		t.Errorf("livenessProbe path %q, want /-/healthy", p)
	}
	if p := probePath(c.ReadinessProbe); p != "/-/ready" {
		t.Errorf("readinessProbe path %q, want /-/ready", p)
	}
}

func probePath(probe map[string]any) string {
	get, _ := probe["httpGet"].(map[string]any)
	p, _ := get["path"].(string)
	return p
}

func containsArg(args []string, want string) bool {
	for _, a := range args {
		if a == want {
			return true
		}
	}
	return false
}
