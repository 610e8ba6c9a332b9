package main

import (
	"log/slog"
	"os"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"
)

type logFlags struct {
	level, format string
	levelSet      bool // --log.level was given, not defaulted
}

func addLogFlags(app *kingpin.Application) *logFlags {
	f := &logFlags{}
	app.Flag("log.level", "Only log messages with the given severity or above. One of: [debug, info, warn, error]").
		Default("info").IsSetByUser(&f.levelSet).EnumVar(&f.level, "debug", "info", "warn", "error")
	app.Flag("log.format", "Output format of log messages. One of: [logfmt, json]").
		Default("logfmt").EnumVar(&f.format, "logfmt", "json")
	return f
}

// newLogger builds the go-kit logger the exporter logs through, and a slog
// bridge to it for exporter-toolkit, so one --log.level drives both.
func (f *logFlags) newLogger() (log.Logger, *slog.Logger) {
	w := log.NewSyncWriter(os.Stderr)
	var l log.Logger
	if f.format == "json" {
		l = log.NewJSONLogger(w)
	} else {
		l = log.NewLogfmtLogger(w)
	}
	l = log.With(l, "ts", log.DefaultTimestampUTC, "caller", log.DefaultCaller)
	var lv slog.Level
	switch f.level {
	case "debug":
		l, lv = level.NewFilter(l, level.AllowDebug()), slog.LevelDebug
	case "warn":
		l, lv = level.NewFilter(l, level.AllowWarn()), slog.LevelWarn
	case "error":
		l, lv = level.NewFilter(l, level.AllowError()), slog.LevelError
	default:
		l, lv = level.NewFilter(l, level.AllowInfo()), slog.LevelInfo
	}
	return l, slog.New(sloggokit.NewGoKitHandler(l, lv))
}

// exitHook runs before fatal exits (the demo removes its files).
var exitHook = func() {}

func fatal(logger log.Logger, msg string, err error) {
	level.Error(logger).Log("msg", msg, "err", err)
	exitHook()
	os.Exit(1)
}
