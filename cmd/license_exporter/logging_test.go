package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/go-logfmt/logfmt"
)

// nextLine is the file:line after its caller's, as a log line's caller
// names it.
func nextLine() string {
	_, file, line, _ := runtime.Caller(1)
	return fmt.Sprintf("%s:%d", filepath.Base(file), line+1)
}

// TestLogCallerAndKeys: in both formats, caller names the line that logged,
// through go-kit (with and without a level or more context) and through the
// slog bridge that exporter-toolkit logs to, and no key appears twice.
func TestLogCallerAndKeys(t *testing.T) {
	for _, format := range []string{"logfmt", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			logger, slogger := (&logFlags{level: "info", format: format}).newLogger(&buf)
			var want []string
			want = append(want, nextLine())
			level.Info(logger).Log("msg", "go-kit")
			want = append(want, nextLine())
			level.Warn(log.With(logger, "collector", "c")).Log("msg", "go-kit with context")
			want = append(want, nextLine())
			logger.Log("msg", "go-kit without a level")
			level.Debug(logger).Log("msg", "filtered out at info")
			want = append(want, nextLine())
			slogger.Info("slog", "k", "v")
			want = append(want, nextLine())
			slogger.With("component", "web").Warn("slog with attrs")
			slogger.Debug("filtered out at info")

			lines := parseLines(t, format, buf.Bytes())
			if len(lines) != len(want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), buf.String())
			}
			for i, kv := range lines {
				if got := kv["caller"]; len(got) != 1 || got[0] != want[i] {
					t.Errorf("line %d: caller %v, want %s", i+1, got, want[i])
				}
				for k, vs := range kv {
					if len(vs) > 1 {
						t.Errorf("line %d: key %s appears %d times: %v", i+1, k, len(vs), vs)
					}
				}
				if _, dup := kv["time"]; dup {
					t.Errorf("line %d: both ts and time", i+1)
				}
				if len(kv["ts"]) != 1 {
					t.Errorf("line %d: no ts", i+1)
					continue
				}
				if ts, err := time.Parse(time.RFC3339Nano, kv["ts"][0]); err != nil || ts.Location() != time.UTC || time.Since(ts) > time.Minute {
					t.Errorf("line %d: ts %q is not a recent RFC 3339 time in UTC (%v)", i+1, kv["ts"][0], err)
				}
			}
		})
	}
}

// parseLines reads log output into one map per line, of each key to every
// value it was given on that line.
func parseLines(t *testing.T, format string, b []byte) []map[string][]string {
	t.Helper()
	var out []map[string][]string
	if format == "logfmt" {
		d := logfmt.NewDecoder(bytes.NewReader(b))
		for d.ScanRecord() {
			kv := map[string][]string{}
			for d.ScanKeyval() {
				kv[string(d.Key())] = append(kv[string(d.Key())], string(d.Value()))
			}
			out = append(out, kv)
		}
		if err := d.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		// Tokens, not a map, so that a repeated key would show.
		d := json.NewDecoder(strings.NewReader(sc.Text()))
		kv := map[string][]string{}
		if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("not a JSON object: %s", sc.Text())
		}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := d.Decode(&v); err != nil {
				t.Fatal(err)
			}
			kv[k.(string)] = append(kv[k.(string)], fmt.Sprint(v))
		}
		out = append(out, kv)
	}
	return out
}
