package collector

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/license-exporter/license_exporter/api"
)

// The Copilot usage metrics reports: "GET …/copilot/metrics/reports/…-28-day/latest"
// answers download_links, signed URLs of the report's files on another host,
// "made available for download through signed URLs with a limited expiration
// time" (https://docs.github.com/en/enterprise-cloud@latest/rest/copilot/copilot-usage-metrics).
// The files are NDJSON, or a JSON array as in GitHub's example schema
// (https://docs.github.com/en/enterprise-cloud@latest/copilot/reference/copilot-usage-metrics/example-schema).
// "To enable these endpoints, the Copilot usage metrics policy must be set
// to Enabled everywhere for the enterprise."

// copilotReportEvery is how rarely a report is read, whatever
// refresh_interval says: GitHub makes one a day.
const copilotReportEvery = 24 * time.Hour

// copilotPolicyFix is what to do when the reports are not available.
const copilotPolicyFix = "enable the enterprise's \"Copilot usage metrics\" policy (Enterprise settings → AI controls → Copilot: Enabled everywhere); GitHub answers 403 or 404 while it is off"

type reportLinks struct {
	Links api.Strings `json:"download_links"`
	Start api.String  `json:"report_start_day"`
	End   api.String  `json:"report_end_day"`
}

// parseDay reads a report's YYYY-MM-DD day as 00:00 UTC.
func parseDay(s api.String) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(string(s)))
	return t, err == nil
}

// errNoLinks: GitHub has no report to hand out yet.
var errNoLinks = errors.New("the report lists no files to download")

// readCopilotReport fetches the latest report's links from path and streams
// every record of every file, in the order listed, to each, as raw JSON;
// each says whether it could read the record (a record it cannot is
// skipped and counted). maxBytes caps the files together. On a 403 from a
// file (an expired link) it asks for fresh links once and starts over,
// calling reset first. The links request may be answered 304: the links
// are then the ones GitHub still hands out.
func readCopilotReport(ctx context.Context, src *Source, path string, maxBytes int64, reset func(), each func(json.RawMessage) bool) (reportLinks, int, error) {
	for attempt := 0; ; attempt++ {
		var links reportLinks
		if _, err := src.Client.GetJSON(ctx, src.enterprisePath(path), nil, &links); err != nil {
			return links, 0, err
		}
		if len(links.Links) == 0 {
			return links, 0, errNoLinks
		}
		reset()
		skipped, budget := 0, maxBytes
		var dlErr error
		for _, link := range links.Links {
			if budget <= 0 {
				dlErr = &api.Error{Kind: api.KindBadResponse, Path: path, Hint: "the report's files together are larger than the cap: refused rather than read in part"}
				break
			}
			dlErr = src.Client.Download(ctx, link, budget, func(r io.Reader) error {
				cr := &countingReader{r: r}
				n, err := decodeRecords(cr, each)
				skipped += n
				budget -= cr.n
				return err
			})
			if dlErr != nil {
				break
			}
		}
		switch {
		case dlErr == nil:
			return links, skipped, nil
		case attempt == 0 && api.IsKind(dlErr, api.KindPermission):
			continue // the links expired between the two requests: once more
		}
		return links, skipped, &downloadError{dlErr}
	}
}

// downloadError is a failure to fetch a report file, never to be taken for
// the links request's "not available".
type downloadError struct{ err error }

func (e *downloadError) Error() string { return "downloading the report: " + e.err.Error() }
func (e *downloadError) Unwrap() error { return e.err }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeRecords streams the records of one report file, NDJSON or a JSON
// array, to each, and returns how many it skipped: lines that are not JSON,
// and records each could not read. A file that breaks off is an error.
func decodeRecords(r io.Reader, each func(json.RawMessage) bool) (skipped int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		b, err := br.Peek(1)
		if errors.Is(err, io.EOF) {
			return 0, nil // an empty file
		}
		if err != nil {
			return 0, err
		}
		if b[0] != ' ' && b[0] != '\n' && b[0] != '\r' && b[0] != '\t' && b[0] != 0xEF && b[0] != 0xBB && b[0] != 0xBF {
			break
		}
		_, _ = br.ReadByte() // whitespace, or a byte-order mark
	}
	if b, _ := br.Peek(1); b[0] == '[' {
		dec := json.NewDecoder(br)
		if _, err := dec.Token(); err != nil {
			return 0, err
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return skipped, err
			}
			if !isObject(raw) || !each(raw) {
				skipped++
			}
		}
		_, err := dec.Token()
		return skipped, err
	}
	for {
		line, err := br.ReadBytes('\n')
		if line = bytes.TrimSpace(line); len(line) > 0 {
			if !json.Valid(line) || !isObject(line) || !each(line) {
				skipped++
			}
		}
		if errors.Is(err, io.EOF) {
			return skipped, nil
		}
		if err != nil {
			return skipped, err
		}
	}
}

func isObject(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// reportNotAvailable reports whether err means the reports are off for the
// enterprise: a 404, or a 403 whose message names the policy. Any other 403
// is the credential's, and fails as such.
func reportNotAvailable(err error) bool {
	var de *downloadError
	if errors.As(err, &de) {
		return false
	}
	e, ok := api.AsError(err)
	if !ok || e.HTML {
		return errors.Is(err, errNoLinks)
	}
	switch e.Kind {
	case api.KindNotFound:
		return true
	case api.KindPermission:
		m := strings.ToLower(e.Message)
		return strings.Contains(m, "polic") || strings.Contains(m, "disabled") || strings.Contains(m, "not enabled")
	}
	return false
}

// notAvailableWhy words a reportNotAvailable error for the summary.
func notAvailableWhy(err error) string {
	if errors.Is(err, errNoLinks) {
		return "GitHub lists no report files yet"
	}
	return "no Copilot usage metrics report (" + copilotPolicyFix + ")"
}

// dailyReport is the bookkeeping of a collector that reads a Copilot
// metrics report at most once a day (copilotReportEvery): when it last
// read, what it kept from it, and why there is none.
type dailyReport[T any] struct {
	fetched   time.Time // zero until the first read
	last      *T
	available bool
	why       string // why no report is available
}

// due says whether a day has passed since the last read.
func (d *dailyReport[T]) due(now time.Time) bool {
	return d.fetched.IsZero() || now.Sub(d.fetched) >= copilotReportEvery
}

// settle records a read's outcome: a report (v), a day on which GitHub
// hands out no files (the last report stays: the last good data is never
// dropped for a gap at GitHub), or an answer that there is none. Any other
// error is returned, to fail the refresh.
func (d *dailyReport[T]) settle(now time.Time, v *T, err error) error {
	switch {
	case errors.Is(err, errNoLinks) && d.last != nil:
		d.fetched = now
	case reportNotAvailable(err):
		d.fetched, d.last, d.available, d.why = now, nil, false, notAvailableWhy(err)
	case err != nil:
		return err
	default:
		d.fetched, d.last, d.available = now, v, true
	}
	return nil
}

// next is when the report is read again.
func (d *dailyReport[T]) next() string {
	return d.fetched.Add(copilotReportEvery).UTC().Format(time.RFC3339)
}

// unavailable says so in h's summary, with when it is asked again, and
// reports whether there is no report to serve.
func (d *dailyReport[T]) unavailable(h *summaryHolder) bool {
	if d.available {
		return false
	}
	h.setNotAvailableFix("not available: " + d.why + "; read again after " + d.next())
	return true
}
