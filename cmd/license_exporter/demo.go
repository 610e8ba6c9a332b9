package main

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/license-exporter/license_exporter/internal/simulator"
)

// startDemo starts the simulated APIs on a loopback port and writes the
// configuration that points at them. The token is the simulator's own.
// handOver ends its own signal handling once the server's is in place, so a
// SIGTERM then shuts the server down gracefully (the deferred stop removes
// the files).
func startDemo() (configFile string, stop, handOver func(), err error) {
	// Catch SIGINT and SIGTERM before anything is on disk: a signal must
	// never find the token there with no handler to remove it. One that
	// arrives early waits in the channel.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	sim := simulator.New(simulator.Options{})
	baseURL, stopAPI, err := sim.Listen("127.0.0.1:0")
	if err != nil {
		return "", nil, nil, fmt.Errorf("starting the simulator: %w", err)
	}
	// The Copilot usage reports' files live on a second loopback host, as
	// GitHub's signed links point away from the API: the exporter fetches
	// them without a credential.
	stopReports, err := sim.ListenReports("127.0.0.1:0")
	if err != nil {
		stopAPI()
		return "", nil, nil, fmt.Errorf("starting the simulator's report host: %w", err)
	}
	stopSim := func() { stopReports(); stopAPI() }
	dir, err := os.MkdirTemp("", "license_exporter-demo-")
	if err != nil {
		stopSim()
		return "", nil, nil, err
	}
	stop = func() { stopSim(); os.RemoveAll(dir) }
	handed := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			stop()
			os.Exit(0)
		case <-handed:
			signal.Stop(sigs)
		}
	}()
	handOver = sync.OnceFunc(func() { close(handed) })
	tokenFile := filepath.Join(dir, "token")
	configFile = filepath.Join(dir, "license_exporter.yml")
	if err := os.WriteFile(tokenFile, []byte(simulator.DemoToken+"\n"), 0o600); err != nil {
		stop()
		return "", nil, nil, err
	}
	if err := os.WriteFile(configFile, []byte(simulator.DemoConfig(baseURL, tokenFile)), 0o600); err != nil {
		stop()
		return "", nil, nil, err
	}
	return configFile, stop, handOver, nil
}
