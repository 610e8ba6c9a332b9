package collector

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestRunnersGoldenEnterpriseServer(t *testing.T) {
	url, paths := startRecordingSim(t)
	tc := serverTarget(url)
	tc.Enterprise = simulator.FixtureEnterprise
	assertGolden(t, newCollector(t, "runners", tc), "runners")
	if got := paths(); len(got) != 1 || got[0] != "/api/v3/enterprises/octo-corp/actions/runners" {
		t.Errorf("requested %v, want the runners under /api/v3", got)
	}
}

func TestRunnersGoldenCloud(t *testing.T) {
	// api.github.com and GHE.com (api.SUBDOMAIN.ghe.com) serve the same
	// paths at the root of api_url; the Cloud example matches the Server one.
	url, paths := startRecordingSim(t)
	assertGolden(t, newCollector(t, "runners", fixtureTarget(url)), "runners")
	if got := paths(); len(got) != 1 || got[0] != "/enterprises/octo-corp/actions/runners" {
		t.Errorf("requested %v, want the runners at the root", got)
	}
}

func TestRunnersManyPages(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	c := newCollector(t, "runners", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for i := 0; i < simulator.LargeRunners; i++ {
		r := simulator.SyntheticRunner(i)
		busy := "false"
		if r["busy"].(bool) {
			busy = "true"
		}
		want[`github_enterprise_runners{busy="`+busy+`",os="`+strings.ToLower(r["os"].(string))+`",status="`+r["status"].(string)+`",target="test"}`]++
	}
	got := values(t, metrics)
	if len(got) != len(want) {
		t.Errorf("got %d series, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if hits := sim.Hits("/enterprises/large-corp/actions/runners"); hits != simulator.LargeRunners/100 {
		t.Errorf("fetched %d pages, want %d (each once)", hits, simulator.LargeRunners/100)
	}
	if s := c.(Summarizer).Summary(); !strings.HasPrefix(s, "3000 self-hosted runners") {
		t.Errorf("summary = %q", s)
	}
}

func TestRunnersOddValues(t *testing.T) {
	body := `{"total_count":"4","runners":[
	  {"os":"Linux","status":"Online","busy":"true"},
	  {"os":"linux","status":"online","busy":1},
	  {"os":null,"status":"","busy":""},
	  {"id":9,"labels":null}
	]}`
	var p runnersPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	tally := newRunnerTally()
	tally.add(&p)
	got := sent(t, func(ch chan<- prometheus.Metric) { tally.collect("test", ch) })
	want := map[string]float64{
		`github_enterprise_runners{busy="true",os="linux",status="online",target="test"}`:     2,
		`github_enterprise_runners{busy="false",os="unknown",status="unknown",target="test"}`: 2,
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestRunnersEmpty(t *testing.T) {
	// No runners: no series, which sum() reads as 0, and no error.
	var p runnersPage
	if err := json.Unmarshal([]byte(`{"total_count":0,"runners":[]}`), &p); err != nil {
		t.Fatal(err)
	}
	tally := newRunnerTally()
	tally.add(&p)
	if got := sent(t, func(ch chan<- prometheus.Metric) { tally.collect("test", ch) }); len(got) != 0 {
		t.Errorf("got %v", got)
	}
}

func FuzzRunnersPage(f *testing.F) {
	f.Add(simulator.Fixture("ghec-actions-runners.json"))
	f.Add(simulator.Fixture("ghes-3.19-actions-runners.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p runnersPage
		if json.Unmarshal(b, &p) != nil {
			return
		}
		tally := newRunnerTally()
		tally.add(&p)
		ch := make(chan prometheus.Metric, len(tally.counts))
		tally.collect("test", ch)
	})
}
