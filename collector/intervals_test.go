package collector

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestIntervalsDocumented: docs/api-cost.md lists every collector with the
// default interval its spec declares, and every default is set.
func TestIntervalsDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/api-cost.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, s := range Catalog() {
		if s.Interval <= 0 {
			t.Errorf("%s declares no default interval", s.Name)
			continue
		}
		d := strings.TrimSuffix(strings.TrimSuffix(s.Interval.String(), "0s"), "0m")
		if s.Interval < time.Minute {
			d = s.Interval.String()
		}
		if row := "| `" + s.Name + "` | " + d + " |"; !strings.Contains(doc, row) {
			t.Errorf("docs/api-cost.md lacks the row %q", row)
		}
	}
}
