package dashboards

//lint:file-ignore SA1019 See grafana.go: the Import dialog reads the classic dashboard model.

import (
	"fmt"
	"slices"
	"strings"

	sdk "github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// dsInput is the input the Import dialog asks for (import rendering only).
const dsInput = "DS_PROMETHEUS"

// input is an entry of __inputs: what the Import dialog asks for.
type input struct {
	Name        string `json:"name"`
	Label       string `json:"label"`
	Description string `json:"description"`
	Type        string `json:"type"`
	PluginID    string `json:"pluginId"`
	PluginName  string `json:"pluginName"`
}

// require is an entry of __requires: a plugin the dashboard uses.
type require struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// importable is the dashboard as Grafana's "Export for sharing externally"
// writes it: __inputs and __requires first.
type importable struct {
	Inputs   []input   `json:"__inputs"`
	Requires []require `json:"__requires"`
	sdk.Dashboard
}

// panelNames are the names the Import dialog shows for the panel plugins.
var panelNames = map[string]string{
	"bargauge": "Bar gauge", "gauge": "Gauge", "stat": "Stat", "table": "Table", "timeseries": "Time series",
}

// ImportJSON renders the dashboard for Grafana's Import dialog: the import
// replaces ${DS_PROMETHEUS} with the data source picked, which becomes the
// datasource variable's default.
func (d dashboard) ImportJSON() ([]byte, error) {
	out, err := d.build("${" + dsInput + "}")
	if err != nil {
		return nil, err
	}
	req := []require{
		// What the JSON is written for: schemaVersion 39 is Grafana 11's.
		{Type: "grafana", ID: "grafana", Name: "Grafana", Version: "11.0.0"},
		{Type: "datasource", ID: "prometheus", Name: "Prometheus", Version: "1.0.0"},
	}
	seen := map[string]bool{}
	for _, p := range out.Panels {
		if p.Panel == nil || seen[p.Panel.Type] {
			continue
		}
		seen[p.Panel.Type] = true
		name, ok := panelNames[p.Panel.Type]
		if !ok {
			return nil, fmt.Errorf("%s: no plugin name for panel type %q", d.UID, p.Panel.Type)
		}
		req = append(req, require{Type: "panel", ID: p.Panel.Type, Name: name})
	}
	slices.SortFunc(req[2:], func(a, b require) int { return strings.Compare(a.ID, b.ID) })
	return encode(importable{
		Inputs: []input{{
			Name: dsInput, Label: "Prometheus", Type: "datasource", PluginID: "prometheus", PluginName: "Prometheus",
			Description: "The Prometheus that scrapes license_exporter.",
		}},
		Requires:  req,
		Dashboard: out,
	})
}
