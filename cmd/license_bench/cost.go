package main

import (
	"context"
	"fmt"
	"time"

	"github.com/license-exporter/license_exporter/collector"
	"github.com/license-exporter/license_exporter/config"
)

// collectorCost is what one collector costs a large enterprise at default
// settings: requests per refresh, cold and with ETags, and per hour at its
// default interval.
type collectorCost struct {
	name                string
	interval            time.Duration
	cold, charged, n304 int64
}

func (c collectorCost) perHour(n int64) float64 {
	return float64(n) * time.Hour.Seconds() / c.interval.Seconds()
}

// apiCost refreshes each default-on GitHub collector of the simulated large
// enterprise twice: the first refresh is cold, the second sends the ETags
// the first collected. Only answers other than 304 are charged to the
// primary budget.
func apiCost(users int) ([]collectorCost, error) {
	tok, cleanup, err := tokenFile()
	if err != nil {
		return nil, err
	}
	defer cleanup()
	var out []collectorCost
	for _, spec := range collector.Catalog() {
		if !spec.Default || !serves(spec, config.TypeGitHub) {
			continue
		}
		a := startAPI(users, 0, 1)
		e, srv, err := exporter(a.srv.URL, tok, "", spec.Name, collector.Options{})
		if err != nil {
			a.srv.Close()
			return nil, err
		}
		c := collectorCost{name: spec.Name, interval: e.Statuses()[0].Interval}
		e.RefreshAll(context.Background())
		err = failed(e)
		c.cold = a.sim.Total()
		if err == nil {
			e.RefreshAll(context.Background())
			err = failed(e)
		}
		c.n304 = int64(a.sim.NotModified())
		c.charged = a.sim.Total() - c.cold - c.n304
		srv.Close()
		e.Close()
		a.srv.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec.Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func serves(s config.CollectorSpec, typ string) bool {
	for _, t := range s.Types {
		if t == typ {
			return true
		}
	}
	return false
}

// jointCost refreshes the default-on GitHub collectors that share an
// interval together, in one target, twice: collectors of one target share
// what they fetch in common (the cost-center listing, the usage summaries),
// so together they cost less than the sum of their isolated runs.
func jointCost(users int, costs []collectorCost) (joint collectorCost, isolated collectorCost, err error) {
	tok, cleanup, err := tokenFile()
	if err != nil {
		return joint, isolated, err
	}
	defer cleanup()
	var names string
	for _, c := range costs {
		if c.interval != time.Hour {
			continue
		}
		if names != "" {
			names += ", "
		}
		names += c.name
		isolated.cold += c.cold
		isolated.charged += c.charged
		isolated.n304 += c.n304
	}
	isolated.interval, joint.interval = time.Hour, time.Hour
	joint.name, isolated.name = names, names
	a := startAPI(users, 0, 1)
	defer a.srv.Close()
	e, srv, err := exporter(a.srv.URL, tok, "", names, collector.Options{})
	if err != nil {
		return joint, isolated, err
	}
	defer func() { srv.Close(); e.Close() }()
	e.RefreshAll(context.Background())
	if err := failed(e); err != nil {
		return joint, isolated, err
	}
	joint.cold = a.sim.Total()
	e.RefreshAll(context.Background())
	if err := failed(e); err != nil {
		return joint, isolated, err
	}
	joint.n304 = int64(a.sim.NotModified())
	joint.charged = a.sim.Total() - joint.cold - joint.n304
	return joint, isolated, nil
}
