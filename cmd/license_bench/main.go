// Command license_bench measures the exporter against the built-in simulator
// of a large enterprise with network latency, in-process, and reports the
// figures the README records: cold refresh time against the serial ideal,
// API requests per hour under several scrapers, scrape latency on fresh
// data, peak memory, requests in flight and the peak per-minute rate.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/alecthomas/kingpin/v2"

	apiclient "github.com/license-exporter/license_exporter/api"
)

type flags struct {
	users, memUsers   int
	latency           time.Duration
	scrapers          int
	scrapeEvery       time.Duration
	refresh, duration time.Duration
	rateUsers         int
	scrapes           int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == childCommand {
		os.Exit(runChild(os.Args[2:]))
	}
	app := kingpin.New("license_bench", "Benchmarks license_exporter against the simulator (see the README: Reliability, security and performance).")
	var f flags
	app.Flag("users", "Users of the enterprise for the cold refresh (100 per page).").Default("20000").IntVar(&f.users)
	app.Flag("latency", "Round-trip latency the simulator adds to every answer.").Default("50ms").DurationVar(&f.latency)
	app.Flag("mem-users", "Users of the enterprise for the peak-memory run.").Default("50000").IntVar(&f.memUsers)
	app.Flag("scrapers", "Prometheus servers scraping at once in the request-rate run.").Default("3").IntVar(&f.scrapers)
	app.Flag("scrape-interval", "How often each of them scrapes.").Default("1s").DurationVar(&f.scrapeEvery)
	app.Flag("refresh", "refresh_interval of the request-rate run.").Default("5s").DurationVar(&f.refresh)
	app.Flag("duration", "Length of the request-rate run (the rate is extrapolated to an hour).").Default("20s").DurationVar(&f.duration)
	app.Flag("rate-users", "Users of the enterprise in the request-rate run.").Default("2000").IntVar(&f.rateUsers)
	app.Flag("scrapes", "Scrapes of fresh data timed for the latency figures.").Default("500").IntVar(&f.scrapes)
	kingpin.MustParse(app.Parse(os.Args[1:]))

	r, err := run(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "license_bench:", err)
		os.Exit(1)
	}
	r.print(os.Stdout)
	if r.missed > 0 {
		fmt.Fprintf(os.Stderr, "license_bench: %d targets missed\n", r.missed)
		os.Exit(1)
	}
}

// run measures everything; a figure that misses its target is marked in the
// report, an error means a measurement could not be made.
func run(f flags) (*report, error) {
	r := &report{}
	fmt.Printf("license_bench: %s\n\n", machine())

	cold, err := coldRefresh(f)
	if err != nil {
		return nil, fmt.Errorf("cold refresh: %w", err)
	}
	r.add("cold refresh, %d users (%d pages), %s latency", f.users, cold.pages, f.latency)
	r.row("  time", cold.took.Round(time.Millisecond).String(), "")
	r.row("  serial ideal (pages × measured RTT "+cold.rtt.Round(time.Millisecond).String()+")", cold.serial.Round(time.Millisecond).String(), "")
	r.row("  speed-up over serial", fmt.Sprintf("%.1f×", cold.serial.Seconds()/cold.took.Seconds()), target(cold.serial.Seconds()/cold.took.Seconds() >= 4, "≥ 4×"))
	r.row("  max requests in flight", fmt.Sprint(cold.maxInFlight), target(cold.maxInFlight <= apiclient.DefaultMaxConcurrency, fmt.Sprintf("≤ %d", apiclient.DefaultMaxConcurrency)))
	r.row("  peak requests in any 60 s", fmt.Sprint(cold.peakMinute), target(cold.peakMinute <= 900, "≤ 900"))

	r.add("scrape latency on fresh data (%d scrapes over HTTP)", f.scrapes)
	r.row("  p50", ms(cold.p50), "")
	r.row("  p99", ms(cold.p99), target(cold.p99 < 100*time.Millisecond, "milliseconds"))
	r.row("  API requests during the scrapes", fmt.Sprint(cold.scrapeCalls), target(cold.scrapeCalls == 0, "0"))

	one, many, err := requestRate(f)
	if err != nil {
		return nil, fmt.Errorf("request rate: %w", err)
	}
	r.add("API requests per hour, refresh_interval %s, %d users, run of %s", f.refresh, f.rateUsers, f.duration)
	r.row("  expected from refresh_interval alone", fmt.Sprintf("%.0f", one.expected), "")
	r.row(fmt.Sprintf("  1 scraper every %s (%d scrapes)", f.scrapeEvery, one.scrapes), fmt.Sprintf("%.0f", one.perHour), "")
	r.row(fmt.Sprintf("  %d scrapers every %s (%d scrapes)", f.scrapers, f.scrapeEvery, many.scrapes), fmt.Sprintf("%.0f", many.perHour),
		target(many.perHour <= one.expected*1.15, "set by refresh_interval"))

	mem, err := peakMemory(f)
	if err != nil {
		return nil, fmt.Errorf("peak memory: %w", err)
	}
	r.add("peak memory, cold refresh of %d users (%d pages), exporter in a child process", f.memUsers, mem.Pages)
	r.row("  max RSS (VmHWM)", mib(mem.MaxRSS), target(mem.MaxRSS < 96<<20, "< 96 MiB"))
	r.row("  peak HeapInuse", mib(mem.HeapInuse), "")
	r.row("  peak HeapSys", mib(mem.HeapSys), "")
	r.row("  refresh time", (time.Duration(mem.TookMS) * time.Millisecond).String(), "")
	r.row("  max requests in flight", fmt.Sprint(mem.MaxInFlight), target(mem.MaxInFlight <= apiclient.DefaultMaxConcurrency, fmt.Sprintf("≤ %d", apiclient.DefaultMaxConcurrency)))
	r.row("  peak requests in any 60 s", fmt.Sprint(mem.PeakMinute), target(mem.PeakMinute <= 900, "≤ 900"))

	return r, nil
}
