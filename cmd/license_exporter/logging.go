package main

import (
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"

	"github.com/license-exporter/license_exporter/api"
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
//
// The go-kit logger binds ts and caller outside the level filter: With and
// level.X flatten into that one layer, so log.DefaultCaller's depth reaches
// the call site whether or not a level or more context was added. Binding
// them under the filter would name the filter's own level.go instead.
//
// The bridge's lines skip that layer: slog-gokit already adds the caller
// (from the record's PC) and the record's time, which slogTime renames to
// ts; binding ours too would write each key twice.
func (f *logFlags) newLogger(w io.Writer) (log.Logger, *slog.Logger) {
	w = log.NewSyncWriter(w)
	var base log.Logger
	if f.format == "json" {
		base = log.NewJSONLogger(w)
	} else {
		base = log.NewLogfmtLogger(w)
	}
	base = redactLog(base)
	var (
		allow level.Option
		lv    slog.Level
	)
	switch f.level {
	case "debug":
		allow, lv = level.AllowDebug(), slog.LevelDebug
	case "warn":
		allow, lv = level.AllowWarn(), slog.LevelWarn
	case "error":
		allow, lv = level.AllowError(), slog.LevelError
	default:
		allow, lv = level.AllowInfo(), slog.LevelInfo
	}
	// caller before ts: the order of the bridge's lines.
	l := log.With(level.NewFilter(base, allow), "caller", log.DefaultCaller, "ts", log.DefaultTimestampUTC)
	bridged := level.NewFilter(slogTime(base), allow)
	return l, slog.New(sloggokit.NewGoKitHandler(bridged, lv))
}

// slogTime writes the time slog-gokit passes under slog's "time" key as the
// go-kit lines write theirs: key ts, RFC 3339 in UTC.
func slogTime(next log.Logger) log.Logger {
	return log.LoggerFunc(func(kv ...any) error {
		for i := 0; i+1 < len(kv); i += 2 {
			if t, ok := kv[i+1].(time.Time); ok && kv[i] == slog.TimeKey {
				kv = slices.Clone(kv) // the slice is the bridge's
				kv[i], kv[i+1] = "ts", t.UTC().Format(time.RFC3339Nano)
				break
			}
		}
		return next.Log(kv...)
	})
}

// redactLog removes every credential the exporter has sent, and anything
// shaped like a token, from each string and error of a line: the last guard,
// behind the client's own redaction of what the APIs say. It sits below the
// level filter (only lines that are written pay for it) and below the
// caller binding (whose depth it would otherwise shift).
func redactLog(next log.Logger) log.Logger {
	return log.LoggerFunc(func(kv ...any) error {
		out := make([]any, len(kv))
		for i, v := range kv {
			switch v := v.(type) {
			case string:
				out[i] = api.RedactSent(v)
			case error:
				out[i] = api.RedactSent(v.Error())
			default:
				out[i] = v
			}
		}
		return next.Log(out...)
	})
}

// exitHook runs before exit1 exits (the demo removes its files).
var exitHook = func() {}

// exit1 exits with status 1 after the hook. The caller logs why itself, so
// that the line's caller names it rather than a helper here.
func exit1() {
	exitHook()
	os.Exit(1)
}
