// Package dashboards builds the Grafana dashboards shipped in this directory.
// The JSON files are generated from the Go definitions in overview.go,
// billing.go and server.go (`make golden` rewrites them; the tests check
// they are current), so every panel shares the same data source and target
// variables and the same conventions.
package dashboards

import (
	"bytes"
	"encoding/json"
)

// obj is a JSON object; maps marshal with sorted keys, so output is stable.
type obj = map[string]any

// ds is the data source reference every panel and query uses: the dashboard's
// own variable, never a UID from someone's Grafana.
var ds = obj{"type": "prometheus", "uid": "${datasource}"}

// query is one PromQL expression of a panel.
type query struct {
	Expr, Legend string
	Instant      bool // tables and stats of the latest value
	// Unit is the unit of a table column (the column the query's legend
	// names), e.g. dtdurations for an age in seconds; empty: the panel's.
	Unit string
}

// panel is one Grafana panel, laid out by the dashboard in reading order.
type panel struct {
	Title, Type, Desc, Unit string
	W, H                    int
	Queries                 []query
	Min, Max                *float64
	Thresholds              []step // first step is the base colour
	Mappings                []any
	Decimals                *int
	Options                 obj // extra panel options (merged over defaults)
}

type step struct {
	Color string
	Value *float64
}

func f(v float64) *float64 { return &v }
func i(v int) *int         { return &v }

// green, then orange and red from the given values.
func warnAt(orange, red float64) []step {
	return []step{{"green", nil}, {"orange", f(orange)}, {"red", f(red)}}
}

// dashboard is a whole dashboard; row panels start a new row.
type dashboard struct {
	UID, Title, Desc string
	// From is the default start of the time range; empty means 7 days ago.
	From string
	Rows []row
}

type row struct {
	Title  string
	Panels []panel
}

