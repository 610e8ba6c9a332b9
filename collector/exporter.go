package collector

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"time"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// Options are the exporter-wide settings.
type Options struct {
	Logger    log.Logger
	UserAgent string
	// Registerer receives the API client metrics; nil means none.
	Registerer prometheus.Registerer
	// Transport, when set, replaces the base HTTP transport (tests, demo).
	Transport http.RoundTripper
	// Timeout bounds each API request; 0 means api.DefaultTimeout. Tests
	// and the benchmark harness shorten it.
	Timeout time.Duration
	// Limits are the secondary rate limits kept per credential; zero fields
	// mean api.DefaultLimits (the benchmark scales the window down).
	Limits api.Limits
	// Now is the clock of the collectors' caches (data age, backoff, an
	// overdue refresh); nil means time.Now. Tests move it by hand.
	Now func() time.Time
}

// Exporter serves every configured target and collector.
type Exporter struct {
	opts    Options
	metrics *api.Metrics
	pool    *api.Pool
	ctx     context.Context
	cancel  context.CancelFunc

	mu      sync.RWMutex
	targets []*liveTarget
}

// liveTarget is a configured target as the exporter runs it: its source,
// its cached collectors and the cancel that stops their refreshes.
type liveTarget struct {
	cfg        config.Target
	src        *Source
	collectors []*cached
	cancel     context.CancelFunc // stops the target's refreshes
	release    []func()           // lets go of the pool's transport and scheduler
}

// stop ends a target's refreshes and requests, after a reload dropped it.
// Cancelling closes its connections in use; releasing the transport closes
// the idle ones when no other target uses its host.
func (t *liveTarget) stop() {
	t.cancel()
	if t.src.Client != nil {
		t.src.Client.Close()
	}
	for _, r := range t.release {
		r()
	}
}

