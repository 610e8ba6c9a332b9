package main

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/internal/thresholds"
)

// statusSource is what the status page reads: states only, never a refresh,
// so opening the page costs no API request.
type statusSource interface {
	Statuses() []collector.Status
	RateLimits() map[string][]api.RateLimit
	// Cached is the data last fetched, for the state of the licenses.
	Cached() prometheus.Collector
	// SSOPartial is what GitHub left out for lack of SSO authorization.
	SSOPartial() map[string][]string
}

// statusPage is the landing page with a table per target. exporter-toolkit
// renders its page (templates included) once, around a marker; each request
// only runs statusTemplate, parsed once at start, into the marker's place.
// ExtraHTML is not escaped by the toolkit: everything here goes through
// html/template first.
type statusPage struct {
	src           statusSource
	now           func() time.Time
	before, after []byte
}

const statusMarker = "<!--license_exporter status-->"

func newStatusPage(landing web.LandingConfig, src statusSource, now func() time.Time) (*statusPage, error) {
	landing.Links = append([]web.LandingLinks(nil), landing.Links...) // NewLandingPage edits them
	landing.ExtraHTML = statusMarker
	landing.ExtraCSS = statusCSS
	h, err := web.NewLandingPage(landing)
	if err != nil {
		return nil, fmt.Errorf("rendering the landing page: %w", err)
	}
	req, err := http.NewRequest(http.MethodGet, "/", nil)
	if err != nil {
		return nil, err
	}
	var page capture
	h.ServeHTTP(&page, req)
	before, after, ok := bytes.Cut(page.Bytes(), []byte(statusMarker))
	if !ok {
		return nil, fmt.Errorf("the landing page lost its status marker")
	}
	return &statusPage{src: src, now: now, before: before, after: after}, nil
}

// capture keeps what a handler writes.
type capture struct {
	bytes.Buffer
	header http.Header
}

func (c *capture) Header() http.Header {
	if c.header == nil {
		c.header = http.Header{}
	}
	return c.header
}

func (c *capture) WriteHeader(int) {}

func (p *statusPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	buf.Write(p.before)
	if err := statusTemplate.Execute(&buf, buildStatusView(p.src, p.now())); err != nil {
		http.Error(w, "rendering the status: "+err.Error(), http.StatusInternalServerError)
		return
	}
	buf.Write(p.after)
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	_, _ = w.Write(buf.Bytes())
}

type statusView struct {
	Targets []targetView
	// ExpiryDays is how far ahead an expiry is shown (the alerts' first step).
	ExpiryDays int
}

type targetView struct {
	Name, Type, APIURL string
	Collectors         []collectorView
	Limits             []string
	// Findings are the licenses' own state; LicensesOK says there is data
	// and nothing to act on.
	Findings   []finding
	LicensesOK bool
}

type collectorView struct {
	Name, Interval, Class, State   string
	LastSuccess, DataAge, AgeClass string
	Summary                        string
	Error, APIMessage, NextAttempt string
}

func buildStatusView(src statusSource, now time.Time) statusView {
	sts, limits := src.Statuses(), src.RateLimits()
	findings, hasData := licenseFindings(src.Cached(), limits, now)
	for t, orgs := range src.SSOPartial() {
		findings[t] = append(findings[t], finding{Text: ssoPartialText(orgs)})
	}
	v := statusView{ExpiryDays: thresholds.ExpiryInfoDays}
	index := map[string]int{}
	for _, g := range groupByCause(sts, failingCause) {
		s := g[0]
		i, ok := index[s.Target]
		if !ok {
			i = len(v.Targets)
			index[s.Target] = i
			tv := targetView{Name: s.Target, Type: s.Type, APIURL: s.APIURL, Findings: findings[s.Target]}
			tv.LicensesOK = hasData[s.Target] && len(tv.Findings) == 0
			for _, rl := range limits[s.Target] {
				tv.Limits = append(tv.Limits, describeLimit(rl, now))
			}
			v.Targets = append(v.Targets, tv)
		}
		v.Targets[i].Collectors = append(v.Targets[i].Collectors, describeGroup(g, now))
	}
	return v
}

func describeCollector(s collector.Status, now time.Time) collectorView {
	c := collectorView{Name: s.Collector, Interval: shortDuration(s.Interval), Summary: s.Summary, Error: s.Fix, APIMessage: s.APIMessage, LastSuccess: "never", DataAge: "no data"}
	switch {
	case s.Overdue: // a refresh that does not end is a failure, first or not
		c.Class, c.State = "fail", "FAILING (refresh overdue)"
	case s.LastAttempt.IsZero() && s.Refreshing:
		c.Class, c.State = "pending", "first refresh under way"
	case s.LastAttempt.IsZero():
		c.Class, c.State = "pending", "waiting for the first scrape"
	case s.Succeeded() && s.Absent:
		c.Class, c.State = "warn", "not available (404)"
	case s.Succeeded() && s.Partial:
		c.Class, c.State = "warn", "partial data (the summary says what is missing)"
	case s.Succeeded():
		c.Class, c.State = "ok", "OK"
	default:
		c.Class, c.State = "fail", fmt.Sprintf("FAILING (%d in a row)", s.Failures)
	}
	if !s.LastSuccess.IsZero() {
		age := now.Sub(s.LastSuccess)
		c.LastSuccess = fmt.Sprintf("%s (%s ago)", s.LastSuccess.UTC().Format("2006-01-02 15:04:05 UTC"), roundAge(age))
		// Refreshes run when Prometheus scrapes: old data after a refresh
		// that succeeded, with no scrape since, is waiting, not stale. After
		// a failed refresh it is stale whatever the scrapes.
		tried := !s.Succeeded() || (!s.LastScrape.IsZero() && !s.LastScrape.Before(s.LastAttempt))
		c.DataAge = dataAge(age, s.Interval, tried)
		if tried && age > staleAfter*s.Interval {
			c.AgeClass = "stale"
		}
	}
	// A time already past is never shown as a future attempt.
	switch due := s.LastSuccess.Add(s.Interval); {
	case s.Refreshing:
		c.NextAttempt = "under way"
	case s.NextAttempt.After(now):
		c.NextAttempt = "not before " + s.NextAttempt.UTC().Format("15:04:05 UTC") + " (backoff)"
	case !s.LastSuccess.IsZero() && due.After(now):
		c.NextAttempt = "first scrape after " + due.UTC().Format("15:04:05 UTC")
	default:
		c.NextAttempt = "next scrape"
	}
	return c
}

