package kubetest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

const (
	root      = "../.."
	chartDir  = "../helm/license-exporter"
	baseDir   = "../kubernetes/base"
	rulesFile = "../prometheus/license_exporter.rules.yml"
	// kubeVersion is the Kubernetes release whose API k8s.io/api v0.37
	// describes: helm renders .Capabilities for it (without the flag helm
	// assumes 1.20), and the manifests are decoded against its types.
	kubeVersion = "1.37.0"
	image       = "ghcr.io/license-exporter/license_exporter"
	runbooksAt  = "https://github.com/license-exporter/license_exporter/blob/"
)

// manifests is a rendered set of objects, each decoded strictly into its API
// type.
type manifests struct {
	deployments     []*appsv1.Deployment
	services        []*corev1.Service
	configMaps      []*corev1.ConfigMap
	serviceMonitors []*monitoringv1.ServiceMonitor
	prometheusRules []*monitoringv1.PrometheusRule
}

// decodeStrict splits a multi-document YAML stream and decodes each document
// into the Go type of its apiVersion and kind, refusing unknown or duplicate
// fields and values of the wrong type, as the API server's strict field
// validation does. A kind without a type here fails the test.
func decodeStrict(t *testing.T, what string, stream []byte) manifests {
	t.Helper()
	var m manifests
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	for n := 1; ; n++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: document %d: %v", what, n, err)
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("%s: document %d: %v\n%s", what, n, err, doc)
		}
		if tm.Kind == "" && tm.APIVersion == "" {
			continue // comments only
		}
		var obj any
		switch gvk := tm.APIVersion + "/" + tm.Kind; gvk {
		case "apps/v1/Deployment":
			o := &appsv1.Deployment{}
			m.deployments, obj = append(m.deployments, o), o
		case "v1/Service":
			o := &corev1.Service{}
			m.services, obj = append(m.services, o), o
		case "v1/ConfigMap":
			o := &corev1.ConfigMap{}
			m.configMaps, obj = append(m.configMaps, o), o
		case "monitoring.coreos.com/v1/ServiceMonitor":
			o := &monitoringv1.ServiceMonitor{}
			m.serviceMonitors, obj = append(m.serviceMonitors, o), o
		case "monitoring.coreos.com/v1/PrometheusRule":
			o := &monitoringv1.PrometheusRule{}
			m.prometheusRules, obj = append(m.prometheusRules, o), o
		default:
			t.Fatalf("%s: document %d is a %s, which these tests do not expect (a Secret must never be rendered)", what, n, gvk)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Errorf("%s: %s document %d does not decode strictly: %v\n%s", what, tm.Kind, n, err, doc)
		}
	}
	return m
}

// pinnedTool returns the path of a tool that scripts/tool builds, or ends the
// test: a skip with -short or outside CI, a failure with CI=true.
func pinnedTool(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(root, "scripts", "tool"), "--path", name).Output()
	if err != nil {
		t.Fatalf("scripts/tool --path %s: %v", name, err)
	}
	path := strings.TrimSpace(string(out))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	msg := fmt.Sprintf("%s is not built at %s: run scripts/install-test-deps", name, path)
	if testing.Short() {
		t.Skip("-short: " + msg)
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true, so this is a failure")
	}
	t.Skip(msg)
	return ""
}

// kustomizeBuild builds dir with kustomize (on PATH or where
// scripts/install-test-deps puts it) or kubectl's built-in kustomize.
func kustomizeBuild(t *testing.T, dir string) []byte {
	t.Helper()
	var cmd *exec.Cmd
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	local := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "kustomize")
	switch k, err := exec.LookPath("kustomize"); {
	case testing.Short():
		t.Skip("-short: needs kustomize or kubectl")
	case err == nil:
		cmd = exec.Command(k, "build", dir)
	case fileExists(local):
		cmd = exec.Command(local, "build", dir)
	default:
		kubectl, err := exec.LookPath("kubectl")
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("neither kustomize nor kubectl found: run scripts/install-test-deps; CI=true, so this is a failure")
			}
			t.Skip("neither kustomize nor kubectl found: run scripts/install-test-deps")
		}
		cmd = exec.Command(kubectl, "kustomize", dir)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.Bytes())
	}
	return out
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// docBlock returns the code block that follows `<!-- test: NAME -->` in a
// Markdown file, so the tests run exactly what the docs tell users to write.
func docBlock(t *testing.T, file, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)<!-- test: " + regexp.QuoteMeta(name) + " -->\\s*```[a-z]*\\n(.*?)```")
	m := re.FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s has no code block marked <!-- test: %s -->", file, name)
	}
	return m[1]
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// chartVersion is Chart.yaml's appVersion: the release the chart, the
// overlays and the docs name.
func chartVersion(t *testing.T) string {
	t.Helper()
	var c struct {
		Version    string `json:"version"`
		AppVersion string `json:"appVersion"`
	}
	if err := yaml.Unmarshal(readFile(t, filepath.Join(chartDir, "Chart.yaml")), &c); err != nil {
		t.Fatal(err)
	}
	if c.AppVersion == "" || c.Version != c.AppVersion {
		t.Errorf("Chart.yaml: version %q and appVersion %q, want both the release without its v", c.Version, c.AppVersion)
	}
	return c.AppVersion
}
