// Command license_bench measures the exporter against the built-in simulator
// of a large enterprise with network latency, in-process, and reports the
// figures the README and docs/api-cost.md record: cold refresh time against
// the fastest schedule GitHub's secondary limits allow, what each collector
// costs an hour, scrape latency on fresh data, requests per hour under
// several scrapers, and peak memory, also under endless answers.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/alecthomas/kingpin/v2"

	apiclient "github.com/license-exporter/license_exporter/api"
)

type flags struct {
	coldUsers         []int
	latencies         []time.Duration
	costUsers         int
	memUsers          int
	memLatency        time.Duration
	latency           time.Duration
	scrapers          int
	scrapeEvery       time.Duration
	refresh, duration time.Duration
	rateUsers         int
	scrapes           int
	hostile           bool
	onlyHostile       bool
	scrapeOnly        bool
	costOnly          bool
	coldOnly          bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == childCommand {
		os.Exit(runChild(os.Args[2:]))
	}
	app := kingpin.New("license_bench", "Benchmarks license_exporter against the simulator (see docs/api-cost.md).")
	var f flags
	app.Flag("cold-users", "Enterprise sizes of the cold refreshes (100 users a page); repeatable.").Default("20000", "50000", "200000").IntsVar(&f.coldUsers)
	app.Flag("page-latency", "Time GitHub takes per page in the cold refreshes; repeatable.").Default("50ms", "1s").DurationListVar(&f.latencies)
	app.Flag("cost-users", "Users of the enterprise whose API cost per collector is measured (the demo's large-corp).").Default("20000").IntVar(&f.costUsers)
	app.Flag("mem-users", "Users of the enterprise for the peak-memory run.").Default("200000").IntVar(&f.memUsers)
	app.Flag("mem-latency", "Page latency of the peak-memory run.").Default("50ms").DurationVar(&f.memLatency)
	app.Flag("latency", "Latency of the request-rate run.").Default("50ms").DurationVar(&f.latency)
	app.Flag("scrapers", "Prometheus servers scraping at once in the request-rate run.").Default("3").IntVar(&f.scrapers)
	app.Flag("scrape-interval", "How often each of them scrapes.").Default("1s").DurationVar(&f.scrapeEvery)
	app.Flag("refresh", "refresh_interval of the request-rate run.").Default("5s").DurationVar(&f.refresh)
	app.Flag("duration", "Length of the request-rate run (the rate is extrapolated to an hour).").Default("20s").DurationVar(&f.duration)
	app.Flag("rate-users", "Users of the enterprise in the request-rate run.").Default("2000").IntVar(&f.rateUsers)
	app.Flag("scrapes", "Scrapes of fresh data timed for the latency figures.").Default("500").IntVar(&f.scrapes)
	app.Flag("hostile", "Also measure memory with every collector receiving an endless answer.").Default("true").BoolVar(&f.hostile)
	app.Flag("only-hostile", "Measure only the memory under hostile answers (endless bodies, 10 MB headers).").BoolVar(&f.onlyHostile)
	app.Flag("scrape-only", "Only the scrape latency comparison (quick, to profile the scrape path).").BoolVar(&f.scrapeOnly)
	app.Flag("cost-only", "Measure only the API cost per collector (fast: no latency).").BoolVar(&f.costOnly)
	app.Flag("cold-only", "Measure only the cold refreshes against the ideal (--cold-users, --page-latency).").BoolVar(&f.coldOnly)
	kingpin.MustParse(app.Parse(os.Args[1:]))

	if f.costOnly {
		r := &report{}
		if err := costSection(r, f.costUsers); err != nil {
			fmt.Fprintln(os.Stderr, "license_bench:", err)
			os.Exit(1)
		}
		r.print(os.Stdout)
		return
	}
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
	lim := apiclient.DefaultLimits()
	if f.onlyHostile {
		return r, hostileSection(r)
	}

	if f.scrapeOnly {
		return r, scrapeSection(r, f)
	}
	if f.coldOnly {
		return r, coldSection(r, f)
	}
	if err := costSection(r, f.costUsers); err != nil {
		return nil, err
	}

	if err := coldSection(r, f); err != nil {
		return nil, err
	}

	if err := scrapeSection(r, f); err != nil {
		return nil, err
	}

	one, many, err := requestRate(f)
	if err != nil {
		return nil, fmt.Errorf("request rate: %w", err)
	}
	r.add("API requests per hour (304s included), refresh_interval %s, %d users, run of %s", f.refresh, f.rateUsers, f.duration)
	r.row("  expected from refresh_interval alone", fmt.Sprintf("%.0f", one.expected), "")
	r.row(fmt.Sprintf("  1 scraper every %s (%d scrapes)", f.scrapeEvery, one.scrapes), fmt.Sprintf("%.0f", one.perHour), "")
	r.row(fmt.Sprintf("  %d scrapers every %s (%d scrapes)", f.scrapers, f.scrapeEvery, many.scrapes), fmt.Sprintf("%.0f", many.perHour),
		target(many.perHour <= one.expected*1.15, "set by refresh_interval"))

	mem, err := peakMemory(f.memUsers, f.memLatency)
	if err != nil {
		return nil, fmt.Errorf("peak memory: %w", err)
	}
	r.add("peak memory, cold refresh of %d users (%d pages, %s a page), exporter in a child process", f.memUsers, mem.Pages, f.memLatency)
	r.row("  max RSS (VmHWM)", mib(mem.MaxRSS), target(mem.MaxRSS < 64<<20, "< 64 MiB"))
	r.row("  peak HeapInuse", mib(mem.HeapInuse), "")
	r.row("  refresh time (GitHub's time)", (time.Duration(mem.TookMS) * time.Millisecond).String(), "")
	r.row("  max requests in flight; secondary-limit answers", fmt.Sprintf("%d; %d", mem.MaxInFlight, mem.Limited), target(mem.MaxInFlight <= lim.Concurrency && mem.Limited == 0, fmt.Sprintf("≤ %d; 0", lim.Concurrency)))

	if f.hostile {
		if err := hostileSection(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// hostileSection measures peak memory while every default collector of a
// GitHub target receives an endless body, then a 10 MB header, at once.
func hostileSection(r *report) error {
	for _, h := range []struct {
		what string
		run  func() (*memResult, error)
	}{
		{"an endless answer", hostileMemory},
		{"answers with a 10 MB Link header", hostileHeaderMemory},
	} {
		m, err := h.run()
		if err != nil {
			return fmt.Errorf("hostile memory, %s: %w", h.what, err)
		}
		r.add("peak memory, every default collector of a GitHub target receiving %s at once", h.what)
		r.row("  max RSS (VmHWM)", mib(m.MaxRSS), target(m.MaxRSS < 64<<20, "< 64 MiB"))
		r.row("  peak HeapInuse", mib(m.HeapInuse), "")
		r.row("  collectors that failed cleanly", fmt.Sprintf("%d of %d", m.Failed, m.Collectors), target(m.Failed == m.Collectors && m.Collectors > 0, "all"))
	}
	return nil
}

// costSection reports what each default collector costs the demo's
// large-corp at default settings, against the hourly budgets of a personal
// access token (5,000) and of an Enterprise Cloud GitHub App (15,000).
func costSection(r *report, users int) error {
	costs, err := apiCost(users)
	if err != nil {
		return fmt.Errorf("api cost: %w", err)
	}
	r.add("API cost per collector, large-corp with %d users at default settings (requests per refresh: cold / charged on a repeat with ETags + answered 304)", users)
	var coldH, steadyH float64
	for _, c := range costs {
		r.row(fmt.Sprintf("  %s, every %s", c.name, c.interval), fmt.Sprintf("%d / %d+%d", c.cold, c.charged, c.n304),
			fmt.Sprintf("%.0f an hour cold, %.0f with ETags", c.perHour(c.cold), c.perHour(c.charged)))
		coldH += c.perHour(c.cold)
		steadyH += c.perHour(c.charged)
	}
	joint, isolated, err := jointCost(users, costs)
	if err != nil {
		return fmt.Errorf("api cost together: %w", err)
	}
	coldH -= float64(isolated.cold - joint.cold)
	steadyH -= float64(isolated.charged - joint.charged)
	var repeats, n304 int64
	for _, c := range costs {
		if c.interval != time.Hour {
			repeats += int64(c.perHour(c.charged + c.n304))
			n304 += int64(c.perHour(c.n304))
		}
	}
	repeats += joint.charged + joint.n304
	n304 += joint.n304
	r.row("  the hourly collectors together, in one target (they share what they fetch in common)", fmt.Sprintf("%d / %d+%d", joint.cold, joint.charged, joint.n304),
		fmt.Sprintf("%d / %d+%d when each runs alone", isolated.cold, isolated.charged, isolated.n304))
	r.row("  requests an hour if every refresh were cold", fmt.Sprintf("%.0f", coldH), fmt.Sprintf("%.0f %% of 5,000; %.0f %% of 15,000", coldH/50, coldH/150))
	r.row("  requests an hour charged, steady state with ETags", fmt.Sprintf("%.0f", steadyH), target(steadyH <= 5000*0.2, "≤ 20 % of 5,000"))
	share := float64(n304) / float64(repeats)
	r.row("  repeat requests an hour answered 304, unchanged data", fmt.Sprintf("%d of %d (%.1f %%)", n304, repeats, 100*share), target(share >= 0.95, "≥ 95 %"))
	return nil
}

// scrapeSection reports warm scrape latency beside a minimal client_golang
// handler measured in the same run (docs/reliability.md: Scrape latency).
func scrapeSection(r *report, f flags) error {
	s, err := scrapeLatency(f.costUsers, f.scrapes)
	if err != nil {
		return fmt.Errorf("scrape latency: %w", err)
	}
	r.add("scrape latency on fresh data (%d scrapes over HTTP each, alternating), beside a minimal client_golang handler serving %d gauges from memory with the same Go and process collectors", f.scrapes, minimalGauges)
	ratio := func(a, b time.Duration) float64 { return float64(a) / float64(b) }
	r.row(fmt.Sprintf("  exporter p50 (%d series)", s.exporter.series), ms(s.exporter.p50),
		fmt.Sprintf("minimal %s (%d series), ratio %.2f; %s", ms(s.minimal.p50), s.minimal.series, ratio(s.exporter.p50, s.minimal.p50),
			target(ratio(s.exporter.p50, s.minimal.p50) <= 1.2, "≤ 1.2× minimal")))
	r.row("  exporter p99", ms(s.exporter.p99),
		fmt.Sprintf("minimal %s, ratio %.2f; %s", ms(s.minimal.p99), ratio(s.exporter.p99, s.minimal.p99),
			target(ratio(s.exporter.p99, s.minimal.p99) <= 1.5, "≤ 1.5× minimal")))
	r.row("  API requests during the scrapes", fmt.Sprint(s.calls), target(s.calls == 0, "0"))
	return nil
}

// coldSection times cold refreshes of consumed_licenses against the ideal
// schedule, at every size and page latency asked for.
func coldSection(r *report, f flags) error {
	lim := apiclient.DefaultLimits()
	r.add("cold refresh of consumed_licenses against the ideal (the fastest schedule that keeps ≤ %s of response time and ≤ %d requests per endpoint in any %s, and ≤ %d in flight); times in GitHub's time", lim.ResponseBudget, lim.PerEndpoint, lim.Window, lim.Concurrency)
	for _, latency := range f.latencies {
		for _, users := range f.coldUsers {
			c, err := coldRefresh(users, latency)
			if err != nil {
				return fmt.Errorf("cold refresh %d users %s: %w", users, latency, err)
			}
			scaled := ""
			if c.scale > 1 {
				scaled = fmt.Sprintf(", run ×%.0f faster", c.scale)
			}
			r.row(fmt.Sprintf("  %d users (%d pages), %s a page%s", users, c.pages, latency, scaled),
				c.took.Round(time.Millisecond).String(), fmt.Sprintf("ideal %s at the %s a page the API took (%s at the unloaded %s), ratio %.2f; %s",
					c.ideal.Round(time.Millisecond), c.meanResp.Round(time.Millisecond), c.idealUnloaded.Round(time.Millisecond), c.rtt.Round(time.Millisecond),
					float64(c.took)/float64(c.ideal), target(float64(c.took) <= 1.3*float64(c.ideal), "≤ 1.3× ideal")))
			r.row("    response time in the busiest 60 s; headroom to GitHub's 90 s", c.peakResp.Round(100*time.Millisecond).String(),
				fmt.Sprintf("headroom %s", (githubResponseTime-c.peakResp).Round(100*time.Millisecond)))
			r.row("    requests to the endpoint in the busiest 60 s; max in flight", fmt.Sprintf("%d; %d", c.peakEndpoint, c.maxInFlight),
				target(c.peakEndpoint <= lim.PerEndpoint && c.maxInFlight <= lim.Concurrency, fmt.Sprintf("≤ %d; ≤ %d", lim.PerEndpoint, lim.Concurrency)))
			r.row("    secondary-limit answers", fmt.Sprint(c.limited), target(c.limited == 0, "0"))
		}
	}
	return nil
}
