package dashboards

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Expr is one PromQL query found in a dashboard.
type Expr struct {
	Panel, RefID, Expr string
}

// Exprs walks a dashboard's JSON and returns every query of every panel,
// including panels nested in collapsed rows.
func Exprs(b []byte) ([]Expr, error) {
	var root any
	if err := json.Unmarshal(b, &root); err != nil {
		return nil, err
	}
	var out []Expr
	var walk func(v any, panel string)
	walk = func(v any, panel string) {
		switch v := v.(type) {
		case map[string]any:
			if t, ok := v["title"].(string); ok && v["gridPos"] != nil {
				panel = t
			}
			if e, ok := v["expr"].(string); ok {
				ref, _ := v["refId"].(string)
				out = append(out, Expr{Panel: panel, RefID: ref, Expr: e})
			}
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k], panel)
			}
		case []any:
			for _, e := range v {
				walk(e, panel)
			}
		}
	}
	walk(root, "")
	return out, nil
}

// Substitute replaces Grafana's variables with values Prometheus accepts:
// every target, and fixed intervals.
func Substitute(expr string) string {
	return strings.NewReplacer(
		"${target}", ".+", "$target", ".+",
		"$organization", ".+", "$gitlab_group", ".+",
		"${__rate_interval}", "1m", "$__rate_interval", "1m",
		"${__interval}", "1m", "$__interval", "1m",
		"${__range}", "1h", "$__range", "1h",
		"$__range_s", "3600",
	).Replace(expr)
}

var (
	quoted    = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	braces    = regexp.MustCompile(`\{[^}]*\}`)
	brackets  = regexp.MustCompile(`\[[^\]]*\]`)
	grouping  = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	functions = regexp.MustCompile(`\b[a-zA-Z_]\w*\s*\(`)
	ident     = regexp.MustCompile(`(?:^|[^\w:.])([a-zA-Z_:][\w:]*)`)
	keywords  = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true, "group_left": true, "group_right": true, "inf": true, "nan": true}
)

// MetricNames extracts the metric names an expression reads: identifiers
// that are not functions, keywords, labels or durations.
func MetricNames(expr string) []string {
	s := quoted.ReplaceAllString(expr, `""`)
	s = braces.ReplaceAllString(s, " ")
	s = brackets.ReplaceAllString(s, " ")
	s = grouping.ReplaceAllString(s, " ")
	s = functions.ReplaceAllString(s, "(")
	seen := map[string]bool{}
	var out []string
	for _, m := range ident.FindAllStringSubmatch(s, -1) {
		name := m[1]
		if keywords[strings.ToLower(name)] || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// dsInputRef is a reference to an __inputs entry of an exported dashboard.
var dsInputRef = regexp.MustCompile(`\$\{DS_[A-Za-z0-9_]*\}|"__inputs"`)

// Check reports what makes a dashboard unfit to provision anywhere: a data
// source other than the ${datasource} variable, an import input, a panel
// without queries, the variables missing.
func Check(b []byte) error {
	var d struct {
		UID           string `json:"uid"`
		SchemaVersion int    `json:"schemaVersion"`
		Templating    struct {
			List []struct {
				Name, Type string
				Query      any
				Multi      bool
				IncludeAll bool `json:"includeAll"`
			}
		}
		Panels []struct {
			Title, Type string
			Datasource  struct{ Type, UID string }
			Targets     []struct {
				Datasource struct{ Type, UID string }
				Expr       string
			}
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	// File provisioning and the sidecar never resolve __inputs: a
	// ${DS_PROMETHEUS} would stay a data source that does not exist.
	if m := dsInputRef.Find(b); m != nil {
		return fmt.Errorf("%s: an import input, which only Grafana's Import dialog resolves; use ${datasource}", m)
	}
	if d.UID == "" || d.SchemaVersion < 36 {
		return fmt.Errorf("uid %q, schemaVersion %d: want a uid and schemaVersion >= 36", d.UID, d.SchemaVersion)
	}
	vars := map[string]bool{}
	for _, v := range d.Templating.List {
		switch {
		case v.Name == "datasource" && v.Type == "datasource" && v.Query == "prometheus":
			vars[v.Name] = true
		case v.Name == "target" && v.Type == "query" && v.Multi && v.IncludeAll:
			vars[v.Name] = true
		}
	}
	if !vars["datasource"] || !vars["target"] {
		return fmt.Errorf("want a datasource variable of type prometheus and a multi-value target variable with All, got %v", vars)
	}
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource.UID != "${datasource}" {
			return fmt.Errorf("panel %q: data source %q, want ${datasource}", p.Title, p.Datasource.UID)
		}
		if len(p.Targets) == 0 {
			return fmt.Errorf("panel %q has no queries", p.Title)
		}
		for _, t := range p.Targets {
			if t.Datasource.UID != "${datasource}" || t.Expr == "" {
				return fmt.Errorf("panel %q: a query with data source %q and expr %q", p.Title, t.Datasource.UID, t.Expr)
			}
			if !strings.Contains(t.Expr, `target=~"$target"`) {
				return fmt.Errorf("panel %q: query %q does not filter on $target", p.Title, t.Expr)
			}
		}
	}
	return nil
}

var recordRule = regexp.MustCompile(`(?m)^\s*- record: (\S+)$`)

// RecordedNames are the names a Prometheus rule file records: dashboards may
// query them beside the exporter's metrics.
func RecordedNames(rules []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range recordRule.FindAllSubmatch(rules, -1) {
		out[string(m[1])] = true
	}
	return out
}
