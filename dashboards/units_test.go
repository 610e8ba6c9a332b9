package dashboards

import (
	"regexp"
	"strings"
	"testing"
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
