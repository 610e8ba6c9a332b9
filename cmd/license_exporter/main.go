// Command license_exporter serves the license and billing data of GitHub
// Enterprise and GitLab as Prometheus metrics.
package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
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
	// Flags that only serving uses belong to serve, the default command, so
	// that check --help lists only what check reads; kingpin still takes
	// them without the word serve.
	serveCmd := app.Command("serve", "Serve the metrics (the default when no command is given).").Default()
	var (
		configFile     = app.Flag("config.file", "Path to the configuration file.").Default("license_exporter.yml").String()
		demo           = app.Flag("demo", "Serve metrics from a built-in simulated GitHub/GitLab API; needs no token.").Bool()
		logFlags       = addLogFlags(app)
		configCheck    = serveCmd.Flag("config.check", "Check the configuration file offline (no API request), report every mistake, and exit.").Bool()
		metricsPath    = serveCmd.Flag("web.telemetry-path", "Path under which to expose metrics.").Default("/metrics").String()
		defaultTimeout = serveCmd.Flag("scrape.default-timeout", "How long a scrape waits for a refresh when the scraper sends no X-Prometheus-Scrape-Timeout-Seconds.").Default("10s").Duration()
		timeoutOffset  = serveCmd.Flag("scrape.timeout-offset", "Kept back from the scraper's deadline to send the answer in time.").Default("500ms").Duration()
		maxTimeout     = serveCmd.Flag("scrape.max-timeout", "The longest wait a scraper's X-Prometheus-Scrape-Timeout-Seconds can ask for.").Default(collector.DefaultMaxTimeout.String()).Duration()
		maxRequests    = serveCmd.Flag("web.max-requests", "Maximum number of scrapes served at once; beyond it the answer is 503. 0 means no limit.").Default("40").Int()
		webFlags       = kingpinflag.AddFlags(serveCmd, ":9947")

		checkCmd     = app.Command("check", "Run every configured collector once against the APIs, print what each found or how to fix it, and exit 0 only if all succeeded.")
		checkTimeout = checkCmd.Flag("timeout", "How long the check waits for all collectors.").Default("1m").Duration()
	)
	if version.Version == "" {
		version.Version = "dev" // set by the Makefile's -ldflags
	}
	app.Version(version.Print(name))
	app.HelpFlag.Short('h')
	app.UsageTemplate(usageTemplate)
	app.UsageWriter(os.Stdout) // --version and --help are asked-for output, not errors
	cmd := kingpin.MustParse(app.Parse(os.Args[1:]))
	logger, slogger := logFlags.newLogger(os.Stderr)
	isCheck := cmd == checkCmd.FullCommand()
	if isCheck && !logFlags.levelSet {
		logger = log.NewNopLogger() // check's table says it all
	}

	stopDemo, handOverDemo := func() {}, func() {}
	if *demo {
		file, stop, handOver, err := startDemo()
		if err != nil {
			level.Error(logger).Log("msg", "starting the demo", "err", err)
			exit1()
		}
		stopDemo, handOverDemo = stop, handOver
		exitHook = stop
		*configFile = file
		level.Info(logger).Log("msg", "demo mode: serving a simulated API on loopback", "config", file)
	}
	defer stopDemo()
	opts := collector.Options{Logger: logger, UserAgent: name + "/" + version.Version}

	if *configCheck {
		code := runConfigCheck(os.Stdout, os.Stderr, *configFile)
		stopDemo()
		os.Exit(code)
	}
	if isCheck {
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
		level.Error(logger).Log("msg", "loading configuration", "err", withConfigHint(err, *configFile))
		exit1()
	}
	defer reload.watch(syscall.SIGHUP)()
	// Fetch once now rather than at the first scrape, so the status page and
	// the first scrape show data. Refreshes run on the exporter's context;
	// this only stops waiting for them.
	go exp.RefreshAll(context.Background())

	mux := http.NewServeMux()
	mux.Handle(*metricsPath, exp.Handler(collector.HandlerOptions{
		DefaultTimeout: *defaultTimeout, TimeoutOffset: *timeoutOffset, Gatherer: reg,
		MaxTimeout: *maxTimeout, MaxRequests: *maxRequests,
	}))
	mux.Handle("/-/reload", reload)
	mux.HandleFunc("/-/healthy", healthy)
	mux.HandleFunc("/-/ready", reload.ready)
	if *metricsPath != "/" {
		page, err := newStatusPage(web.LandingConfig{
			Name:        name,
			Description: "Licenses and billing of GitHub Enterprise and GitLab",
			Version:     version.Info() + " " + version.BuildContext(), // what --version prints: build user and date too
			Links:       []web.LandingLinks{{Address: *metricsPath, Text: "Metrics"}},
			Profiling:   "false", // no /debug/pprof here
		}, exp, time.Now)
		if err != nil {
			level.Error(logger).Log("msg", "building the status page", "err", err)
			exit1()
		}
		mux.Handle("/", page)
	}
	srv := newHTTPServer(mux, newServerLimits(*maxTimeout), logger)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	handOverDemo() // after Notify: no signal finds neither handler
	if err := serveUntilSignal(srv, func() error { return web.ListenAndServe(srv, webFlags, slogger) }, sigs, shutdownTimeout, logger); err != nil {
		level.Error(logger).Log("msg", "serving", "err", err)
		exit1()
	}
}
