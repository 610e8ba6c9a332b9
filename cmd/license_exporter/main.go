// Command license_exporter serves the license and billing data of GitHub
// Enterprise and GitLab as Prometheus metrics.
package main

import (
	"net/http"
	"os"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"
	"github.com/prometheus/exporter-toolkit/web/kingpinflag"

	"github.com/license-exporter/license_exporter/collector"
)

const name = "license_exporter"

func main() {
	app := kingpin.New(name, "Prometheus exporter for the licenses and billing of GitHub Enterprise and GitLab.")
	var (
		configFile     = app.Flag("config.file", "Path to the configuration file.").Default("license_exporter.yml").String()
		demo           = app.Flag("demo", "Serve metrics from a built-in simulated GitHub/GitLab API; needs no token.").Bool()
		metricsPath    = app.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		defaultTimeout = app.Flag("scrape.default-timeout", "How long a scrape waits for a refresh when the scraper sends no X-Prometheus-Scrape-Timeout-Seconds.").Default("10s").Duration()
		timeoutOffset  = app.Flag("scrape.timeout-offset", "Kept back from the scraper's deadline to send the answer in time.").Default("500ms").Duration()
		webFlags       = kingpinflag.AddFlags(app, ":9947")
		logFlags       = addLogFlags(app)

		_            = app.Command("serve", "Serve the metrics (the default when no command is given).").Default()
		checkCmd     = app.Command("check", "Run every configured collector once, print what each found or how to fix it, and exit 0 only if all succeeded.")
		checkTimeout = checkCmd.Flag("timeout", "How long the check waits for all collectors.").Default("1m").Duration()
	)
	if version.Version == "" {
		version.Version = "dev" // set by the Makefile's -ldflags
	}
	app.Version(version.Print(name))
	app.HelpFlag.Short('h')
	cmd := kingpin.MustParse(app.Parse(os.Args[1:]))
	logger, slogger := logFlags.newLogger(os.Stderr)

	stopDemo := func() {}
	if *demo {
		file, stop, err := startDemo()
		if err != nil {
			level.Error(logger).Log("msg", "starting the demo", "err", err)
			exit1()
		}
		stopDemo = stop
		exitHook = stop
		*configFile = file
		level.Info(logger).Log("msg", "demo mode: serving a simulated API on loopback", "config", file)
	}
	defer stopDemo()
	opts := collector.Options{Logger: logger, UserAgent: name + "/" + version.Version}

	if cmd == checkCmd.FullCommand() {
		if logFlags.level != "debug" {
			opts.Logger = nil // the table says it all
		}
		code := runCheck(os.Stdout, os.Stderr, *configFile, *checkTimeout, opts)
		stopDemo()
		os.Exit(code)
	}
	level.Info(logger).Log("msg", "starting "+name, "version", version.Info(), "build_context", version.BuildContext())

	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		versioncollector.NewCollector(name),
	)
	opts.Registerer = reg
	exp := collector.New(opts)
	defer exp.Close()
	reload := newReloader(*configFile, exp, reg, logger)
	if err := reload.Reload(); err != nil {
		level.Error(logger).Log("msg", "loading configuration", "err", err)
		exit1()
	}
	defer reload.watch(syscall.SIGHUP)()

	mux := http.NewServeMux()
	mux.Handle(*metricsPath, exp.Handler(collector.HandlerOptions{
		DefaultTimeout: *defaultTimeout, TimeoutOffset: *timeoutOffset, Gatherer: reg,
	}))
	mux.Handle("/-/reload", reload)
	if *metricsPath != "/" {
		mux.Handle("/", &statusPage{src: exp, now: time.Now, landing: web.LandingConfig{
			Name:        name,
			Description: "Licenses and billing of GitHub Enterprise and GitLab",
			Version:     version.Info(),
			Links:       []web.LandingLinks{{Address: *metricsPath, Text: "Metrics"}},
			Profiling:   "false", // no /debug/pprof here
		}})
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := web.ListenAndServe(srv, webFlags, slogger); err != nil {
		level.Error(logger).Log("msg", "serving", "err", err)
		exit1()
	}
}
