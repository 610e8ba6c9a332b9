package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

// reloader re-reads the configuration file on SIGHUP and POST /-/reload, as
// blackbox_exporter does. A file that does not load keeps the configuration
// in force and sets license_exporter_config_last_reload_successful to 0.
type reloader struct {
	file   string
	apply  func(*config.Config) error
	logger log.Logger
	now    func() time.Time

	loaded      atomic.Bool // a configuration is in force
	mu          sync.Mutex  // one reload at a time
	success     prometheus.Gauge
	successTime prometheus.Gauge
}

func newReloader(file string, exp *collector.Exporter, reg prometheus.Registerer, logger log.Logger) *reloader {
	r := &reloader{
		file: file, apply: exp.ApplyConfig, logger: logger, now: time.Now,
		success:     prometheus.NewGauge(collector.ReloadSuccessful.GaugeOpts()),
		successTime: prometheus.NewGauge(collector.ReloadSuccessTime.GaugeOpts()),
	}
	reg.MustRegister(r.success, r.successTime)
	return r
}

// Reload reads and applies the file. On error nothing changes but the gauge.
func (r *reloader) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg, err := config.Load(r.file, collector.Catalog())
	if err == nil {
		err = r.apply(cfg)
	}
	if err != nil {
		r.success.Set(0)
		return err
	}
	r.success.Set(1)
	r.loaded.Store(true)
	r.successTime.Set(float64(r.now().UnixNano()) / 1e9)
	for _, t := range cfg.Targets {
		for _, n := range t.Notes {
			level.Warn(r.logger).Log("msg", n, "target", t.Name)
		}
	}
	level.Info(r.logger).Log("msg", "configuration loaded", "file", r.file, "targets", len(cfg.Targets))
	return nil
}

// withConfigHint adds, to the error of a configuration file that does not
// exist, how to name one and how to try the exporter without one.
func withConfigHint(err error, file string) error {
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return fmt.Errorf("%w: pass the configuration with --config.file=PATH (docs/quickstart.md shows one), or try the exporter on simulated data with --demo", err)
}

// reloadLogged reloads and logs a failure; the old configuration stays.
func (r *reloader) reloadLogged(trigger string) error {
	err := r.Reload()
	if err != nil {
		level.Error(r.logger).Log("msg", "reloading the configuration failed; keeping the previous one", "trigger", trigger, "err", err)
	}
	return err
}

// ready serves /-/ready: 200 once a configuration is in force, 503 before.
// A failed reload keeps the previous configuration, so it stays ready.
func (r *reloader) ready(w http.ResponseWriter, _ *http.Request) {
	if !r.loaded.Load() {
		http.Error(w, "Not ready: no configuration loaded yet.", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "Ready.")
}

// ServeHTTP serves /-/reload: POST reloads, anything else is 405.
func (r *reloader) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "This endpoint requires a POST request.", http.StatusMethodNotAllowed)
		return
	}
	if err := r.reloadLogged("http"); err != nil {
		http.Error(w, fmt.Sprintf("failed to reload the configuration (the previous one is still in force): %s", err), http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, "configuration reloaded")
}

// watch reloads on every signal received until stop is called.
func (r *reloader) watch(sigs ...os.Signal) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-ch:
				_ = r.reloadLogged("signal")
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
		<-finished
	}
}