// JSON renders the dashboard as Grafana imports it.
func (d dashboard) JSON() ([]byte, error) {
	var panels []any
	id, y := 1, 0
	for _, r := range d.Rows {
		panels = append(panels, obj{
			"type": "row", "id": id, "title": r.Title, "collapsed": false, "panels": []any{},
			"gridPos": obj{"h": 1, "w": 24, "x": 0, "y": y},
		})
		id++
		y++
		x, rowH := 0, 0
		for _, p := range r.Panels {
			if x+p.W > 24 {
				x, y, rowH = 0, y+rowH, 0
			}
			panels = append(panels, p.render(id, x, y))
			id++
			x += p.W
			rowH = max(rowH, p.H)
		}
		y += rowH
	}
	from := d.From
	if from == "" {
		from = "now-7d"
	}
	out := obj{
		"uid": d.UID, "title": d.Title, "description": d.Desc,
		"tags":                 []string{"license_exporter"},
		"editable":             true,
		"graphTooltip":         1,
		"refresh":              "5m",
		"schemaVersion":        39,
		"version":              1,
		"time":                 obj{"from": from, "to": "now"},
		"timepicker":           obj{},
		"timezone":             "",
		"fiscalYearStartMonth": 0,
		"liveNow":              false,
		"weekStart":            "",
		"annotations": obj{"list": []any{obj{
			"builtIn": 1, "datasource": obj{"type": "grafana", "uid": "-- Grafana --"},
			"enable": true, "hide": true, "iconColor": "rgba(0, 211, 255, 1)",
			"name": "Annotations & Alerts", "type": "dashboard",
		}}},
		"links": []any{obj{
			"title": "license_exporter", "type": "dashboards", "tags": []string{"license_exporter"},
			"asDropdown": false, "includeVars": true, "keepTime": true, "targetBlank": false, "icon": "external link",
		}},
		"templating": obj{"list": []any{
			obj{
				"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
				"current": obj{}, "hide": 0, "includeAll": false, "multi": false, "options": []any{},
				"refresh": 1, "regex": "", "skipUrlSync": false,
			},
			obj{
				"name": "target", "label": "Target", "type": "query", "datasource": ds,
				"definition": "label_values(license_exporter_collector_success, target)",
				"query": obj{
					"query":   "label_values(license_exporter_collector_success, target)",
					"qryType": 1, "refId": "PrometheusVariableQueryEditor-VariableQuery",
				},
				"current": obj{}, "hide": 0, "includeAll": true, "multi": true, "options": []any{},
				"refresh": 2, "regex": "", "skipUrlSync": false, "sort": 1,
			},
		}},
		"panels": panels,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (p panel) render(id, x, y int) obj {
	var targets []any
	for n, q := range p.Queries {
		t := obj{
			"datasource": ds, "expr": q.Expr, "refId": string(rune('A' + n)),
			"legendFormat": q.Legend, "range": !q.Instant, "instant": q.Instant, "editorMode": "code",
		}
		if p.Type == "table" {
			t["format"] = "table"
		}
		targets = append(targets, t)
	}
	steps := []any{}
	th := p.Thresholds
	if th == nil {
		th = []step{{"green", nil}}
	}
	for _, s := range th {
		var v any
		if s.Value != nil {
			v = *s.Value
		}
		steps = append(steps, obj{"color": s.Color, "value": v})
	}
	defaults := obj{
		"unit":       p.Unit,
		"color":      obj{"mode": "thresholds"},
		"thresholds": obj{"mode": "absolute", "steps": steps},
		"mappings":   orEmpty(p.Mappings),
	}
	if p.Type == "timeseries" {
		defaults["color"] = obj{"mode": "palette-classic"}
		defaults["custom"] = obj{"drawStyle": "line", "lineWidth": 2, "fillOpacity": 10, "showPoints": "never", "spanNulls": true}
	}
	if p.Min != nil {
		defaults["min"] = *p.Min
	}
	if p.Max != nil {
		defaults["max"] = *p.Max
	}
	if p.Decimals != nil {
		defaults["decimals"] = *p.Decimals
	}
	options := obj{}
	switch p.Type {
	case "stat", "gauge", "bargauge":
		options = obj{
			"reduceOptions": obj{"calcs": []string{"lastNotNull"}, "fields": "", "values": false},
			"orientation":   "auto", "textMode": "auto", "colorMode": "value", "graphMode": "none", "justifyMode": "auto",
		}
		if p.Type == "bargauge" {
			options["orientation"] = "horizontal"
			options["displayMode"] = "gradient"
		}
	case "timeseries":
		options = obj{
			"legend":  obj{"displayMode": "table", "placement": "bottom", "showLegend": true, "calcs": []string{"lastNotNull", "max"}},
			"tooltip": obj{"mode": "multi", "sort": "desc"},
		}
	case "table":
		options = obj{"showHeader": true, "cellHeight": "sm", "footer": obj{"show": false, "reducer": []string{"sum"}}}
	}
	for k, v := range p.Options {
		options[k] = v
	}
	overrides := []any{}
	for _, q := range p.Queries {
		if q.Unit != "" && q.Legend != "" {
			overrides = append(overrides, obj{
				"matcher":    obj{"id": "byName", "options": q.Legend},
				"properties": []any{obj{"id": "unit", "value": q.Unit}},
			})
		}
	}
	out := obj{
		"id": id, "type": p.Type, "title": p.Title, "description": p.Desc, "datasource": ds,
		"gridPos":     obj{"h": p.H, "w": p.W, "x": x, "y": y},
		"targets":     targets,
		"fieldConfig": obj{"defaults": defaults, "overrides": overrides},
		"options":     options,
	}
	if p.Type == "table" {
		// Instant queries in table format: merge them into one row per series
		// and name the value columns after the queries' legends.
		rename := obj{}
		for n, q := range p.Queries {
			if q.Legend == "" {
				continue
			}
			if len(p.Queries) == 1 {
				rename["Value"] = q.Legend
			}
			rename["Value #"+string(rune('A'+n))] = q.Legend
		}
		out["transformations"] = []any{
			obj{"id": "merge", "options": obj{}},
			obj{"id": "organize", "options": obj{
				"excludeByName": obj{"Time": true, "__name__": true, "job": true, "instance": true},
				"renameByName":  rename,
			}},
		}
	}
	return out
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// valueText maps exact values to words (e.g. 0 → "valid").
func valueText(pairs ...string) any {
	opts := obj{}
	for n := 0; n+2 < len(pairs); n += 3 {
		opts[pairs[n]] = obj{"text": pairs[n+1], "color": pairs[n+2], "index": n / 3}
	}
	return obj{"type": "value", "options": opts}
}

// All the dashboards, by file name.
func All() map[string]dashboard {
	return map[string]dashboard{
		"license-overview.json": overview(),
		"license-billing.json":  billing(),
		"license-server.json":   server(),
	}
}
