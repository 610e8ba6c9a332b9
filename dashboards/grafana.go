// Package dashboards builds the Grafana dashboards shipped in this directory
// with Grafana's Foundation SDK. The panels and queries are defined in
// overview.go, billing.go and server.go; this file turns them into the SDK's
// typed dashboard model, rendered twice (`make golden` rewrites both; the
// tests check they are current):
//
//   - *.json for file provisioning and kube-prometheus-stack's dashboard
//     sidecar, which never resolve __inputs: every panel reads the
//     dashboard's own `datasource` variable;
//   - import/*.json for Grafana's Import dialog (import.go): the same
//     dashboard with the __inputs and __requires Grafana writes when it
//     exports one for sharing (the SDK has neither), so the dialog asks for
//     the Prometheus data source and makes it the variable's default.
package dashboards

//lint:file-ignore SA1019 The SDK deprecates its classic dashboard model for the v2 schema of Grafana 12's dashboard API; file provisioning, the sidecar and the Import dialog read the classic model.

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/variants"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	sdk "github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// dsVar is the data source reference every panel and query uses: the
// dashboard's own variable, never a UID from someone's Grafana.
const dsVar = "${datasource}"

// schemaVersion is the dashboard schema the JSON declares: Grafana 11's, so
// Grafana 11 takes it as current and later releases migrate it on load.
const schemaVersion = 39

func ptr[T any](v T) *T { return &v }

var ds = common.DataSourceRef{Type: ptr("prometheus"), Uid: ptr(dsVar)}

// query is one PromQL expression of a panel.
type query struct {
	Expr, Legend string
	Instant      bool // tables and stats of the latest value
	// Unit is the unit of a table column (the column the query's legend
	// names): currencyUSD, none (a count), dtdurations (an age in seconds) …
	Unit string
	// Mappings turn a table column's values into words (0/1 columns).
	Mappings []sdk.ValueMapping
}

// panel is one Grafana panel, laid out by the dashboard in reading order.
type panel struct {
	Title, Type, Desc string
	// Unit of the panel's values; tables give one per column instead.
	Unit       string
	W, H       uint32
	Queries    []query
	Min, Max   *float64
	Thresholds []step // first step is the base colour
	Mappings   []sdk.ValueMapping
	Decimals   *float64
	SortBy     string // table column to sort by, ascending
}

type step struct {
	Color string
	Value *float64
}

func f(v float64) *float64 { return &v }

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
	// Kinds are the variables the rows repeat over.
	Kinds []kindVar
}

type row struct {
	Title  string
	Panels []panel
	// Repeat names a kindVar: the row is repeated once per target of that
	// kind, so a Grafana without such targets shows no row at all.
	Repeat string
}

// kindVar is a hidden variable of the targets of one kind, named by the
// collector only that kind runs; rows repeat over it.
type kindVar struct {
	Name, Collector string
}

// query of the targets a kindVar holds, within the chosen targets.
func (v kindVar) query() string {
	return fmt.Sprintf(`label_values(license_exporter_collector_success{collector="%s", target=~"$target"}, target)`, v.Collector)
}

// valueText maps exact values to words (e.g. 0 → "valid"), as triples of
// value, text and colour.
func valueText(triples ...string) sdk.ValueMapping {
	opts := map[string]sdk.ValueMappingResult{}
	for n := 0; n+2 < len(triples); n += 3 {
		opts[triples[n]] = sdk.ValueMappingResult{Text: ptr(triples[n+1]), Color: ptr(triples[n+2]), Index: ptr(int32(n / 3))}
	}
	return sdk.ValueMapping{ValueMap: &sdk.ValueMap{Type: sdk.MappingTypeValueToText, Options: opts}}
}

// yesNo maps a 0/1 column: 0 → no, 1 → yes, in the given colours.
func yesNo(no, noColor, yes, yesColor string) []sdk.ValueMapping {
	return []sdk.ValueMapping{valueText("0", no, noColor, "1", yes, yesColor)}
}

