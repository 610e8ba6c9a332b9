package collector

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// startSim serves a simulator on a loopback httptest server.
func startSim(t testing.TB, o simulator.Options) (*simulator.Server, string) {
	t.Helper()
	sim := simulator.New(o)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// tokenFile writes the simulator's token to a file and returns its path.
func tokenFile(t testing.TB) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(simulator.DemoToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// newTestTarget builds a target the way the exporter does.
func newTestTarget(t testing.TB, tc *config.Target) *Source {
	t.Helper()
	if tc.Name == "" {
		tc.Name = "test"
	}
	if tc.TokenFile == "" && tc.TokenEnv == "" && tc.GitHubApp == nil {
		tc.TokenFile = tokenFile(t)
	}
	e := New(Options{})
	t.Cleanup(e.Close)
	tgt, err := e.buildTarget(tc, Catalog())
	if err != nil {
		t.Fatal(err)
	}
	// A collector tested alone, often on a fake clock, fetches every time;
	// tests of what collectors share give the source a store.
	tgt.src.shared = nil
	return tgt.src
}

// newCollector builds the registered collector name for tc.
func newCollector(t testing.TB, name string, tc *config.Target) Collector {
	t.Helper()
	r, ok := registry[name]
	if !ok {
		t.Fatalf("no collector %s", name)
	}
	c, err := r.factory(newTestTarget(t, tc))
	if err != nil {
		t.Fatal(err)
	}
	return r.spec.forTarget(c, tc)
}

// drain runs f with a channel and returns what it sent.
func drain(f func(ch chan<- prometheus.Metric)) []prometheus.Metric {
	ch := make(chan prometheus.Metric)
	done := make(chan []prometheus.Metric)
	go func() {
		var out []prometheus.Metric
		for m := range ch {
			out = append(out, m)
		}
		done <- out
	}()
	f(ch)
	close(ch)
	return <-done
}

// runUpdate runs Update once and returns what it sent.
func runUpdate(t testing.TB, c Collector) ([]prometheus.Metric, error) {
	t.Helper()
	var err error
	ms := drain(func(ch chan<- prometheus.Metric) { err = c.Update(context.Background(), ch) })
	return ms, err
}

// replay is a prometheus.Collector that sends fixed metrics.
type replay []prometheus.Metric

func (r replay) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(r, ch) }
func (r replay) Collect(ch chan<- prometheus.Metric) {
	for _, m := range r {
		ch <- m
	}
}

// exposition renders metrics through a pedantic registry, as text.
func exposition(t testing.TB, metrics []prometheus.Metric) (string, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	if err := reg.Register(replay(metrics)); err != nil {
		t.Fatalf("registering: %v", err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gathering (pedantic): %v", err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String(), reg
}

// assertGolden runs the collector once and compares its exposition with
// testdata/<golden>.prom; -update rewrites the file. The output must also
// pass the same lint as promtool check metrics.
func assertGolden(t *testing.T, c Collector, golden string) {
	t.Helper()
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	assertGoldenMetrics(t, metrics, golden)
}

func assertGoldenMetrics(t *testing.T, metrics []prometheus.Metric, golden string) {
	t.Helper()
	got, reg := exposition(t, metrics)
	path := filepath.Join("testdata", golden+".prom")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("exposition differs from %s (-update rewrites it):\n%s", path, diffLines(string(want), got))
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

// diffLines lists the lines only in want (-) or only in got (+).
func diffLines(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// fixtureTarget is a github target of the fixture enterprise at url.
func fixtureTarget(url string) *config.Target {
	return &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.FixtureEnterprise}
}

// values maps each sample line's series (name{labels}) to its value.
func values(t testing.TB, metrics []prometheus.Metric) map[string]float64 {
	t.Helper()
	text, _ := exposition(t, metrics)
	return samples(t, text)
}

// samples maps each sample line of an exposition text to its value.
func samples(t testing.TB, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndex(line, " ")
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("bad sample line %q", line)
		}
		out[line[:i]] = v
	}
	return out
}

// sent runs a pure collect function and returns its series.
func sent(t *testing.T, collect func(ch chan<- prometheus.Metric)) map[string]float64 {
	t.Helper()
	return values(t, drain(collect))
}

// serveFixture answers path with a fixture and returns a function that gives
// the query of the last request it answered.
func serveFixture(sim *simulator.Server, path, fixture string) func() url.Values {
	var mu sync.Mutex
	var query url.Values
	sim.SetFault(path, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		query = r.URL.Query()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(simulator.Fixture(fixture))
	})
	return func() url.Values {
		mu.Lock()
		defer mu.Unlock()
		return query
	}
}
