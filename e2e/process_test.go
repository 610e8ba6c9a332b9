package e2e

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/license-exporter/license_exporter/internal/testdeps"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// start runs a program until the test ends; its output is logged if the
// test fails.
func start(t *testing.T, name string, args ...string) {
	t.Helper()
	var out testdeps.SyncBuffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	tmp := testdeps.IsolateTemp(t, cmd)
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		testdeps.Stop(cmd)
		testdeps.AssertNothingLeft(t, tmp)
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(name), tail(out.String(), 4000))
		}
	})
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

// `make golden` passes -update to every package; nothing here is golden.
var _ = flag.Bool("update", false, "accepted for `make golden`; unused here")

func TestMain(m *testing.M) {
	code := m.Run()
	if buildBin != "" {
		os.RemoveAll(filepath.Dir(buildBin))
	}
	os.Exit(code)
}

// buildExporter builds the exporter once per test run, with exactly the
// command `make build` runs (CGO_ENABLED=0, -trimpath, the version ldflags),
// which is also what the Dockerfile runs.
func buildExporter(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "license_exporter-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		buildBin = filepath.Join(dir, "license_exporter")
		mk := exec.Command("make", "-s", "--no-print-directory", "-n", "build", "VERSION=e2e-test")
		mk.Dir = ".."
		plan, err := mk.Output()
		if err != nil {
			buildErr = fmt.Errorf("make -n build: %w", err)
			return
		}
		line := strings.TrimSpace(string(plan))
		if !strings.Contains(line, " -o license_exporter ") || strings.Count(line, "\n") > 0 {
			buildErr = fmt.Errorf("unexpected build command from make -n build: %q", line)
			return
		}
		line = strings.Replace(line, " -o license_exporter ", " -o "+buildBin+" ", 1)
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "VERSION=e2e-test") // what make exports to scripts/ldflags
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("%s: %v\n%s", line, err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// poll calls f until it reports done or the deadline passes.
func poll(t *testing.T, what string, timeout time.Duration, f func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		done, state := f()
		if done {
			return
		}
		if state != "" {
			last = state
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; last: %s", timeout, what, last)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func get(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("%s: %s: %s", u, resp.Status, tail(string(b), 300))
	}
	return b, nil
}

// promAPI queries Prometheus's HTTP API.
type promAPI struct{ base string }

type sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

func (p promAPI) query(ctx context.Context, q string) ([]sample, error) {
	b, err := get(ctx, p.base+"/api/v1/query?"+url.Values{"query": {q}}.Encode())
	if err != nil {
		return nil, err
	}
	var r struct {
		Status, Error string
		Data          struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("%s", r.Error)
	}
	if r.Data.ResultType != "vector" {
		return nil, fmt.Errorf("result type %s, want vector", r.Data.ResultType)
	}
	var out []sample
	return out, json.Unmarshal(r.Data.Result, &out)
}

// value is a sample's value as a number (NaN and ±Inf included).
func (s sample) value() float64 {
	str, _ := s.Value[1].(string)
	v, _ := strconv.ParseFloat(str, 64)
	return v
}
