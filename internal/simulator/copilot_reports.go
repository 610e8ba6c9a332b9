package simulator

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Copilot usage metrics reports. The links answer names signed URLs of the
// report files on another host; the simulator serves those files without a
// credential under ReportsPrefix, on its own address or on a second
// listener (ListenReports), and records any credential a download carries.
// The fixture enterprise's report is GitHub's example schema, its first
// record as a JSON array and its second as NDJSON (two parts); the large
// enterprise's is synthetic NDJSON in two parts.

// ReportsPrefix is the path under which report files are served.
const ReportsPrefix = "/copilot-reports/"

// reportLinkTTL is how long a signed link stays valid.
const reportLinkTTL = 10 * time.Minute

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /enterprises/{enterprise}/copilot/metrics/reports/{report}/latest", s.reportLinks)
	})
}

// SetReportsURL makes download links point at base (a second listener);
// empty means the address the links request came to.
func (s *Server) SetReportsURL(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reportsURL = strings.TrimRight(base, "/")
}

// ListenReports serves the report files alone on addr, a second loopback
// host, and points download links at it.
func (s *Server) ListenReports(addr string) (stop func(), err error) {
	mux := http.NewServeMux()
	mux.HandleFunc(ReportsPrefix, s.serveReport)
	base, stop, err := listen(addr, mux)
	if err != nil {
		return nil, err
	}
	s.SetReportsURL(base)
	return stop, nil
}

// ReportDownloads returns the report files requested (path?query), and how
// many of those requests carried a credential.
func (s *Server) ReportDownloads() (requests []string, withCredentials int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reportGets...), s.reportCreds
}

// reportParts are the files of a report of an enterprise, nil when it has none.
func (s *Server) reportParts(enterprise, report string) [][]byte {
	switch {
	case enterprise == FixtureEnterprise && report == "enterprise-28-day":
		return exampleParts("copilot-usage-enterprise-28-day-report.json")
	case enterprise == FixtureEnterprise && report == "users-28-day":
		return exampleParts("copilot-usage-users-28-day-report.json")
	case enterprise == LargeEnterprise && report == "enterprise-28-day":
		return largeEnterpriseReport(s.opts.LargeUsers, s.now())
	case enterprise == LargeEnterprise && report == "users-28-day":
		return largeUsersReport(s.opts.LargeUsers, s.now())
	}
	return nil
}

// exampleParts splits an example array: the first record as a JSON array,
// the rest as NDJSON, so that a report in two parts and both formats come
// from GitHub's own example.
func exampleParts(name string) [][]byte {
	var recs []json.RawMessage
	if err := json.Unmarshal(Fixture(name), &recs); err != nil {
		panic(err)
	}
	first, _ := json.Marshal(recs[:1])
	var rest bytes.Buffer
	for _, r := range recs[1:] {
		var c bytes.Buffer
		_ = json.Compact(&c, r)
		rest.Write(c.Bytes())
		rest.WriteByte('\n')
	}
	if rest.Len() == 0 {
		return [][]byte{first}
	}
	return [][]byte{first, rest.Bytes()}
}

// LargeReportEnd is the last day of the large enterprise's report at now:
// GitHub's data arrives within two full UTC days.
func LargeReportEnd(now time.Time) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -2)
}

// LargeActiveUsers are the large enterprise's daily, weekly and monthly
// active Copilot users on the report's last day.
func LargeActiveUsers(users int) (daily, weekly, monthly int) {
	n := LargeCopilotSeats(users)
	return n * 55 / 100, n * 70 / 100, n * 80 / 100
}

// largeEnterpriseReport: 28 days of totals in two NDJSON records of 14 days.
func largeEnterpriseReport(users int, now time.Time) [][]byte {
	end := LargeReportEnd(now)
	d, w, m := LargeActiveUsers(users)
	var parts [][]byte
	for half := range 2 {
		var days []map[string]any
		for i := range 14 {
			back := 27 - (half*14 + i) // days before the end
			day := end.AddDate(0, 0, -back)
			wobble := back % 5
			days = append(days, map[string]any{"day": day.Format(time.DateOnly), "enterprise_id": "42",
				"daily_active_users": max(d-wobble*users/400, 0), "weekly_active_users": w - wobble, "monthly_active_users": m})
		}
		b, _ := json.Marshal(map[string]any{"day_totals": days, "enterprise_id": "42",
			"report_start_day": end.AddDate(0, 0, -27).Format(time.DateOnly), "report_end_day": end.Format(time.DateOnly)})
		parts = append(parts, append(b, '\n'))
	}
	return parts
}

