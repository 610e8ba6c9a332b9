// Package e2e holds the end-to-end test: the exporter in --demo mode, scraped
// by a real Prometheus with the project's alert rules, queried the way the
// dashboards query it.
package e2e
