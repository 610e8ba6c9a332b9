package collector

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/license-exporter/license_exporter/api"
)

// billableRow is one row of the usage export's "Date,Billable User Count"
// section: the billable users GitLab recorded at a time.
type billableRow struct {
	At    time.Time // zero when the date did not parse
	Users float64
}

// parseUsageExport returns the latest row of the billable-user section of
// GET /license/usage_export.csv, and false when the export has none. The
// export is a stack of sections, not one table: key/value lines about the
// license (whose key may span lines inside quotes), a blank separator, then
// the dated counts. The latest row is the one with the latest date; rows
// whose dates do not parse count in file order.
func parseUsageExport(b []byte) (billableRow, bool, error) {
	row, ok, err := scanUsageExport(b)
	if ok {
		return row, ok, nil
	}
	// A stray quote in the header lines can swallow the rest of the file
	// into one field: read again from the count section's heading.
	if i := countSection.FindIndex(b); i != nil && i[0] > 0 {
		if row, ok, _ := scanUsageExport(b[i[0]:]); ok {
			return row, ok, nil
		}
	}
	return row, ok, err
}

var countSection = regexp.MustCompile(`(?im)^"?date"?\s*,\s*"?billable`)

func scanUsageExport(b []byte) (billableRow, bool, error) {
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true
	var (
		best     billableRow
		found    bool
		inCounts bool
	)
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// Keep what was read: a damaged tail should not hide the rows before it.
			if found {
				break
			}
			return billableRow{}, false, err
		}
		if len(rec) < 2 {
			continue
		}
		first := strings.TrimSpace(rec[0])
		if strings.EqualFold(first, "Date") && strings.Contains(strings.ToLower(rec[1]), "billable") {
			inCounts = true
			continue
		}
		if !inCounts {
			continue
		}
		users, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil || users < 0 || math.IsNaN(users) || math.IsInf(users, 0) {
			continue
		}
		at, _ := api.ParseTime(first)
		if !found || !at.Before(best.At) {
			best, found = billableRow{At: at, Users: users}, true
		}
	}
	return best, found, nil
}
