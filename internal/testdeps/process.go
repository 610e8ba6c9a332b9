package testdeps

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// IsolateTemp points cmd's TMPDIR at a directory of the test's own, so that
// whatever the process leaves there (the demo writes a token and a
// configuration) is seen by AssertNothingLeft instead of piling up in /tmp.
func IsolateTemp(t testing.TB, cmd *exec.Cmd) string {
	t.Helper()
	dir := t.TempDir()
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env, "TMPDIR="+dir)
	return dir
}

// Stop ends a started process the way systemd or Kubernetes do: SIGTERM,
// then SIGKILL if it has not exited within 10 seconds. A SIGKILL alone would
// give it no chance to clean up.
func Stop(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// AssertNothingLeft fails the test when dir (an IsolateTemp directory)
// still holds a demo directory after the process stopped.
func AssertNothingLeft(t testing.TB, dir string) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(dir, "license_exporter-demo-*"))
	if len(left) > 0 {
		t.Errorf("the process left %v behind", left)
	}
}
