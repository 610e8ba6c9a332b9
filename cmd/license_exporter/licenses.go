package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/license-exporter/license_exporter/api"
)

// finding is one thing about a target's licenses that a person should act
// on, in the words of the status page. Critical ones are already a problem
// (over the seats bought, expired); warnings are about to be.
type finding struct {
	Critical bool
	Text     string
}

// expiryWarning is how early an expiry is highlighted: the alert rules'
// ExpiringSoon threshold.
const expiryWarning = 30 * 24 * time.Hour

// series holds one target's cached values by metric name, then by the
// series' other labels (all but target, as labelKey renders them), so a
// labelled count such as advanced_security_committers{product} is compared
// with the purchase of the same product, not with whichever came first.
type series map[string]map[string]float64

// labelKey renders a series' labels other than target, sorted as Gather
// returns them: "" for a series with target only.
func labelKey(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		if l.GetName() != "target" {
			parts = append(parts, l.GetName()+"="+l.GetValue())
		}
	}
	return strings.Join(parts, ", ")
}

// one is the value of a metric that has no label but target.
func (s series) one(name string) (float64, bool) {
	v, ok := s[name][""]
	return v, ok
}

// keys are a metric's label sets in a stable order.
func (s series) keys(name string) []string {
	var ks []string
	for k := range s[name] {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// licenseFindings reads the data the collectors last fetched (no API
// request) and says, per target, what the alert rules in
// deploy/prometheus/license_exporter.rules.yml would go off for, so the status
// page shows it before anyone looks at Grafana.
func licenseFindings(c prometheus.Collector, limits map[string][]api.RateLimit, now time.Time) (map[string][]finding, map[string]bool) {
	reg := prometheus.NewRegistry()
	byTarget := map[string]series{}
	if err := reg.Register(c); err == nil {
		mfs, _ := reg.Gather() // a partial answer still says something
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				t := targetOf(m)
				if byTarget[t] == nil {
					byTarget[t] = series{}
				}
				if byTarget[t][mf.GetName()] == nil {
					byTarget[t][mf.GetName()] = map[string]float64{}
				}
				byTarget[t][mf.GetName()][labelKey(m)] = value(m)
			}
		}
	}
	out := map[string][]finding{}
	hasData := map[string]bool{}
	for t, s := range byTarget {
		hasData[t] = true
		out[t] = s.findings(now)
	}
	for t, rls := range limits {
		for _, rl := range rls {
			if rl.Limit > 0 && rl.Remaining/rl.Limit < 0.10 && rl.Reset.After(now) {
				out[t] = append(out[t], finding{Text: fmt.Sprintf("API rate-limit budget nearly spent: %g of %g %s requests left until %s",
					rl.Remaining, rl.Limit, rl.Resource, rl.Reset.UTC().Format("15:04 UTC"))})
			}
		}
	}
	for t := range out {
		sort.SliceStable(out[t], func(i, j int) bool { return out[t][i].Critical && !out[t][j].Critical })
	}
	return out, hasData
}

func (s series) findings(now time.Time) []finding {
	var f []finding
	// over compares each label set of used with the same label set of bought.
	over := func(used, bought, what string) {
		for _, k := range s.keys(used) {
			u := s[used][k]
			b, okB := s[bought][k]
			name := what
			if k != "" {
				name += " (" + k + ")"
			}
			switch {
			case !okB || b <= 0:
			case u > b:
				f = append(f, finding{Critical: true, Text: fmt.Sprintf("%s: %g in use, %g more than the %g bought", name, u, u-b, b)})
			case u/b > 0.95:
				f = append(f, finding{Text: fmt.Sprintf("%s: %g of %g in use (%.0f %%)", name, u, b, 100*u/b)})
			}
		}
	}
	over("github_enterprise_seats_consumed", "github_enterprise_seats_purchased", "GitHub Enterprise seats")
	over("github_enterprise_server_license_seats_used", "github_enterprise_server_license_seats", "Enterprise Server license seats")
	over("github_enterprise_advanced_security_committers", "github_enterprise_advanced_security_committers_purchased", "Advanced Security committers")
	if n, _ := s.one("gitlab_license_overage_users"); n > 0 {
		f = append(f, finding{Critical: true, Text: fmt.Sprintf("GitLab: %g users over the license", n)})
	}
	expiry := func(metric, what string, expired bool) {
		ts, ok := s.one(metric)
		if !ok || ts <= 0 {
			return // no expiry date: never shown as expired
		}
		at := time.Unix(int64(ts), 0).UTC()
		left := at.Sub(now)
		switch {
		case expired || left <= 0:
			f = append(f, finding{Critical: true, Text: fmt.Sprintf("%s expired on %s", what, at.Format("2006-01-02"))})
		case left < expiryWarning:
			f = append(f, finding{Text: fmt.Sprintf("%s expires on %s, in %d days", what, at.Format("2006-01-02"), int(math.Ceil(left.Hours()/24)))})
		}
	}
	expiry("github_enterprise_server_license_expiry_timestamp_seconds", "the Enterprise Server license", false)
	expiry("gitlab_license_expiry_timestamp_seconds", "the GitLab license", s.isOne("gitlab_license_expired"))
	return f
}

func (s series) isOne(name string) bool {
	v, ok := s.one(name)
	return ok && v == 1
}

func targetOf(m *dto.Metric) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == "target" {
			return l.GetValue()
		}
	}
	return ""
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	}
	return math.NaN()
}

// ssoPartialText: GitHub answered, but without the organizations whose SAML
// SSO the token is not authorized for, so the figures are short of them.
func ssoPartialText(orgs []string) string {
	return fmt.Sprintf("incomplete data: GitHub left out the organizations with IDs %s, for which the token is not authorized for SAML single sign-on (authorize it with Configure SSO beside the token in Settings > Developer settings > Personal access tokens)", strings.Join(orgs, ", "))
}
