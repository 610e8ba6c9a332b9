package collector

import (
	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/internal/text"
)

// The summaries that check and the status page show are read by people: a
// count agrees with its noun ("1 product", "2 products").
var (
	count      = text.Count
	countFloat = text.CountFloat
)

// countNumber is count for a figure of the API, which may be a word
// ("unlimited") or missing ("?"); the noun is plural then.
func countNumber(n api.Number, one, many string) string {
	if n.Valid && n.Value == 1 {
		return "1 " + one
	}
	return fmtNumber(n) + " " + many
}
