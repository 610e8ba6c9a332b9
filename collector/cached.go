package collector

import "github.com/prometheus/client_golang/prometheus"

// Cached returns a collector of the data every collector last fetched,
// without refreshing anything: the status page reads the licenses' state
// from it and so costs no API request.
func (e *Exporter) Cached() prometheus.Collector { return cachedOnly{e} }

type cachedOnly struct{ e *Exporter }

// Describe sends nothing: an unchecked collector, as the scrape's was.
func (cachedOnly) Describe(chan<- *prometheus.Desc) {}

func (c cachedOnly) Collect(ch chan<- prometheus.Metric) {
	c.e.mu.RLock()
	targets := c.e.targets
	c.e.mu.RUnlock()
	for _, t := range targets {
		for _, cc := range t.collectors {
			cc.mu.Lock()
			metrics := cc.metrics
			cc.mu.Unlock()
			for _, m := range metrics {
				ch <- m
			}
		}
	}
}

// SSOPartial reports, per target, the organization IDs GitHub left out of
// its last answers because the token is not authorized for their SAML SSO.
func (e *Exporter) SSOPartial() map[string][]string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := map[string][]string{}
	for _, t := range e.targets {
		if orgs := t.src.Client.SSOPartialOrganizations(); len(orgs) > 0 {
			out[t.cfg.Name] = orgs
		}
	}
	return out
}