// build turns the definition into the SDK's dashboard; dsCurrent is the
// datasource variable's default (empty: Grafana's default data source).
func (d dashboard) build(dsCurrent string) (sdk.Dashboard, error) {
	from := d.From
	if from == "" {
		from = "now-7d"
	}
	dsv := sdk.NewDatasourceVariableBuilder("datasource").Label("Data source").Type("prometheus")
	if dsCurrent != "" {
		dsv.Current(sdk.VariableOption{
			Text:  sdk.StringOrArrayOfString{String: ptr(dsCurrent)},
			Value: sdk.StringOrArrayOfString{String: ptr(dsCurrent)},
		})
	}
	const targets = "label_values(license_exporter_collector_success, target)"
	b := sdk.NewDashboardBuilder(d.Title).
		Uid(d.UID).
		Description(d.Desc).
		Tags([]string{"license_exporter"}).
		Editable().
		Tooltip(sdk.DashboardCursorSyncCrosshair).
		Refresh("5m").
		Time(from, "now").
		Timezone("").
		Annotation(sdk.NewAnnotationQueryBuilder().
			BuiltIn(1).
			Datasource(common.DataSourceRef{Type: ptr("grafana"), Uid: ptr("-- Grafana --")}).
			Enable(true).Hide(true).IconColor("rgba(0, 211, 255, 1)").
			Name("Annotations & Alerts").Type("dashboard")).
		Link(sdk.NewDashboardLinkBuilder("license_exporter").
			Type(sdk.DashboardLinkTypeDashboards).
			Tags([]string{"license_exporter"}).
			AsDropdown(false).IncludeVars(true).KeepTime(true).TargetBlank(false).
			Icon("external link")).
		WithVariable(dsv).
		WithVariable(sdk.NewQueryVariableBuilder("target").
			Label("Target").
			Datasource(ds).
			Definition(targets).
			Query(sdk.StringOrMap{Map: map[string]any{
				"query": targets, "qryType": 1, "refId": "PrometheusVariableQueryEditor-VariableQuery",
			}}).
			Refresh(sdk.VariableRefreshOnTimeRangeChanged).
			Sort(sdk.VariableSortAlphabeticalAsc).
			Multi(true).
			IncludeAll(true))
	all := sdk.VariableOption{Text: sdk.StringOrArrayOfString{String: ptr("All")}, Value: sdk.StringOrArrayOfString{String: ptr("$__all")}}
	for _, k := range d.Kinds {
		b.WithVariable(sdk.NewQueryVariableBuilder(k.Name).
			Datasource(ds).
			Definition(k.query()).
			Query(sdk.StringOrMap{Map: map[string]any{
				"query": k.query(), "qryType": 1, "refId": "PrometheusVariableQueryEditor-VariableQuery",
			}}).
			Refresh(sdk.VariableRefreshOnTimeRangeChanged).
			Sort(sdk.VariableSortAlphabeticalAsc).
			Multi(true).
			IncludeAll(true).
			Current(all).
			Hide(sdk.VariableHideHideVariable))
	}

	// The layout: rows of panels in reading order, a panel that does not fit
	// on the line starting the next one (the SDK's own layout lets it stick
	// out). Positions are given to the SDK, which keeps them.
	var id uint32 = 1
	y := uint32(0)
	for _, r := range d.Rows {
		rb := sdk.NewRowBuilder(r.Title).Id(id).GridPos(sdk.GridPos{H: 1, W: 24, X: 0, Y: y})
		if r.Repeat != "" {
			rb.Repeat(r.Repeat)
		}
		b.WithRow(rb)
		id++
		y++
		x, rowH := uint32(0), uint32(0)
		for _, p := range r.Panels {
			if x+p.W > 24 {
				x, y, rowH = 0, y+rowH, 0
			}
			pb, err := p.builder(id, sdk.GridPos{H: p.H, W: p.W, X: x, Y: y})
			if err != nil {
				return sdk.Dashboard{}, fmt.Errorf("%s, panel %q: %w", d.UID, p.Title, err)
			}
			b.WithPanel(pb)
			id++
			x += p.W
			rowH = max(rowH, p.H)
		}
		y += rowH
	}
	out, err := b.Build()
	if err != nil {
		return sdk.Dashboard{}, fmt.Errorf("%s: %w", d.UID, err)
	}
	out.SchemaVersion = schemaVersion
	return out, nil
}

// panelBuilder is what the SDK's builders of every panel type offer.
type panelBuilder[B any] interface {
	cog.Builder[sdk.Panel]
	Id(uint32) B
	Title(string) B
	Description(string) B
	Datasource(common.DataSourceRef) B
	GridPos(sdk.GridPos) B
	Unit(string) B
	Min(float64) B
	Max(float64) B
	Decimals(float64) B
	ColorScheme(cog.Builder[sdk.FieldColor]) B
	Thresholds(cog.Builder[sdk.ThresholdsConfig]) B
	Mappings([]sdk.ValueMapping) B
	WithTarget(cog.Builder[variants.Dataquery]) B
	OverrideByName(string, []sdk.DynamicConfigValue) B
	WithTransformation(sdk.DataTransformerConfig) B
}

// lastValue reduces a series to its last value (stats, gauges, bar gauges).
var lastValue = common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Fields("").Values(false)

