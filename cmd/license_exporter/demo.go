package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/license-exporter/license_exporter/simulator"
)

// startDemo starts the simulated APIs on a loopback port and writes the
// configuration that points at them. The token is the simulator's own.
func startDemo() (configFile string, stop func(), err error) {
	sim := simulator.New(simulator.Options{})
	baseURL, stopSim, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("starting the simulator: %w", err)
	}
	dir, err := os.MkdirTemp("", "license_exporter-demo-")
	if err != nil {
		stopSim()
		return "", nil, err
	}
	stop = func() { stopSim(); os.RemoveAll(dir) }
	// Before any file exists: a SIGTERM must never find the token on disk
	// with no handler to remove it.
	stopOnSignal(stop, syscall.SIGINT, syscall.SIGTERM)
	tokenFile := filepath.Join(dir, "token")
	configFile = filepath.Join(dir, "license_exporter.yml")
	if err := os.WriteFile(tokenFile, []byte(simulator.DemoToken+"\n"), 0o600); err != nil {
		stop()
		return "", nil, err
	}
	if err := os.WriteFile(configFile, []byte(simulator.DemoConfig(baseURL, tokenFile)), 0o600); err != nil {
		stop()
		return "", nil, err
	}
	return configFile, stop, nil
}

// stopOnSignal removes the demo's files (its token among them) when the
// process is asked to stop, which would otherwise skip deferred calls. The
// handler is in place when it returns.
func stopOnSignal(stop func(), sig ...os.Signal) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sig...)
	go func() {
		<-ch
		stop()
		os.Exit(0)
	}()
}
