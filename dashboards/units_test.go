package dashboards

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/license-exporter/license_exporter/collector"
)

// TestTableUnits: a table column of seconds (an age, a duration, a date)
// carries a unit, so Grafana shows "3 hours" or a date rather than 10800.
func TestTableUnits(t *testing.T) {
	for file, d := range All() {
		for _, r := range d.Rows {
			for _, p := range r.Panels {
				if p.Type != "table" {
					continue
				}
				for _, q := range p.Queries {
					for _, m := range MetricNames(q.Expr) {
						if strings.HasSuffix(m, "_seconds") && q.Unit == "" {
							t.Errorf("%s, panel %q, column %q: %s without a unit", file, p.Title, q.Legend, m)
						}
					}
				}
			}
		}
	}
}

// TestOverviewShowsTrends: the seat panels forecast from weeks of data, so the
// Overview opens on 30 days; GitLab's user limit of 0 reads "unlimited".
func TestOverviewShowsTrends(t *testing.T) {
	d := overview()
	if d.From != "now-30d" {
		t.Errorf("Overview opens on %q, want now-30d", d.From)
	}
	found := false
	for _, r := range d.Rows {
		for _, p := range r.Panels {
			for _, q := range p.Queries {
				if strings.Contains(q.Expr, "gitlab_license_user_limit") {
					found = true
					b, _ := jsonOf(p)
					if !strings.Contains(b, `"text":"unlimited"`) {
						t.Errorf("panel %q draws user_limit 0 as a number", p.Title)
					}
				}
			}
		}
	}
	if !found {
		t.Error("the Overview shows no GitLab user limit")
	}
}

func jsonOf(p panel) (string, error) {
	b, err := dashboard{Rows: []row{{Panels: []panel{p}}}}.JSON()
	return strings.Join(strings.Fields(string(b)), ""), err
}

// unguardedShare is a division by a purchase or limit taken as it is: where
// it is 0 (usage-based billing, no limit) the panel would show +Inf or NaN.
var unguardedShare = regexp.MustCompile(`/\s*max by \([^)]*\) \(\w*(purchased|limit|seats|cap)\w*\{[^}]*\}\)\s*($|[^>\s]|>\s*[^0\s])`)

// TestSharesGuardZero: every panel that divides by seats bought or a limit
// leaves out the targets where that is 0.
func TestSharesGuardZero(t *testing.T) {
	for file, d := range All() {
		for _, r := range d.Rows {
			for _, p := range r.Panels {
				for _, q := range p.Queries {
					if unguardedShare.MatchString(q.Expr) {
						t.Errorf("%s, panel %q: %s divides by a figure that may be 0; guard it with > 0", file, p.Title, q.Expr)
					}
				}
			}
		}
	}
}

// boolean is a metric the exporter documents as 0 or 1 ("1 when …").
func boolean(metric string) bool {
	m, _, ok := collector.MetricByName(metric)
	return ok && strings.HasPrefix(m.Help, "1 when ")
}

// bare is a query that shows one metric as it is, one series per target.
var bare = regexp.MustCompile(`^max by \([^)]*\) \(([a-z_:]+)\{target=~"\$target"\}\)$`)

// TestUnitsAndMappings reads the rendered JSON: every panel, and every column
// of a table, carries a unit; dollars are shown as currencyUSD; a 0/1
// metric shown as it is maps both values to words.
func TestUnitsAndMappings(t *testing.T) {
	for _, name := range files(t) {
		var d struct {
			Panels []struct {
				Title, Type string
				Targets     []struct{ Expr, LegendFormat, RefID string }
				FieldConfig struct {
					Defaults  fieldProps
					Overrides []struct {
						Matcher    struct{ ID, Options string }
						Properties []struct {
							ID    string
							Value json.RawMessage
						}
					}
				}
			}
		}
		readJSON(t, name, &d)
		for _, p := range d.Panels {
			if p.Type == "row" {
				continue
			}
			for _, q := range p.Targets {
				props := p.FieldConfig.Defaults
				where := fmt.Sprintf("%s, panel %q", name, p.Title)
				if p.Type == "table" {
					// A column is named after its query's legend.
					where += fmt.Sprintf(", column %q", q.LegendFormat)
					props = fieldProps{}
					for _, o := range p.FieldConfig.Overrides {
						if o.Matcher.ID != "byName" || o.Matcher.Options != q.LegendFormat {
							continue
						}
						for _, pr := range o.Properties {
							switch pr.ID {
							case "unit":
								must(t, json.Unmarshal(pr.Value, &props.Unit))
							case "mappings":
								must(t, json.Unmarshal(pr.Value, &props.Mappings))
							}
						}
					}
				}
				if props.Unit == "" {
					t.Errorf("%s: no unit", where)
				}
				if strings.Contains(q.Expr, "_dollars") && !strings.Contains(q.Expr, "/") && props.Unit != "currencyUSD" {
					t.Errorf("%s: dollars shown in %q, want currencyUSD", where, props.Unit)
				}
				if m := bare.FindStringSubmatch(q.Expr); m != nil && boolean(m[1]) {
					words := map[string]bool{}
					for _, vm := range props.Mappings {
						for v, r := range vm.Options {
							words[v] = r.Text != ""
						}
					}
					if !words["0"] || !words["1"] {
						t.Errorf("%s: %s is 0 or 1; map both to words (got %v)", where, m[1], props.Mappings)
					}
				}
			}
		}
	}
}

type fieldProps struct {
	Unit     string
	Mappings []struct {
		Type    string
		Options map[string]struct{ Text string }
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