// New builds an exporter with no targets; ApplyConfig gives it some.
func New(o Options) *Exporter {
	if o.Logger == nil {
		o.Logger = log.NewNopLogger()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Exporter{opts: o, metrics: api.NewMetrics(o.Registerer), pool: api.NewPool(o.Limits), ctx: ctx, cancel: cancel}
}

// Close stops refreshes under way and closes every connection.
func (e *Exporter) Close() {
	e.cancel()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, t := range e.targets {
		t.stop()
	}
	e.targets = nil
}

// ApplyConfig builds the targets of cfg. A target whose configuration did not
// change keeps its client, cache and rate-limit state, so a reload does not
// cost a burst of API requests. On error nothing changes.
func (e *Exporter) ApplyConfig(cfg *config.Config) error {
	cat := Catalog()
	e.mu.RLock()
	old := map[string]*liveTarget{}
	for _, t := range e.targets {
		old[t.cfg.Name] = t
	}
	e.mu.RUnlock()

	var next []*liveTarget
	reused := map[*liveTarget]bool{}
	for _, tc := range cfg.Targets {
		if prev, ok := old[tc.Name]; ok && sameTarget(prev.cfg, *tc) {
			next = append(next, prev)
			reused[prev] = true
			continue
		}
		t, err := e.buildTarget(tc, cat)
		if err != nil {
			for _, n := range next {
				if !reused[n] {
					n.stop()
				}
			}
			return fmt.Errorf("target %q: %w", tc.Name, err)
		}
		next = append(next, t)
	}
	kept := map[string]bool{}
	for _, t := range next {
		kept[t.cfg.Name] = true
	}
	for name, t := range old {
		if !reused[t] {
			t.stop() // before Forget, so that no late request brings the series back
		}
		if !kept[name] {
			e.metrics.Forget(name)
		}
	}
	e.mu.Lock()
	e.targets = next
	e.mu.Unlock()
	return nil
}

func sameTarget(a, b config.Target) bool {
	a.Line, b.Line = 0, 0
	return reflect.DeepEqual(a, b)
}

func (e *Exporter) buildTarget(tc *config.Target, cat config.Catalog) (*liveTarget, error) {
	flavor := api.GitHub
	if tc.Type == config.TypeGitLab {
		flavor = api.GitLab
	}
	u, err := api.ParseBaseURL(tc.APIURL, flavor, tc.InsecureHTTP)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	t := &liveTarget{cfg: *tc, src: &Source{Config: tc, shared: newShared()}, cancel: cancel}
	base := e.opts.Transport
	if base == nil {
		tr, release, err := e.pool.Transport(transportKey(u, tc))
		if err != nil {
			t.stop()
			return nil, err
		}
		base = tr
		t.release = append(t.release, release)
	}
	sched, release := e.pool.Scheduler(credentialKey(u, tc), tc.MaxConcurrentRequests)
	t.release = append(t.release, release)
	tok, err := tokenSource(tc, base)
	if err != nil {
		t.stop()
		return nil, err
	}
	client, err := api.New(api.Options{
		Target: tc.Name, BaseURL: tc.APIURL, Flavor: flavor, Token: tok,
		InsecureHTTP: tc.InsecureHTTP, UserAgent: e.opts.UserAgent,
		Metrics: e.metrics, Transport: base, Timeout: e.opts.Timeout, Scheduler: sched,
	})
	if err != nil {
		t.stop()
		return nil, err
	}
	logger := log.With(e.opts.Logger, "target", tc.Name)
	t.src.Client, t.src.Logger = client, logger
	for _, name := range cat.Enabled(tc) {
		registryMu.Lock()
		r, ok := registry[name]
		registryMu.Unlock()
		var c Collector
		if ok {
			c, err = r.factory(t.src)
			if err == nil {
				c = r.spec.forTarget(c, tc)
			}
		}
		if !ok || err != nil {
			t.stop()
			if !ok {
				return nil, fmt.Errorf("unknown collector %q", name)
			}
			return nil, fmt.Errorf("collector %s: %w", name, err)
		}
		cc := newCached(ctx, tc.Name, name, c, tc.IntervalFor(r.spec.CollectorSpec), e.opts.Logger)
		cc.spec, cc.cfg, cc.redact, cc.now = r.spec, tc, client.Redact, e.opts.Now
		t.collectors = append(t.collectors, cc)
	}
	level.Debug(logger).Log("msg", "target ready", "api_url", client.BaseURL(), "collectors", len(t.collectors))
	return t, nil
}

// transportKey says which targets may share connections: those on the same
// scheme and host with the same connection settings (CA file, proxy).
func transportKey(u *url.URL, tc *config.Target) api.TransportKey {
	return api.TransportKey{Scheme: u.Scheme, Host: u.Host, Options: tc.Transport()}
}

// credentialKey names the credential a target's requests are charged to at
// the API: the host, and where the token comes from. Targets with the same
// key share one Scheduler, so their requests are paced together, as GitHub
// counts them.
func credentialKey(u *url.URL, tc *config.Target) string {
	id := "file:" + tc.TokenFile
	switch {
	case tc.TokenEnv != "":
		id = "env:" + tc.TokenEnv
	case tc.GitHubApp != nil:
		id = fmt.Sprintf("app:%d/%d", tc.GitHubApp.AppID, tc.GitHubApp.InstallationID)
	}
	return u.Scheme + "://" + u.Host + " " + id
}

func tokenSource(tc *config.Target, base http.RoundTripper) (api.TokenSource, error) {
	switch {
	case tc.TokenFile != "":
		return &api.FileToken{Path: tc.TokenFile}, nil
	case tc.TokenEnv != "":
		return api.EnvToken{Name: tc.TokenEnv}, nil
	case tc.GitHubApp != nil:
		a := tc.GitHubApp
		return api.NewAppToken(base, tc.APIURL, a.AppID, a.InstallationID, a.PrivateKeyFile)
	}
	return nil, fmt.Errorf("no credentials")
}

// RateLimits reports each target's last-seen rate-limit budgets.
func (e *Exporter) RateLimits() map[string][]api.RateLimit {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := map[string][]api.RateLimit{}
	for _, t := range e.targets {
		out[t.cfg.Name] = t.src.Client.RateLimits()
	}
	return out
}

// Scrape returns a prometheus.Collector bound to one scrape's deadline.
func (e *Exporter) Scrape(ctx context.Context) prometheus.Collector {
	return scrape{e: e, ctx: ctx}
}

type scrape struct {
	e   *Exporter
	ctx context.Context
}

// Describe sends every metric any collector can serve, whatever the
// configuration, and the exporter's own: a checked collector, so that the
// registry rejects a metric no spec declared.
func (scrape) Describe(ch chan<- *prometheus.Desc) { describeAll(ch) }

func (s scrape) Collect(ch chan<- prometheus.Metric) {
	s.e.mu.RLock()
	targets := s.e.targets
	s.e.mu.RUnlock()

	var wg sync.WaitGroup
	for _, t := range targets {
		for _, c := range t.collectors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				metrics, st := c.get(s.ctx)
				for _, m := range metrics {
					ch <- m
				}
				sendState(ch, st)
				ch <- sample(refreshDesc, c.interval.Seconds(), st.Target, st.Collector)
			}()
		}
	}
	wg.Wait()
	// After the refreshes, so that the budget they just spent shows.
	for _, t := range targets {
		for _, rl := range t.src.Client.RateLimits() {
			ch <- sample(rateLimitDesc, rl.Limit, t.cfg.Name, rl.Resource)
			ch <- sample(rateRemainingDesc, rl.Remaining, t.cfg.Name, rl.Resource)
			if !rl.Reset.IsZero() {
				ch <- sample(rateResetDesc, float64(rl.Reset.Unix()), t.cfg.Name, rl.Resource)
			}
		}
	}
}

func sendState(ch chan<- prometheus.Metric, st State) {
	ok := 0.0
	if st.Succeeded() {
		ok = 1
	}
	ch <- sample(successDesc, ok, st.Target, st.Collector)
	// Whether the data exists is known only from a refresh that succeeded:
	// before that it is left out, so that a restart does not read as "it
	// was there" to the alert on data that went away.
	if !st.LastSuccess.IsZero() {
		absent := 0.0
		if st.Absent {
			absent = 1
		}
		ch <- sample(notAvailableDesc, absent, st.Target, st.Collector)
		partial := 0.0
		if st.Partial {
			partial = 1
		}
		ch <- sample(partialDesc, partial, st.Target, st.Collector)
	}
	ch <- sample(durationDesc, st.LastDuration.Seconds(), st.Target, st.Collector)
	if !st.LastSuccess.IsZero() {
		ch <- sample(lastSuccessDesc, float64(st.LastSuccess.UnixNano())/1e9, st.Target, st.Collector)
	}
}
