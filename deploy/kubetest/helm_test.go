package kubetest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

const installDoc = "../../docs/install.md"

// helm runs the pinned helm on the chart; it returns stdout, or the error
// with stderr.
func helm(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(pinnedTool(t, "helm"), args...)
	// No user's repositories, plugins or cache: the chart alone.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home, "HELM_CONFIG_HOME="+home, "HELM_DATA_HOME="+home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &helmError{err: err, stderr: stderr.String()}
	}
	return out, nil
}

type helmError struct {
	err    error
	stderr string
}

func (e *helmError) Error() string { return e.err.Error() + ": " + e.stderr }

// docValues writes the values file docs/install.md shows and returns its path.
func docValues(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(f, docBlock(t, installDoc, "values.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func template(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	return helm(t, append([]string{"template", "license-exporter", chartDir, "--namespace", "monitoring", "--kube-version", kubeVersion}, args...)...)
}

// TestHelmLint: helm lint --strict of the chart with the documented values.
func TestHelmLint(t *testing.T) {
	out, err := helm(t, "lint", "--strict", chartDir, "--kube-version", kubeVersion, "--values", docValues(t))
	if err != nil {
		t.Fatalf("helm lint: %v\n%s", err, out)
	}
}

// TestHelmTemplate renders the chart with the values file of docs/install.md
// and decodes every object strictly; then checks what the chart promises:
// the released image, no Secret, the configuration the exporter accepts
// mounted where --config.file reads it, the token Secret mounted where the
// configuration's token_file points, the kustomize base's hardening, probes,
// resources and GOMEMLIMIT, the release label for kube-prometheus-stack, the
// rules with runbooks at the release's tag, and the dashboards for Grafana's
// sidecar, byte for byte.
func TestHelmTemplate(t *testing.T) {
	out, err := template(t, "--values", docValues(t))
	if err != nil {
		t.Fatal(err)
	}
	m := decodeStrict(t, "helm template", out)
	version := chartVersion(t)
	if len(m.deployments) != 1 || len(m.services) != 1 || len(m.serviceMonitors) != 1 || len(m.prometheusRules) != 1 {
		t.Fatalf("want one Deployment, Service, ServiceMonitor and PrometheusRule, got %d, %d, %d, %d",
			len(m.deployments), len(m.services), len(m.serviceMonitors), len(m.prometheusRules))
	}
	d, svc, sm, pr := m.deployments[0], m.services[0], m.serviceMonitors[0], m.prometheusRules[0]
	for _, o := range []interface {
		GetName() string
		GetNamespace() string
	}{d, svc, sm, pr} {
		if o.GetNamespace() != "monitoring" {
			t.Errorf("%s: namespace %q, want the release's", o.GetName(), o.GetNamespace())
		}
		if errs := validation.IsDNS1123Subdomain(o.GetName()); len(errs) > 0 {
			t.Errorf("name %q: %v", o.GetName(), errs)
		}
	}
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("want one container, got %d", len(pod.Containers))
	}
	c := pod.Containers[0]
	if want := image + ":v" + version; c.Image != want {
		t.Errorf("image %q, want %q", c.Image, want)
	}

	// The configuration: rendered from config.inline, mounted where
	// --config.file reads it, and accepted by the exporter once the token
	// files exist where the Secret is mounted.
	configMaps := map[string][]byte{}
	dashboards := map[string]string{} // file name → content
	for _, cm := range m.configMaps {
		if cm.Labels["grafana_dashboard"] == "1" {
			for k, v := range cm.Data {
				dashboards[k] = v
			}
			continue
		}
		configMaps[cm.Name] = []byte(cm.Data["license_exporter.yml"])
	}
	mounts := map[string]string{}
	for _, vm := range c.VolumeMounts {
		mounts[vm.Name] = vm.MountPath
	}
	var cfg []byte
	var secretMount string
	for _, v := range pod.Volumes {
		switch {
		case v.ConfigMap != nil:
			cfg = configMaps[v.ConfigMap.Name]
			if !contains(c.Args, "--config.file="+mounts[v.Name]+"/license_exporter.yml") {
				t.Errorf("args %v do not read the ConfigMap %s mounted at %s", c.Args, v.ConfigMap.Name, mounts[v.Name])
			}
		case v.Secret != nil:
			if v.Secret.SecretName != "license-exporter-token" {
				t.Errorf("token Secret %q, want the existing one the values name", v.Secret.SecretName)
			}
			secretMount = mounts[v.Name]
		}
	}
	if cfg == nil || secretMount == "" {
		t.Fatalf("want the configuration's ConfigMap and the token Secret mounted; volumes %+v", pod.Volumes)
	}
	tokens := t.TempDir()
	local := strings.ReplaceAll(string(cfg), secretMount+"/", tokens+"/")
	if local == string(cfg) {
		t.Errorf("the configuration names no token_file under the Secret's mount %s:\n%s", secretMount, cfg)
	}
	for _, f := range []string{"github-token", "gitlab-token"} {
		if err := os.WriteFile(filepath.Join(tokens, f), []byte("token\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := config.Parse([]byte(local), collector.Catalog()); err != nil {
		t.Errorf("the rendered configuration: %v\n%s", err, cfg)
	}

	// The same pod hardening, probes, resources and GOMEMLIMIT as the base.
	base := decodeStrict(t, "the base", kustomizeBuild(t, baseDir))
	if len(base.deployments) != 1 {
		t.Fatal("the base has no Deployment")
	}
	bpod := base.deployments[0].Spec.Template.Spec
	bc := bpod.Containers[0]
	same := map[string][2]any{
		"pod securityContext":          {pod.SecurityContext, bpod.SecurityContext},
		"container securityContext":    {c.SecurityContext, bc.SecurityContext},
		"livenessProbe":                {c.LivenessProbe, bc.LivenessProbe},
		"readinessProbe":               {c.ReadinessProbe, bc.ReadinessProbe},
		"resources":                    {c.Resources, bc.Resources},
		"env":                          {c.Env, bc.Env},
		"ports":                        {c.Ports, bc.Ports},
		"automountServiceAccountToken": {pod.AutomountServiceAccountToken, bpod.AutomountServiceAccountToken},
	}
	for what, pair := range same {
		if !equality.Semantic.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s differs from the kustomize base's:\nchart %+v\nbase  %+v", what, pair[0], pair[1])
		}
	}

	// Selectors: the Service selects the pod, the ServiceMonitor the Service.
	for k, v := range svc.Spec.Selector {
		if d.Spec.Template.Labels[k] != v {
			t.Errorf("the Service selects %s=%s; the pod's labels are %v", k, v, d.Spec.Template.Labels)
		}
	}
	for k, v := range sm.Spec.Selector.MatchLabels {
		if svc.Labels[k] != v {
			t.Errorf("the ServiceMonitor selects %s=%s; the Service's labels are %v", k, v, svc.Labels)
		}
	}
	if svc.Labels["job"] != "license_exporter" || sm.Spec.JobLabel != "job" {
		t.Errorf(`want job="license_exporter" from the Service's label, as the rules' LicenseExporterDown expects`)
	}
	for _, o := range []map[string]string{sm.Labels, pr.Labels} {
		if o["release"] != "kube-prometheus-stack" {
			t.Errorf("labels %v: kube-prometheus-stack's Prometheus selects release=kube-prometheus-stack", o)
		}
	}

	// The rules: the repository's, with every runbook at the chart's tag.
	var rules monitoringv1.PrometheusRuleSpec
	want := strings.ReplaceAll(string(readFile(t, rulesFile)), runbooksAt+"main/", runbooksAt+"v"+version+"/")
	if want == string(readFile(t, rulesFile)) {
		t.Fatalf("%s has no runbook_url under %smain/", rulesFile, runbooksAt)
	}
	if err := yaml.UnmarshalStrict([]byte(want), &rules); err != nil {
		t.Fatalf("%s does not decode as a PrometheusRule's spec: %v", rulesFile, err)
	}
	if !equality.Semantic.DeepEqual(pr.Spec, rules) {
		t.Error("the PrometheusRule's spec is not the rule file with runbooks at the chart's tag")
	}
	alerts := 0
	for _, g := range pr.Spec.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			alerts++
			if u := r.Annotations["runbook_url"]; !strings.HasPrefix(u, runbooksAt+"v"+version+"/docs/runbooks.md#") {
				t.Errorf("%s: runbook_url %q, want the runbooks at v%s", r.Alert, u, version)
			}
		}
	}
	if alerts == 0 {
		t.Error("the PrometheusRule has no alerts")
	}

	// The dashboards, each in a ConfigMap the sidecar picks up.
	files, _ := filepath.Glob(filepath.Join(root, "dashboards", "*.json"))
	if len(files) == 0 || len(dashboards) != len(files) {
		t.Errorf("%d dashboard ConfigMaps' files, want one per dashboards/*.json (%d)", len(dashboards), len(files))
	}
	for _, f := range files {
		if got, ok := dashboards[filepath.Base(f)]; !ok || got != string(readFile(t, f)) {
			t.Errorf("the ConfigMap of %s is missing or differs from the file", filepath.Base(f))
		}
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// TestHelmExistingConfigMap: config.existingConfigMap is mounted, and the
// chart renders no configuration of its own; with the defaults (neither
// inline nor existing ConfigMap, no Secret) the render fails with what to set.
func TestHelmExistingConfigMap(t *testing.T) {
	out, err := template(t, "--set", "config.existingConfigMap=my-config", "--set", "tokens.existingSecret=my-tokens")
	if err != nil {
		t.Fatal(err)
	}
	m := decodeStrict(t, "helm template", out)
	if len(m.configMaps) != 0 || len(m.serviceMonitors) != 0 || len(m.prometheusRules) != 0 {
		t.Errorf("want no ConfigMap, ServiceMonitor or PrometheusRule by default, got %d, %d, %d",
			len(m.configMaps), len(m.serviceMonitors), len(m.prometheusRules))
	}
	vols := m.deployments[0].Spec.Template.Spec.Volumes
	var cm, secret string
	for _, v := range vols {
		if v.ConfigMap != nil {
			cm = v.ConfigMap.Name
		}
		if v.Secret != nil {
			secret = v.Secret.SecretName
		}
	}
	if cm != "my-config" || secret != "my-tokens" {
		t.Errorf("mounted ConfigMap %q and Secret %q, want my-config and my-tokens", cm, secret)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "set config.inline"},
		{[]string{"--set", "config.existingConfigMap=x"}, "set tokens.existingSecret"},
		{[]string{"--set", "config.existingConfigMap=x", "--set", "config.inline.targets[0].name=a", "--set", "tokens.existingSecret=s"}, "not both"},
	} {
		if _, err := template(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("helm template %v: %v, want a failure saying %q", c.args, err, c.want)
		}
	}
}

// TestHelmSchemaRejectsMistakes: values.schema.json turns a misspelt key or a
// value of the wrong type into an error that names it, instead of a chart that
// silently ignores it.
func TestHelmSchemaRejectsMistakes(t *testing.T) {
	valid := []string{"--set", "config.existingConfigMap=c", "--set", "tokens.existingSecret=s"}
	if _, err := template(t, valid...); err != nil {
		t.Fatalf("the valid baseline fails: %v", err)
	}
	for _, c := range []struct {
		set, want string
	}{
		{"serviceMonitor.enable=true", "'/serviceMonitor': additional properties 'enable'"}, // misspelt key
		{"servicemonitor.enabled=true", "additional properties 'servicemonitor'"},           // wrong case
		{"service.port=http", "'/service/port'"},                                            // not a number
		{"image.tag=10", "'/image/tag'"},                                                    // a number, not a string
		{"serviceMonitor.interval=60", "'/serviceMonitor/interval'"},                        // no unit
		{"goMemLimit=200M", "'/goMemLimit'"},                                                // Go wants MiB
		{"tokens.mountPath=run/secrets", "'/tokens/mountPath'"},                             // not absolute
		{"extraArgs[0]=log.level=debug", "'/extraArgs/0'"},                                  // not a flag
	} {
		_, err := template(t, append(valid, "--set", c.set)...)
		if err == nil || !strings.Contains(err.Error(), "schema") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: %v, want a schema error naming %s", c.set, err, c.want)
		}
	}
}