// LargeUserCredits is the AI credits user i of the large enterprise used
// over the report's 28 days: most a few hundred, every 40th over 5,000.
func LargeUserCredits(i int) float64 {
	if i%40 == 0 {
		return 5200 + float64(i%7)*100
	}
	return float64(50 + (i*37)%900)
}

// largeUsersReport: one record a week for each of the users active in the
// month, in two NDJSON parts; a user's week carries a quarter of their credits.
func largeUsersReport(users int, now time.Time) [][]byte {
	end := LargeReportEnd(now)
	_, _, m := LargeActiveUsers(users)
	var parts [2]bytes.Buffer
	for i := range m {
		for week := range 4 {
			rec, _ := json.Marshal(map[string]any{"day": end.AddDate(0, 0, -7*week).Format(time.DateOnly), "enterprise_id": "42",
				"user_id": i + 1, "user_login": fmt.Sprintf("user%d", i), "ai_credits_used": LargeUserCredits(i) / 4})
			parts[week%2].Write(append(rec, '\n'))
		}
	}
	return [][]byte{parts[0].Bytes(), parts[1].Bytes()}
}

// reportLinks answers the latest report's links, freshly signed.
func (s *Server) reportLinks(w http.ResponseWriter, r *http.Request) {
	ent, report := r.PathValue("enterprise"), r.PathValue("report")
	parts := s.reportParts(ent, report)
	if parts == nil {
		notFound(w)
		return
	}
	var example map[string]any
	_ = json.Unmarshal(Fixture("ghec-copilot-usage-metrics-28-day-report.json"), &example)
	if ent == LargeEnterprise {
		end := LargeReportEnd(s.now())
		example["report_start_day"], example["report_end_day"] = end.AddDate(0, 0, -27).Format(time.DateOnly), end.Format(time.DateOnly)
	}
	s.mu.Lock()
	base := s.reportsURL
	s.mu.Unlock()
	if base == "" {
		base = "http://" + r.Host
	}
	links := make([]string, len(parts))
	for i := range parts {
		var sig [16]byte
		_, _ = rand.Read(sig[:])
		token := hex.EncodeToString(sig[:])
		s.mu.Lock()
		if s.signed == nil {
			s.signed = map[string]time.Time{}
		}
		s.signed[token] = time.Now().Add(reportLinkTTL)
		s.mu.Unlock()
		links[i] = fmt.Sprintf("%s%s%s/%s/part-%d.ndjson?sig=%s", base, ReportsPrefix, ent, report, i+1, token)
	}
	example["download_links"] = links
	writeJSON(w, http.StatusOK, example)
}

// serveReport answers a report file for a valid signature, with no
// credential needed, as a signed URL does; an unknown or expired
// signature gets 403.
func (s *Server) serveReport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reportGets = append(s.reportGets, r.URL.RequestURI())
	for _, k := range []string{"Authorization", "Private-Token", "Cookie"} {
		if r.Header.Get(k) != "" {
			s.reportCreds++
			break
		}
	}
	exp, ok := s.signed[r.URL.Query().Get("sig")]
	s.mu.Unlock()
	if !ok || time.Now().After(exp) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `<Error><Code>AuthenticationFailed</Code></Error>`)
		return
	}
	// /copilot-reports/{enterprise}/{report}/part-N.ndjson
	var ent, report string
	var part int
	if _, err := fmt.Sscanf(strings.ReplaceAll(strings.TrimPrefix(r.URL.Path, ReportsPrefix), "/", " "), "%s %s part-%d.ndjson", &ent, &report, &part); err != nil {
		http.NotFound(w, r)
		return
	}
	parts := s.reportParts(ent, report)
	if part < 1 || part > len(parts) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	_, _ = w.Write(parts[part-1])
}
