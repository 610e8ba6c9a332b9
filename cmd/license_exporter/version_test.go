package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/internal/testdeps"
)

// TestBuildInfo builds the exporter with scripts/ldflags, the one list of
// -ldflags that make build, the Dockerfile and goreleaser use, and checks that
// every value reaches --version, license_exporter_build_info and the status
// page: a variable misspelt in the script would leave its default ("" or
// "unknown") and fail here.
func TestBuildInfo(t *testing.T) {
	script := exec.Command("../../scripts/ldflags")
	script.Env = append(os.Environ(), "VERSION=v7.8.9", "REVISION=0123abcdef", "BRANCH=release-7.8",
		"BUILD_USER=builder@ci", "BUILD_DATE=20260102-03:04:05")
	ldflags, err := script.Output()
	if err != nil {
		t.Fatalf("scripts/ldflags: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "license_exporter")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", strings.TrimSpace(string(ldflags)), "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags %q: %v\n%s", ldflags, err, out)
	}

	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	wantAll(t, "--version", string(out),
		"license_exporter, version 7.8.9 (branch: release-7.8, revision: 0123abcdef)", // the tag without its v
		"build user:       builder@ci",
		"build date:       20260102-03:04:05")

	addr := testdeps.FreePort(t)
	cmd := exec.Command(bin, "--demo", "--web.listen-address="+addr)
	tmp := testdeps.IsolateTemp(t, cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testdeps.Stop(cmd); testdeps.AssertNothingLeft(t, tmp) })
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get("http://" + addr + "/-/healthy")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("the exporter did not start: %v", err)
		}
	}
	wantAll(t, "/metrics", get(t, "http://"+addr+"/metrics"),
		`license_exporter_build_info{branch="release-7.8",goarch=`,
		`revision="0123abcdef",tags="unknown",version="7.8.9"} 1`)
	wantAll(t, "the status page", get(t, "http://"+addr+"/"),
		"version=7.8.9, branch=release-7.8, revision=0123abcdef", "user=builder@ci, date=20260102-03:04:05")
}
