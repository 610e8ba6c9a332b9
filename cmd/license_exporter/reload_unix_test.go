//go:build unix

package main

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReloadOnSIGHUP(t *testing.T) {
	_, url := startSim(t)
	file := writeConfig(t, oneTarget, url)
	good, _ := os.ReadFile(file)
	r, exp, _ := newTestReloader(t, file)
	if err := r.Reload(); err != nil {
		t.Fatal(err)
	}
	stop := r.watch(syscall.SIGHUP)
	defer stop()

	writeFile(t, file, strings.Replace(string(good), "name: first", "name: hupped", 1))
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Skipf("cannot signal this process: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for targets(exp) != "hupped" {
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reload: targets %q", targets(exp))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
