package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// object is the part of a Kubernetes object these tests look at.
type object struct {
	Kind     string
	Metadata struct {
		Name      string
		Namespace string
		Labels    map[string]string
	}
	Spec struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		}
		Template struct {
			Spec struct {
				Containers []struct {
					Image string
				}
			}
		}
	}
}

// kustomizeCommand is kustomize build, from kustomize (on PATH or where
// scripts/install-test-deps puts it with go install) or kubectl.
func kustomizeCommand(t *testing.T, dir string) *exec.Cmd {
	t.Helper()
	if testing.Short() {
		t.Skip("needs kustomize or kubectl: not run with -short (make unit); make test runs it")
	}
	if k, err := exec.LookPath("kustomize"); err == nil {
		return exec.Command(k, "build", dir)
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		k := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "kustomize")
		if _, err := os.Stat(k); err == nil {
			return exec.Command(k, "build", dir)
		}
	}
	return exec.Command(testdeps.Need(t, "kubectl"), "kustomize", dir)
}

// kustomize builds dir as `kubectl apply -k` would.
func kustomize(t *testing.T, dir string) []object {
	t.Helper()
	out, err := kustomizeCommand(t, dir).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("kubectl kustomize %s: %v\n%s", dir, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var objs []object
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var o object
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		objs = append(objs, o)
	}
	return objs
}

// TestKustomizeBase: the base builds, and names its image only by a name an
// overlay maps: no registry, no tag, so it never pulls :latest by accident.
func TestKustomizeBase(t *testing.T) {
	for _, o := range kustomize(t, kustomizeBase) {
		if o.Kind == "Secret" {
			t.Errorf("the base holds Secret %s: applying it would overwrite the token created with kubectl create secret", o.Metadata.Name)
		}
		if o.Metadata.Namespace != "" {
			t.Errorf("%s %s: the base sets namespace %q; overlays choose it", o.Kind, o.Metadata.Name, o.Metadata.Namespace)
		}
		for _, c := range o.Spec.Template.Spec.Containers {
			if c.Image != "license_exporter" {
				t.Errorf("base image %q, want the bare name license_exporter for overlays to map", c.Image)
			}
		}
	}
}

// TestKustomizeKubePrometheusStack: the overlay the README documents gives a
// pinned image, one namespace for everything, and the release label that
// kube-prometheus-stack's Prometheus selects ServiceMonitors and
// PrometheusRules by; the ServiceMonitor selects the Service.
func TestKustomizeKubePrometheusStack(t *testing.T) {
	objs := kustomize(t, filepath.Join("kubernetes", "overlays", "kube-prometheus-stack"))
	kinds := map[string]object{}
	for _, o := range objs {
		kinds[o.Kind] = o
		if o.Kind == "Secret" {
			t.Errorf("the overlay applies Secret %s: it would overwrite the real token", o.Metadata.Name)
		}
		if o.Metadata.Namespace != "monitoring" {
			t.Errorf("%s %s: namespace %q, want monitoring", o.Kind, o.Metadata.Name, o.Metadata.Namespace)
		}
	}
	d := kinds["Deployment"]
	if len(d.Spec.Template.Spec.Containers) != 1 {
		t.Fatalf("deployment: %+v", d)
	}
	img := d.Spec.Template.Spec.Containers[0].Image
	name, tag, ok := strings.Cut(img, ":")
	if !ok || tag == "" || tag == "latest" || !strings.Contains(name, "/") {
		t.Errorf("image %q: want REGISTRY/license_exporter:VERSION, never :latest", img)
	}
	for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
		if got := kinds[kind].Metadata.Labels["release"]; got != "kube-prometheus-stack" {
			t.Errorf("%s: label release=%q; kube-prometheus-stack's Prometheus would not select it", kind, got)
		}
	}
	svc := kinds["Service"]
	for k, v := range kinds["ServiceMonitor"].Spec.Selector.MatchLabels {
		if svc.Metadata.Labels[k] != v {
			t.Errorf("the ServiceMonitor selects %s=%s; the Service's labels are %v", k, v, svc.Metadata.Labels)
		}
	}
}
