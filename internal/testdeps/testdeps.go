// Package testdeps holds what tests in several packages share: FreePort,
// SyncBuffer, and Need, which finds the external programs some tests need
// (promtool, prometheus, kustomize or kubectl, chromium). In CI (CI=true) a
// missing program fails the test; elsewhere the test is skipped with a hint.
package testdeps

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of program, or ends the test: a skip with -short
// (make unit runs no external program), else a failure in CI and a skip
// elsewhere.
func Need(t testing.TB, program string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("needs " + program + ": not run with -short (make unit); make test runs it")
	}
	path, err := exec.LookPath(program)
	if err == nil {
		return path
	}
	msg := program + " not found: run scripts/install-test-deps"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true, so this is a failure")
	}
	t.Skip(msg)
	return ""
}