// staleAfter is when data counts as stale, in refresh intervals: the
// LicenseExporterDataStale alert's threshold.
const staleAfter = thresholds.DataStaleIntervals

// dataAge words the age of the data served. Data older than
// refresh_interval is normal: it is renewed by the next scrape that finds it
// so, so it only reads as a problem past the stale alert's threshold, and
// only if a refresh was due and did not renew it (tried: a scrape came
// since the last refresh, or that refresh failed); otherwise it is waiting
// for a scrape.
func dataAge(age, interval time.Duration, tried bool) string {
	switch {
	case age <= interval:
		return roundAge(age) + ", fresh"
	case !tried:
		return roundAge(age) + ", waiting for a scrape (refreshes run when Prometheus scrapes)"
	case age <= staleAfter*interval:
		return roundAge(age) + ", renewed at the next scrape"
	}
	return fmt.Sprintf("%s, stale (over %d × refresh_interval %s)", roundAge(age), staleAfter, interval)
}

func describeLimit(rl api.RateLimit, now time.Time) string {
	s := fmt.Sprintf("%s: %g of %g requests left", rl.Resource, rl.Remaining, rl.Limit)
	if !rl.Reset.IsZero() {
		s += fmt.Sprintf(", resets in %s", roundAge(rl.Reset.Sub(now)))
	}
	return s
}

// shortDuration writes 15m rather than 15m0s, 1h rather than 1h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

func roundAge(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return d.Round(time.Second).String()
}

var statusTemplate = template.Must(template.New("status").Parse(`
<h3>Targets</h3>
<p>This page shows what the exporter last fetched; it never asks the APIs. Data is renewed when Prometheus scrapes, at most once per collector interval (refresh_intervals, refresh_interval, or the collector's default), so data up to a few intervals old is normal.</p>
{{range .Targets}}
<div class="target">
<h4>{{.Name}} <small>{{.Type}} · {{.APIURL}}</small></h4>
{{if .Findings}}<ul class="findings">{{range .Findings}}<li class="{{if .Critical}}critical{{else if .Info}}info{{else}}warning{{end}}">{{.Text}}</li>{{end}}</ul>
{{else if .LicensesOK}}<p class="licenses-ok">Licenses: within what was bought, nothing expiring within {{$.ExpiryDays}} days.</p>
{{end}}<table>
<tr><th>collector</th><th>interval</th><th>state</th><th>last success</th><th>data age</th><th>key figures</th><th>last error</th><th>next attempt</th></tr>
{{range .Collectors}}<tr class="{{.Class}}"><td>{{.Name}}</td><td>{{.Interval}}</td><td>{{.State}}</td><td>{{.LastSuccess}}</td><td{{if .AgeClass}} class="{{.AgeClass}}"{{end}}>{{.DataAge}}</td><td>{{.Summary}}</td><td>{{.Error}}{{if .APIMessage}}<br><small>the API said: “{{.APIMessage}}”</small>{{end}}</td><td>{{.NextAttempt}}</td></tr>
{{end}}</table>
<p>Rate-limit budget: {{range $i, $l := .Limits}}{{if $i}}; {{end}}{{$l}}{{else}}not known yet (no answer received){{end}}</p>
</div>
{{else}}
<p>No targets are configured.</p>
{{end}}`))

const statusCSS = `
.target table { border-collapse: collapse; margin-bottom: .5rem; }
.target th, .target td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.target tr.ok td:nth-child(3) { color: #1a7f37; font-weight: bold; }
.target tr.warn td:nth-child(3) { color: #9a6700; font-weight: bold; }
.target tr.fail td:nth-child(3), .target tr.fail td:nth-child(7) { color: #cf222e; font-weight: bold; }
.target tr.pending td:nth-child(3) { color: #6e7781; }
.target td.stale { color: #9a6700; font-weight: bold; }
.target small { font-weight: normal; color: #6e7781; }
.target ul.findings { list-style: none; padding: 0; margin: .25rem 0 .5rem; }
.target ul.findings li { padding: .3rem .6rem; margin-bottom: .2rem; border-left: .3rem solid; font-weight: bold; }
.target ul.findings li.critical { background: #ffebe9; border-color: #cf222e; color: #82071e; }
.target ul.findings li.warning { background: #fff8c5; border-color: #bf8700; color: #6f4b00; }
.target ul.findings li.info { background: #ddf4ff; border-color: #0969da; color: #0a3069; }
.target p.licenses-ok { color: #1a7f37; }
`
