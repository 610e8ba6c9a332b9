package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

type streamUser struct {
	Login String  `json:"github_com_login"`
	Roles Strings `json:"github_com_member_roles"`
	TwoFA Bool    `json:"github_com_two_factor_auth"`
}

type streamPage struct {
	Consumed Number       `json:"total_seats_consumed"`
	Users    []streamUser `json:"users"`
	Tags     Strings      `json:"tags"` // a slice type with its own decoding
}

// TestDecodeStreamMatchesDecode: streaming gives what encoding/json gives,
// on the official example, odd shapes and a top-level array.
func TestDecodeStreamMatchesDecode(t *testing.T) {
	for _, body := range []string{
		string(simulator.Fixture("ghec-consumed-licenses.json")),
		`{"USERS": [{"github_com_login": "a"}], "unknown": {"x": [1, 2]}, "total_seats_consumed": "7", "tags": "one"}`,
		`{"users": null, "total_seats_consumed": null}`,
		`{"users": "none"}`,
		`null`,
	} {
		var want, got streamPage
		if err := json.Unmarshal([]byte(body), &want); err != nil && !strings.Contains(body, `"none"`) {
			t.Fatalf("%s: %v", body, err)
		}
		if err := decodeStream(strings.NewReader(body), &got); err != nil {
			t.Errorf("%.60s: %v", body, err)
			continue
		}
		if strings.Contains(body, `"none"`) {
			want = streamPage{} // leniently no users, where encoding/json fails the page
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%.60s:\n got %+v\nwant %+v", body, got, want)
		}
	}
	var list []streamUser
	if err := decodeStream(strings.NewReader(`[{"github_com_login":"a"},{"github_com_login":"b"}]`), &list); err != nil || len(list) != 2 || list[1].Login != "b" {
		t.Errorf("top-level array: %v %v", list, err)
	}
}

// endless serves a listing that never ends, or one entry that never ends.
func endless(prefix, unit string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, prefix)
		chunk := strings.Repeat(unit, 1000)
		for {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	}
}

func TestHostileBodiesCut(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"endless listing", endless(`{"users":[`, `{"github_com_login":"x"},`), fmt.Sprintf("larger than %d bytes", MaxPageBytes)},
		{"endless entry", endless(`{"users":[{"github_com_login":"`, `x`), fmt.Sprintf("one entry of the answer is larger than %d bytes", MaxElementBytes)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newTestClient(t, tc.h, GitHub)
			err := Paginate(context.Background(), c, "/x", nil, func(*streamPage) error { return nil })
			if !IsKind(err, KindBadResponse) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
