package collector

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
)

// selfMetrics are the exporter's own metrics: its collectors' health, the
// API budget, its configuration and its build. Those that other code
// registers (the API client's, the reload gauges, build info) are declared
// here too, so that the docs and the dashboards' checks see every name.
var selfMetrics = &Spec{}

// own adds one of the exporter's own metrics, with its labels as given.
func (s *Spec) own(t prometheus.ValueType, name, help string, labels ...string) *Metric {
	m := newMetric(t, name, help, labels)
	s.metrics = append(s.metrics, m)
	return m
}

// registered documents a metric that another package registers.
func (s *Spec) registered(kind, name, help string, labels ...string) *Metric {
	m := &Metric{Name: name, Help: help, Kind: kind, Labels: labels}
	s.metrics = append(s.metrics, m)
	return m
}

var (
	successDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_collector_success",
		"1 when the collector's last refresh succeeded, 0 when it failed (the last good data is still served).",
		"target", "collector")
	notAvailableDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_collector_not_available",
		"1 while the API answers that the collector's data does not exist for this target (a 404 taken as no budgets, no AI credit report, no Visual Studio subscriptions), which a token that may not see the data gets too; else 0. Absent until a refresh has succeeded.",
		"target", "collector")
	partialDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_collector_partial",
		"1 while the collector's last refresh succeeded with part of its data unreadable and left out (a refused GitLab subscription read answered by the namespace, a plan or add-on list the token may not see, budgets of unknown spend or unanswered user states, a cost center whose usage summary is refused); check and the status page say what is missing; else 0. Absent until a refresh has succeeded.",
		"target", "collector")
	durationDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_collector_duration_seconds",
		"Duration of the collector's last refresh.", "target", "collector")
	lastSuccessDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_collector_last_success_timestamp_seconds",
		"When the collector last fetched data successfully; absent until it has.", "target", "collector")
	refreshDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_collector_refresh_interval_seconds",
		"How long the collector's data is reused (refresh_interval), for alerts on data age.", "target", "collector")
	rateLimitDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_api_rate_limit",
		"Requests per window the API allows this target's credential, from the rate-limit headers.", "target", "resource")
	rateRemainingDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_api_rate_limit_remaining",
		"Requests left in the current rate-limit window, from the rate-limit headers.", "target", "resource")
	rateResetDesc = selfMetrics.own(prometheus.GaugeValue, "license_exporter_api_rate_limit_reset_timestamp_seconds",
		"When the current rate-limit window resets.", "target", "resource")

	// ReloadSuccessful and ReloadSuccessTime are the gauges of the command's
	// reloader.
	ReloadSuccessful = selfMetrics.registered("gauge", "license_exporter_config_last_reload_successful",
		"1 when the last configuration (re)load succeeded, 0 when it failed and the previous configuration is still in force.")
	ReloadSuccessTime = selfMetrics.registered("gauge", "license_exporter_config_last_reload_success_timestamp_seconds",
		"When the configuration was last loaded successfully.")
	_ = selfMetrics.registered("gauge", "license_exporter_build_info",
		"A metric with a constant '1' value labeled by version, revision, branch, goversion from which license_exporter was built, and the goos and goarch for the build (client_golang's version collector).",
		"branch", "goarch", "goos", "goversion", "revision", "tags", "version")
)

func init() {
	for _, d := range api.MetricDocs() {
		selfMetrics.registered(d.Kind, d.Name, d.Help, d.Labels...)
	}
}

// GaugeOpts are the options of a gauge that another package registers.
func (m *Metric) GaugeOpts() prometheus.GaugeOpts {
	return prometheus.GaugeOpts{Name: m.Name, Help: m.Help}
}
