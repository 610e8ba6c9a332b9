package collector

import (
	"encoding/json"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// gatherable checks that metrics make a valid scrape: no duplicate series,
// no inconsistent labels (the pedantic registry's checks).
func fuzzGatherable(t *testing.T, metrics []prometheus.Metric) {
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(replay(metrics)); err != nil {
		t.Fatalf("register: %v", err)
	}
	if _, err := reg.Gather(); err != nil {
		t.Fatalf("this answer would fail the scrape: %v", err)
	}
}

func fuzzSyntheticPage(users ...int) []byte {
	list := make([]map[string]any, 0, len(users))
	for _, i := range users {
		list = append(list, simulator.SyntheticUser(i))
	}
	b, _ := json.Marshal(map[string]any{"total_seats_consumed": 3, "total_seats_purchased": 5, "users": list})
	return b
}

// FuzzConsumedLicensesPage decodes a page, folds it into the tally, twice
// (as two pages), and checks the metrics make a valid scrape.
func FuzzConsumedLicensesPage(f *testing.F) {
	f.Add(simulator.Fixture("ghec-consumed-licenses.json"))
	f.Add(fuzzSyntheticPage(0, 3, 7, 9))
	f.Add([]byte(`{"total_seats_consumed": "12.0", "total_seats_purchased": "unlimited", "users": [{"github_com_member_roles": "a:b", "license_type": null}, null, 7]}`))
	f.Add([]byte(`{"users": [{"enterprise_server_user_ids": [":", "h:", ":1", "h:1:2"], "github_com_member_roles": [":Owner", " : "]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var p consumedLicensesPage
		if json.Unmarshal(body, &p) != nil {
			return // not JSON of this shape: the client reports it as such
		}
		tally := newLicenseTally()
		tally.add(&p)
		tally.add(&p)
		if tally.users != 2*len(p.Users) {
			t.Fatalf("users %d, want %d", tally.users, 2*len(p.Users))
		}
		fuzzGatherable(t, drain(func(ch chan<- prometheus.Metric) { tally.collect("t", ch) }))
	})
}

func FuzzLicenseSync(f *testing.F) {
	f.Add(simulator.Fixture("ghec-license-sync-status.json"))
	f.Add([]byte(`[{"server_instances":[{"server_id":"a","hostname":"h","last_sync":{"date":"2024-05-01T10:00:00Z","status":"success"}}]}]`))
	f.Add([]byte(`{"server_instances":[{"server_id":1,"hostname":null,"last_sync":{"date":1700000000,"status":"SUCCESS"}},{"server_id":"1","last_sync":null}]}`))
	f.Add([]byte(`{"server_instances": null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		servers, err := decodeJSON[syncServers](body)
		if err != nil {
			return
		}
		fuzzGatherable(t, drain(func(ch chan<- prometheus.Metric) { collectLicenseSync("t", servers, ch) }))
	})
}
