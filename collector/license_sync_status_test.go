package collector

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestLicenseSyncGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "license_sync_status", fixtureTarget(url)), "license_sync_status")
}

func TestLicenseSyncOddShapes(t *testing.T) {
	for name, body := range map[string]string{
		"bare list":       `[{"server_instances":[{"server_id":"a","hostname":"h","last_sync":{"date":"2024-05-01T10:00:00Z","status":"success"}}]}]`,
		"never synced":    `{"server_instances":[{"server_id":"a","hostname":"h","last_sync":{"date":null,"status":"failure","error":"bad key"}}]}`,
		"repeated server": `{"server_instances":[{"server_id":"a","hostname":"h","last_sync":null},{"server_id":"a","hostname":"h","last_sync":null}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			servers, err := decodeJSON[syncServers]([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			ch := make(chan prometheus.Metric, 10)
			collectLicenseSync("test", servers, ch)
			close(ch)
			var ms []prometheus.Metric
			for m := range ch {
				ms = append(ms, m)
			}
			got := values(t, ms)
			ts, hasTS := got[`github_enterprise_license_sync_timestamp_seconds{hostname="h",server_id="a",target="test"}`]
			switch name {
			case "bare list":
				if !hasTS || ts != 1714557600 {
					t.Errorf("timestamp = %v, %v", ts, hasTS)
				}
			default:
				if hasTS {
					t.Errorf("a server with no sync date must have no timestamp (it would read as 1970), got %v", ts)
				}
				if got[`github_enterprise_license_sync_success{hostname="h",server_id="a",target="test"}`] != 0 {
					t.Error("a server with no successful sync must report 0")
				}
			}
		})
	}
}
