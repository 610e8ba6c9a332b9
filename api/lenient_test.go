package api

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLenientTypes(t *testing.T) {
	var v struct {
		N1, N2, N3, N4, N5, N6 Number
		B1, B2, B3, B4, B5     Bool
		S1, S2, S3             String
		L1, L2, L3             Strings
		T1, T2, T3, T4, T5     Time
		T6, T7, T8, T9         Time
	}
	body := `{
	  "N1": 5000, "N2": 12.5, "N3": "42", "N4": "unlimited", "N5": null, "N6": "",
	  "B1": true, "B2": "", "B3": "false", "B4": 1, "B5": null,
	  "S1": "x", "S2": 7, "S3": {"a": 1},
	  "L1": ["a", 1, "b"], "L2": "solo", "L3": null,
	  "T1": "2020-01-01T00:00:00Z", "T2": "2016/02/06 12:41:52 -0600", "T3": "2022-01-27", "T4": "", "T5": "soon",
	  "T6": "9999-12-31", "T7": "0001-01-01T00:00:00Z", "T8": 1e20, "T9": 1700000000,
	  "unknown": [1, 2, 3]
	}`
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("lenient types must never fail a decode: %v", err)
	}
	if !v.N1.Valid || v.N1.Value != 5000 || v.N2.Value != 12.5 || v.N3.Value != 42 {
		t.Errorf("numbers: %+v %+v %+v", v.N1, v.N2, v.N3)
	}
	if v.N4.Valid || !v.N4.Unlimited() || v.N5.Valid || v.N6.Valid {
		t.Errorf("non-numbers must not be valid: %+v %+v %+v", v.N4, v.N5, v.N6)
	}
	if !v.B1.True() || v.B2.Valid || !v.B3.Valid || v.B3.Value || !v.B4.True() || v.B5.Valid {
		t.Errorf("bools: %+v %+v %+v %+v %+v", v.B1, v.B2, v.B3, v.B4, v.B5)
	}
	if v.S1 != "x" || v.S2 != "7" || v.S3 != "" {
		t.Errorf("strings: %q %q %q", v.S1, v.S2, v.S3)
	}
	if len(v.L1) != 2 || len(v.L2) != 1 || v.L2[0] != "solo" || v.L3 != nil {
		t.Errorf("lists: %v %v %v", v.L1, v.L2, v.L3)
	}
	want2 := time.Date(2016, 2, 6, 18, 41, 52, 0, time.UTC)
	if !v.T1.Valid || v.T1.Unix() != 1577836800 || !v.T2.Time.Equal(want2) || !v.T3.Valid {
		t.Errorf("times: %v %v %v", v.T1, v.T2, v.T3)
	}
	if v.T6.Valid || v.T7.Valid || v.T8.Valid || !v.T9.Valid || v.T9.Unix() != 1700000000 {
		t.Errorf("placeholder dates and out-of-range numbers are not times: %v %v %v %v", v.T6, v.T7, v.T8, v.T9)
	}
	if v.T4.Valid || v.T5.Valid {
		t.Errorf("empty or unparsable times must not be valid (they would read as 1970): %v %v", v.T4, v.T5)
	}
}

func TestNumbers(t *testing.T) {
	var v struct{ A, B, C, D Numbers }
	if err := json.Unmarshal([]byte(`{"A": {"x": 1, "y": "2", "z": null}, "B": [1], "C": "many", "D": null}`), &v); err != nil {
		t.Fatalf("Numbers must never fail a decode: %v", err)
	}
	if len(v.A) != 3 || v.A["x"].Value != 1 || v.A["y"].Value != 2 || v.A["z"].Valid {
		t.Errorf("A = %+v", v.A)
	}
	if v.B != nil || v.C != nil || v.D != nil {
		t.Errorf("odd shapes must give nil: %v, %v, %v", v.B, v.C, v.D)
	}
}

func TestList(t *testing.T) {
	type item struct {
		ID String `json:"id"`
	}
	for body, want := range map[string][2]int{
		`[{"id": "a"}, "b", 3, null, [1], {"id": 4}, {}]`: {3, 4},
		`"none"`:  {0, 0},
		`null`:    {0, 0},
		`{"a":1}`: {0, 0},
		`[]`:      {0, 0},
	} {
		var l List[item]
		if err := json.Unmarshal([]byte(body), &l); err != nil || len(l.Items) != want[0] || l.Skipped != want[1] {
			t.Errorf("%s: err %v, %d items, %d skipped; want %v", body, err, len(l.Items), l.Skipped, want)
		}
	}
}
