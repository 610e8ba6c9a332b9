package main

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/collector"
)

// statusSource is what the status page reads: states only, never a refresh,
// so opening the page costs no API request.
type statusSource interface {
	Statuses() []collector.Status
	RateLimits() map[string][]api.RateLimit
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
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	before, after, ok := bytes.Cut(rec.Body.Bytes(), []byte(statusMarker))
	if !ok {
		return nil, fmt.Errorf("the landing page lost its status marker")
	}
	return &statusPage{src: src, now: now, before: before, after: after}, nil
}

func (p *statusPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	buf.Write(p.before)
	if err := statusTemplate.Execute(&buf, buildStatusView(p.src.Statuses(), p.src.RateLimits(), p.now())); err != nil {
		http.Error(w, "rendering the status: "+err.Error(), http.StatusInternalServerError)
		return
	}
	buf.Write(p.after)
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	_, _ = w.Write(buf.Bytes())
}

type statusView struct {
	Targets []targetView
}

type targetView struct {
	Name, Type, APIURL string
	Collectors         []collectorView
	Limits             []string
}

type collectorView struct {
	Name, Class, State             string
	LastSuccess, DataAge, Summary  string
	Error, APIMessage, NextAttempt string
}

func buildStatusView(sts []collector.Status, limits map[string][]api.RateLimit, now time.Time) statusView {
	var v statusView
	index := map[string]int{}
	for _, s := range sts {
		i, ok := index[s.Target]
		if !ok {
			i = len(v.Targets)
			index[s.Target] = i
			tv := targetView{Name: s.Target, Type: s.Type, APIURL: s.APIURL}
			for _, rl := range limits[s.Target] {
				tv.Limits = append(tv.Limits, describeLimit(rl, now))
			}
			v.Targets = append(v.Targets, tv)
		}
		v.Targets[i].Collectors = append(v.Targets[i].Collectors, describeCollector(s, now))
	}
	return v
}

func describeCollector(s collector.Status, now time.Time) collectorView {
	c := collectorView{Name: s.Collector, Summary: s.Summary, Error: s.Fix, APIMessage: s.APIMessage, LastSuccess: "never", DataAge: "no data"}
	switch {
	case s.LastAttempt.IsZero() && s.Refreshing:
		c.Class, c.State = "pending", "first refresh under way"
	case s.LastAttempt.IsZero():
		c.Class, c.State = "pending", "waiting for the first scrape"
	case s.Succeeded():
		c.Class, c.State = "ok", "OK"
	default:
		c.Class, c.State = "fail", fmt.Sprintf("FAILING (%d in a row)", s.Failures)
	}
	if !s.LastSuccess.IsZero() {
		age := now.Sub(s.LastSuccess)
		c.LastSuccess = fmt.Sprintf("%s (%s ago)", s.LastSuccess.UTC().Format("2006-01-02 15:04:05 UTC"), roundAge(age))
		c.DataAge = roundAge(age)
		if age > s.Interval {
			c.DataAge += " (older than refresh_interval " + s.Interval.String() + ")"
		}
	}
	switch {
	case s.Refreshing:
		c.NextAttempt = "under way"
	case !s.NextAttempt.IsZero():
		c.NextAttempt = "not before " + s.NextAttempt.UTC().Format("15:04:05 UTC") + " (backoff)"
	case !s.LastSuccess.IsZero():
		c.NextAttempt = "first scrape after " + s.LastSuccess.Add(s.Interval).UTC().Format("15:04:05 UTC")
	default:
		c.NextAttempt = "next scrape"
	}
	return c
}

func describeLimit(rl api.RateLimit, now time.Time) string {
	s := fmt.Sprintf("%s: %g of %g requests left", rl.Resource, rl.Remaining, rl.Limit)
	if !rl.Reset.IsZero() {
		s += fmt.Sprintf(", resets in %s", roundAge(rl.Reset.Sub(now)))
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
<p>This page shows what the exporter knows; it never asks the APIs. Data is fetched when Prometheus scrapes, at most once per refresh_interval.</p>
{{range .Targets}}
<div class="target">
<h4>{{.Name}} <small>{{.Type}} · {{.APIURL}}</small></h4>
<table>
<tr><th>collector</th><th>state</th><th>last success</th><th>data age</th><th>key figures</th><th>last error</th><th>next attempt</th></tr>
{{range .Collectors}}<tr class="{{.Class}}"><td>{{.Name}}</td><td>{{.State}}</td><td>{{.LastSuccess}}</td><td>{{.DataAge}}</td><td>{{.Summary}}</td><td>{{.Error}}{{if .APIMessage}}<br><small>the API said: “{{.APIMessage}}”</small>{{end}}</td><td>{{.NextAttempt}}</td></tr>
{{end}}</table>
<p>Rate-limit budget: {{range $i, $l := .Limits}}{{if $i}}; {{end}}{{$l}}{{else}}not known yet (no answer received){{end}}</p>
</div>
{{else}}
<p>No targets are configured.</p>
{{end}}`))

const statusCSS = `
.target table { border-collapse: collapse; margin-bottom: .5rem; }
.target th, .target td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.target tr.ok td:nth-child(2) { color: #1a7f37; font-weight: bold; }
.target tr.fail td:nth-child(2), .target tr.fail td:nth-child(6) { color: #cf222e; font-weight: bold; }
.target tr.pending td:nth-child(2) { color: #6e7781; }
.target small { font-weight: normal; color: #6e7781; }
`