// builder is the SDK builder of the panel's type.
func (p panel) builder(id uint32, pos sdk.GridPos) (cog.Builder[sdk.Panel], error) {
	switch p.Type {
	case "stat":
		return configure(stat.NewPanelBuilder().
			ReduceOptions(lastValue).Orientation(common.VizOrientationAuto).TextMode(common.BigValueTextModeAuto).
			ColorMode(common.BigValueColorModeValue).GraphMode(common.BigValueGraphModeNone).
			JustifyMode(common.BigValueJustifyModeAuto), p, id, pos), nil
	case "gauge":
		return configure(gauge.NewPanelBuilder().
			ReduceOptions(lastValue).Orientation(common.VizOrientationAuto), p, id, pos), nil
	case "bargauge":
		return configure(bargauge.NewPanelBuilder().
			ReduceOptions(lastValue).Orientation(common.VizOrientationHorizontal).
			DisplayMode(common.BarGaugeDisplayModeGradient), p, id, pos), nil
	case "timeseries":
		return configure(timeseries.NewPanelBuilder().
			DrawStyle(common.GraphDrawStyleLine).LineWidth(2).FillOpacity(10).
			ShowPoints(common.VisibilityModeNever).SpanNulls(common.BoolOrFloat64{Bool: ptr(true)}).
			Legend(common.NewVizLegendOptionsBuilder().
				DisplayMode(common.LegendDisplayModeTable).Placement(common.LegendPlacementBottom).
				ShowLegend(true).Calcs([]string{"lastNotNull", "max"})).
			Tooltip(common.NewVizTooltipOptionsBuilder().
				Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending)), p, id, pos), nil
	case "table":
		t := table.NewPanelBuilder().ShowHeader(true).CellHeight(common.TableCellHeightSm)
		if p.SortBy != "" {
			t.SortBy([]cog.Builder[common.TableSortByFieldState]{
				common.NewTableSortByFieldStateBuilder().DisplayName(p.SortBy).Desc(false),
			})
		}
		return configure(t, p, id, pos), nil
	}
	return nil, fmt.Errorf("no SDK builder for panel type %q", p.Type)
}

// configure sets what every panel type shares: title, data source, queries,
// unit, thresholds and value mappings; tables get a column per query.
func configure[B panelBuilder[B]](b B, p panel, id uint32, pos sdk.GridPos) B {
	b.Id(id).Title(p.Title).Description(p.Desc).Datasource(ds).GridPos(pos).Unit(p.Unit)
	color := sdk.FieldColorModeIdThresholds
	if p.Type == "timeseries" {
		color = sdk.FieldColorModeIdPaletteClassic
	}
	b.ColorScheme(sdk.NewFieldColorBuilder().Mode(color))
	th := p.Thresholds
	if th == nil {
		th = []step{{"green", nil}}
	}
	var steps []sdk.Threshold
	for _, s := range th {
		steps = append(steps, sdk.Threshold{Color: s.Color, Value: s.Value})
	}
	b.Thresholds(sdk.NewThresholdsConfigBuilder().Mode(sdk.ThresholdsModeAbsolute).Steps(steps))
	b.Mappings(append([]sdk.ValueMapping{}, p.Mappings...))
	if p.Min != nil {
		b.Min(*p.Min)
	}
	if p.Max != nil {
		b.Max(*p.Max)
	}
	if p.Decimals != nil {
		b.Decimals(*p.Decimals)
	}
	rename := map[string]any{}
	for n, q := range p.Queries {
		ref := string(rune('A' + n))
		t := prometheus.NewDataqueryBuilder().
			Datasource(ds).RefId(ref).Expr(q.Expr).LegendFormat(q.Legend).
			EditorMode(prometheus.QueryEditorModeCode)
		if q.Instant {
			t.Instant()
		} else {
			t.Range()
		}
		if p.Type == "table" {
			t.Format(prometheus.PromQueryFormatTable)
		}
		b.WithTarget(t)
		if p.Type != "table" || q.Legend == "" {
			continue
		}
		var props []sdk.DynamicConfigValue
		if q.Unit != "" {
			props = append(props, sdk.DynamicConfigValue{Id: "unit", Value: q.Unit})
		}
		if len(q.Mappings) > 0 {
			props = append(props, sdk.DynamicConfigValue{Id: "mappings", Value: q.Mappings})
		}
		if len(props) > 0 {
			b.OverrideByName(q.Legend, props)
		}
		if len(p.Queries) == 1 {
			rename["Value"] = q.Legend
		}
		rename["Value #"+ref] = q.Legend
	}
	if p.Type == "table" {
		// Instant queries in table format: merge them into one row per
		// series and name the value columns after the queries' legends.
		b.WithTransformation(sdk.DataTransformerConfig{Id: "merge", Options: map[string]any{}})
		b.WithTransformation(sdk.DataTransformerConfig{Id: "organize", Options: map[string]any{
			"excludeByName": map[string]bool{"Time": true, "__name__": true, "job": true, "instance": true},
			"renameByName":  rename,
		}})
	}
	return b
}

// JSON renders the dashboard for file provisioning and the sidecar.
func (d dashboard) JSON() ([]byte, error) {
	out, err := d.build("")
	if err != nil {
		return nil, err
	}
	return encode(out)
}

func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// All the dashboards, by file name.
func All() map[string]dashboard {
	return map[string]dashboard{
		"license-overview.json": overview(),
		"license-billing.json":  billing(),
		"license-server.json":   server(),
	}
}
