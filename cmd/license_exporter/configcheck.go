package main

import (
	"fmt"
	"io"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/text"
)

// runConfigCheck is --config.check, as in blackbox_exporter: it loads the
// configuration exactly as serve does, reports every mistake of the file at
// once, and exits, without sending any API request. check, which calls the
// APIs, is the next step.
func runConfigCheck(stdout, stderr io.Writer, file string) int {
	cfg, err := config.Load(file, collector.Catalog())
	if err != nil {
		fmt.Fprintf(stderr, "%s --config.check: %v\n", name, withConfigHint(err, file))
		return 1
	}
	for _, t := range cfg.Targets {
		for _, n := range t.Notes {
			fmt.Fprintf(stdout, "%s: note: %s\n", t.Name, n)
		}
	}
	fmt.Fprintf(stdout, "%s: the configuration is valid (%s); `%s check` runs the collectors against the APIs\n",
		file, text.Count(len(cfg.Targets), "target", "targets"), name)
	return 0
}
