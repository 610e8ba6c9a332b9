package api

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// The types below decode the scalars that GitHub and GitLab document one way
// and send another (integers as floats, booleans as "", numbers as words such
// as "unlimited", null anywhere). None of them ever fails a decode: an odd
// value becomes "not valid", so one strange field cannot sink a whole page.

// Number is a JSON number that may arrive as a float, a string, null, or a word.
type Number struct {
	Value float64
	Valid bool
	// Word holds a non-numeric string such as "unlimited", lower-cased.
	Word string
}

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (n *Number) UnmarshalJSON(b []byte) error {
	*n = Number{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return nil
		}
		s = strings.TrimSpace(s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		if b[0] == '"' {
			n.Word = strings.ToLower(s)
		}
		return nil
	}
	n.Value, n.Valid = f, true
	return nil
}

// Unlimited reports whether the API wrote a word meaning "no limit".
func (n Number) Unlimited() bool {
	switch n.Word {
	case "unlimited", "infinite", "infinity", "no limit":
		return true
	}
	return false
}

// Bool is a JSON boolean that may arrive as a string ("true", "") or a number.
type Bool struct {
	Value bool
	Valid bool
}

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (v *Bool) UnmarshalJSON(b []byte) error {
	*v = Bool{}
	s := strings.ToLower(strings.Trim(string(bytes.TrimSpace(b)), `"`))
	switch s {
	case "true", "1", "yes", "on", "enabled":
		*v = Bool{Value: true, Valid: true}
	case "false", "0", "no", "off", "disabled":
		*v = Bool{Value: false, Valid: true}
	}
	return nil
}

// True reports whether the value is a valid true.
func (v Bool) True() bool { return v.Valid && v.Value }

// String is a JSON string that tolerates numbers, booleans and null.
type String string

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (s *String) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*s = ""
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	if b[0] == '"' {
		var v string
		if json.Unmarshal(b, &v) == nil {
			*s = String(v)
		}
		return nil
	}
	if b[0] == '{' || b[0] == '[' {
		return nil
	}
	*s = String(b)
	return nil
}

// Numbers is an object of numbers, as a breakdown or a section of figures.
// Any other shape (null, a list, a word) decodes to nil.
type Numbers map[string]Number

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (m *Numbers) UnmarshalJSON(b []byte) error {
	var v map[string]Number
	if json.Unmarshal(b, &v) != nil {
		v = nil
	}
	*m = v
	return nil
}

// Strings is a list of strings that tolerates null, a lone string, and
// non-string elements (which are skipped).
type Strings []string

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (l *Strings) UnmarshalJSON(b []byte) error {
	*l = nil
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var s String
		_ = s.UnmarshalJSON(b)
		if s != "" {
			*l = Strings{string(s)}
		}
	case '[':
		var raw []json.RawMessage
		if json.Unmarshal(b, &raw) != nil {
			return nil
		}
		out := make(Strings, 0, len(raw))
		for _, r := range raw {
			if len(r) > 0 && r[0] == '"' {
				var s string
				if json.Unmarshal(r, &s) == nil {
					out = append(out, s)
				}
			}
		}
		*l = out
	}
	return nil
}

// Time is a timestamp in any of the layouts GitHub, GitHub Enterprise Server
// and GitLab use. An empty or unparsable value is not valid: callers must not
// turn it into a zero timestamp, which would look like a date in 1970.
type Time struct {
	time.Time
	Valid bool
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006/01/02 15:04:05 -0700", // GHES license expire_at
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 MST",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02",
	"2006/01/02",
}

// ParseTime parses s in any known layout.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			// A date before 1971 or after 9000 is a placeholder
			// ("0001-01-01", "9999-12-31"), not a time: as a timestamp it
			// would read as the past and fire expiry alerts.
			if t.Year() < 1971 || t.Year() > 9000 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// UnmarshalJSON implements json.Unmarshaler and never fails. Numbers are read
// as Unix seconds.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	var s String
	_ = s.UnmarshalJSON(b)
	if s == "" {
		return nil
	}
	if f, err := strconv.ParseFloat(string(s), 64); err == nil && len(b) > 0 && b[0] != '"' {
		if f > 0 && f < maxUnix {
			t.Time, t.Valid = time.Unix(int64(f), 0).UTC(), true
		}
		return nil
	}
	t.Time, t.Valid = ParseTime(string(s))
	return nil
}

// maxUnix bounds numeric timestamps: larger ones are milliseconds or noise.
const maxUnix = 1 << 36 // year 4147

// Unix returns the time as float seconds, for a _timestamp_seconds metric.
func (t Time) Unix() float64 { return float64(t.Time.Unix()) + float64(t.Nanosecond())/1e9 }

// List is a JSON array of objects decoded one by one: an item that is not
// an object of T's shape (a string, a number, null, an array) is skipped and
// counted in Skipped, so one odd entry cannot sink a page. A value that is
// not an array is an empty list.
type List[T any] struct {
	Items   []T
	Skipped int
}

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	*l = List[T]{}
	var raw []json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil
	}
	for _, r := range raw {
		r = bytes.TrimSpace(r)
		var one T
		if len(r) == 0 || r[0] != '{' || json.Unmarshal(r, &one) != nil {
			l.Skipped++
			continue
		}
		l.Items = append(l.Items, one)
	}
	return nil
}
