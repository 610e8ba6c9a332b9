package main

import (
	"bufio"
	"fmt"
	"github.com/license-exporter/license_exporter/internal/testdeps"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

var binary string

// TestMain builds the exporter once, as it ships (static, no cgo).
func TestMain(m *testing.M) { os.Exit(buildAndRun(m)) }

// buildAndRun removes its build directory however it ends (os.Exit and a
// panic would skip the removal), also when the build fails.
func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "license_exporter-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "license_exporter")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the exporter: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// startExporter runs the binary and waits until it listens.
func startExporter(t *testing.T, args ...string) (addr string, logs *strings.Builder) {
	t.Helper()
	addr = testdeps.FreePort(t)
	cmd := exec.Command(binary, append(args, "--web.listen-address="+addr)...)
	tmp := testdeps.IsolateTemp(t, cmd)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logs = &strings.Builder{}
	done := make(chan struct{})
	go func() {
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			logs.WriteString(s.Text() + "\n")
		}
		close(done)
	}()
	t.Cleanup(func() {
		<-done // the pipe must be drained before Wait closes it
		testdeps.AssertNothingLeft(t, tmp)
	})
	t.Cleanup(func() { testdeps.Stop(cmd) })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if resp, err := http.Get("http://" + addr + "/"); err == nil {
			resp.Body.Close()
			return addr, logs
		}
		if time.Now().After(deadline) {
			t.Fatalf("the exporter did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "15")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestDemoServesRealMetrics(t *testing.T) {
	addr, _ := startExporter(t, "--demo")
	// The large synthetic enterprise's first refresh (200 pages) may outlast
	// a scrape on a busy machine: scrape until it is in, with a bound that
	// only a broken demo reaches.
	var body string
	for deadline := time.Now().Add(2 * time.Minute); ; {
		body = get(t, "http://"+addr+"/metrics")
		if strings.Contains(body, `github_enterprise_seats_consumed{target="large-corp"}`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, want := range []string{
		`github_enterprise_seats_consumed{target="octo-corp"} 5000`,
		`github_enterprise_seats_purchased{target="octo-corp"} 4500`,
		`github_enterprise_seats_consumed{target="large-corp"} 20000`,
		`license_exporter_build_info{`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("demo metrics lack %q", want)
		}
	}
	if page := get(t, "http://"+addr+"/"); !strings.Contains(page, "license_exporter") || !strings.Contains(page, "/metrics") {
		t.Errorf("landing page:\n%s", page)
	}
	for path, want := range map[string]string{"/-/healthy": "Healthy.\n", "/-/ready": "Ready.\n"} {
		if got := get(t, "http://"+addr+path); got != want {
			t.Errorf("GET %s: %q, want %q", path, got, want)
		}
	}
}

func TestConfigErrorStopsWithMessage(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	os.WriteFile(tok, []byte("ghp_NeverPrintThis0123456789"), 0o600)
	cfg := filepath.Join(dir, "le.yml")
	os.WriteFile(cfg, []byte("targets:\n  - name: acme\n    type: github\n    token_file: "+tok+"\n"), 0o600)
	out, err := exec.Command(binary, "--config.file="+cfg, "--web.listen-address="+testdeps.FreePort(t)).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `target \"acme\" (line 2): key enterprise: missing`) {
		t.Errorf("the message should name the target, line and key:\n%s", out)
	}
	if strings.Contains(string(out), "NeverPrintThis") {
		t.Error("the token leaked")
	}
}

func TestVersionAndHelp(t *testing.T) {
	out, err := exec.Command(binary, "--version").Output() // stdout only
	if err != nil || !regexp.MustCompile(`license_exporter, version \S+`).Match(out) {
		t.Errorf("--version on stdout: %v %q", err, out)
	}
	out, _ = exec.Command(binary, "--help").CombinedOutput()
	for _, want := range []string{"--config.file", "demo", "--web.listen-address", "--web.config.file", "--log.level", ":9947"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--help lacks %s", want)
		}
	}
}

func TestDemoRemovesItsFilesOnSIGTERM(t *testing.T) {
	tmp := t.TempDir()
	addr := testdeps.FreePort(t)
	cmd := exec.Command(binary, "--demo", "--web.listen-address="+addr)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the demo wrote no files")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the demo left %v behind (its token among them)", entries[0].Name())
	}
}

// TestServingShutsDownOnSIGTERM: once serving, SIGTERM shuts the server
// down gracefully (the demo's own handler has handed over) and exits 0,
// with the demo's files removed by the normal return.
func TestServingShutsDownOnSIGTERM(t *testing.T) {
	tmp := t.TempDir()
	addr := testdeps.FreePort(t)
	cmd := exec.Command(binary, "--demo", "--web.listen-address="+addr)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	logs := &testdeps.SyncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if resp, err := http.Get("http://" + addr + "/-/healthy"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the demo did not serve")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v, want 0\n%s", err, logs)
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("no graceful shutdown in the log:\n%s", logs)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the demo left %v behind", entries[0].Name())
	}
}

// TestMissingConfigSaysWhatToDo: without a configuration file the exporter
// says how to pass one and how to try the demo.
func TestMissingConfigSaysWhatToDo(t *testing.T) {
	cmd := exec.Command(binary, "--web.listen-address="+testdeps.FreePort(t))
	cmd.Dir = t.TempDir() // no license_exporter.yml here
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	for _, want := range []string{"no such file", "--config.file=PATH", "--demo"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the message lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckPrintsOnlyItsTable: check writes its table to stdout and no log
// line unless --log.level asks for them.
func TestCheckPrintsOnlyItsTable(t *testing.T) {
	var stdout, stderr strings.Builder
	cmd := exec.Command(binary, "check", "--demo")
	tmp := testdeps.IsolateTemp(t, cmd)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("check --demo: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	testdeps.AssertNothingLeft(t, tmp)
	if !strings.Contains(stdout.String(), "collectors OK") || stderr.Len() != 0 {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	cmd = exec.Command(binary, "check", "--demo", "--log.level=info")
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "demo mode") {
		t.Errorf("--log.level=info should log:\n%s", out)
	}
}

// TestRefreshesAtStart: the exporter fetches once when it starts, so the
// status page and the first scrape have data; nothing has scraped it here.
func TestRefreshesAtStart(t *testing.T) {
	sim, url := startSim(t)
	file := writeConfig(t, oneTarget, url)
	addr, _ := startExporter(t, "--config.file="+file)
	deadline := time.Now().Add(10 * time.Second)
	for {
		page := get(t, "http://"+addr+"/")
		if strings.Contains(page, `<tr class="ok"><td>consumed_licenses</td><td>15m</td><td>OK</td>`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no refresh at start (%d API requests); page:\n%s", sim.Total(), page)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
