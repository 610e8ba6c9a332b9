package collector

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func benchFullPage() []byte {
	users := make([]int, 100)
	for i := range users {
		users[i] = i
	}
	return fuzzSyntheticPage(users...)
}

// BenchmarkConsumedLicensesPage decodes one full page (100 users) and folds
// it into the tally: the work per page of a large refresh.
func BenchmarkConsumedLicensesPage(b *testing.B) {
	page := benchFullPage()
	tally := newLicenseTally()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		var p consumedLicensesPage
		if err := json.Unmarshal(page, &p); err != nil {
			b.Fatal(err)
		}
		tally.add(&p)
	}
}

func BenchmarkLicenseSyncParse(b *testing.B) {
	body := simulator.Fixture("ghec-license-sync-status.json")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		servers, err := decodeJSON[syncServers](body)
		if err != nil {
			b.Fatal(err)
		}
		drain(func(ch chan<- prometheus.Metric) { collectLicenseSync("t", servers, ch) })
	}
}

// BenchmarkScrapeFresh serves /metrics from a fresh cache: no API call.
func BenchmarkScrapeFresh(b *testing.B) {
	sim, url := startSim(b, simulator.Options{})
	tc := fixtureTarget(url)
	tc.Name, tc.TokenFile, tc.RefreshInterval = "acme", tokenFile(b), 0
	e := New(Options{})
	b.Cleanup(e.Close)
	if err := e.ApplyConfig(&config.Config{Targets: []*config.Target{tc}}); err != nil {
		b.Fatal(err)
	}
	h := e.Handler(HandlerOptions{})
	scrape := func() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil).WithContext(context.Background()))
		_, _ = io.Copy(io.Discard, w.Body)
	}
	scrape()
	before := sim.Total()
	b.ReportAllocs()
	for b.Loop() {
		scrape()
	}
	if sim.Total() != before {
		b.Fatalf("%d API calls while the data was fresh", sim.Total()-before)
	}
}
