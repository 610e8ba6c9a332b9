package dashboards

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestImportRendering: dashboards/import/*.json are the provisioned
// dashboards plus what Grafana's Import dialog needs, and nothing else: an
// input for the Prometheus data source that becomes the datasource
// variable's default, and the plugins every panel needs.
func TestImportRendering(t *testing.T) {
	for _, name := range files(t) {
		var file, imp map[string]any
		readJSON(t, name, &file)
		readJSON(t, filepath.Join("import", name), &imp)

		var inputs []map[string]any
		remarshal(t, imp["__inputs"], &inputs)
		want := map[string]any{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}
		if len(inputs) != 1 || !subset(want, inputs[0]) {
			t.Errorf("import/%s: __inputs %v, want one %v", name, inputs, want)
		}

		var requires []struct{ Type, ID string }
		remarshal(t, imp["__requires"], &requires)
		got := map[string]bool{}
		for _, r := range requires {
			got[r.Type+"/"+r.ID] = true
		}
		need := map[string]bool{"grafana/grafana": true, "datasource/prometheus": true}
		for _, p := range panelsOf(t, file) {
			if p["type"] != "row" {
				need["panel/"+p["type"].(string)] = true
			}
		}
		if !reflect.DeepEqual(got, need) {
			t.Errorf("import/%s: __requires %v, want %v", name, slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(need)))
		}

		// The rest is the provisioned dashboard, the data source variable
		// defaulting to the input.
		delete(imp, "__inputs")
		delete(imp, "__requires")
		var vars []map[string]any
		remarshal(t, imp["templating"].(map[string]any)["list"], &vars)
		current := map[string]any{"text": "${DS_PROMETHEUS}", "value": "${DS_PROMETHEUS}"}
		if vars[0]["name"] != "datasource" || !reflect.DeepEqual(vars[0]["current"], current) {
			t.Errorf("import/%s: datasource variable %v, want current %v", name, vars[0], current)
		}
		delete(imp["templating"].(map[string]any)["list"].([]any)[0].(map[string]any), "current")
		if !reflect.DeepEqual(imp, file) {
			t.Errorf("import/%s differs from %s in more than __inputs, __requires and the data source default", name, name)
		}
	}
}

// TestProvisionedHasNoInputs: the sidecar and file provisioning would leave a
// ${DS_…} unresolved; Check refuses it.
func TestProvisionedHasNoInputs(t *testing.T) {
	for _, name := range files(t) {
		b, err := os.ReadFile(filepath.Join("import", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := Check(b); err == nil || !strings.Contains(err.Error(), "import input") {
			t.Errorf("Check(import/%s) = %v, want an error about the import input", name, err)
		}
	}
}

func remarshal(t *testing.T, from, to any) {
	t.Helper()
	b, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, to); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

func panelsOf(t *testing.T, d map[string]any) []map[string]any {
	t.Helper()
	var ps []map[string]any
	remarshal(t, d["panels"], &ps)
	return ps
}

func subset(want, got map[string]any) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
