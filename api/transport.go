package api

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// TransportOptions are a target's settings below HTTP. The struct is
// comparable, so that targets with the same settings can share a transport
// (a pool keyed by it) and those with different ones never do.
type TransportOptions struct {
	// CAFile is a PEM bundle trusted in addition to the system's CAs, for an
	// Enterprise Server or GitLab behind an internal CA. It is re-read when
	// it changes. There is deliberately no option to skip verification.
	CAFile string
	// ProxyURL replaces HTTPS_PROXY for this target. It holds no
	// credentials: those come from ProxyCredentialsFile or
	// ProxyCredentialsEnv ("user:password"), read on each connection, so a
	// rotated password needs no restart.
	ProxyURL             string
	ProxyCredentialsFile string
	ProxyCredentialsEnv  string
}

// NewTargetTransport is NewTransport with a target's CA and proxy settings.
// Without a proxy_url, HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply, read when
// the transport is built (a reload picks up a change).
func NewTargetTransport(o TransportOptions) (http.RoundTripper, error) {
	proxy := httpproxy.FromEnvironment().ProxyFunc()
	proxyFn := func(req *http.Request) (*url.URL, error) { return proxy(req.URL) }
	if o.ProxyURL != "" {
		var err error
		if proxyFn, err = o.proxyFunc(); err != nil {
			return nil, err
		}
	}
	build := func(roots *x509.CertPool) *http.Transport {
		t := NewTransport()
		t.Proxy = proxyFn
		if roots != nil {
			t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		}
		return t
	}
	if o.CAFile == "" {
		return build(nil), nil
	}
	ct := &caTransport{file: o.CAFile, build: build}
	if _, err := ct.current(); err != nil {
		return nil, err
	}
	return ct, nil
}

// CheckProxyURL checks a proxy_url as the configuration loads.
func CheckProxyURL(raw string) error {
	_, err := (TransportOptions{ProxyURL: raw}).proxyFunc()
	return err
}

func (o TransportOptions) proxyFunc() (func(*http.Request) (*url.URL, error), error) {
	u, err := url.Parse(o.ProxyURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("proxy_url %q is not a URL such as http://proxy.example.com:3128", o.ProxyURL)
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return nil, fmt.Errorf("proxy_url: scheme %q is not one of http, https, socks5", u.Scheme)
	}
	if u.User != nil {
		return nil, errors.New("proxy_url must not hold credentials (they would sit in the configuration): use proxy_credentials_file or proxy_credentials_env")
	}
	return func(*http.Request) (*url.URL, error) {
		p := *u
		cred, err := o.proxyCredentials()
		if err != nil {
			return nil, err
		}
		if cred != "" {
			user, pass, _ := strings.Cut(cred, ":")
			p.User = url.UserPassword(user, pass)
		}
		return &p, nil
	}, nil
}

// proxyCredentials reads "user:password" without ever putting it in an error.
func (o TransportOptions) proxyCredentials() (string, error) {
	switch {
	case o.ProxyCredentialsFile != "":
		b, err := ReadSecretFile("proxy_credentials_file", o.ProxyCredentialsFile)
		if err != nil {
			return "", err
		}
		return strings.TrimSpace(string(b)), nil
	case o.ProxyCredentialsEnv != "":
		v := strings.TrimSpace(os.Getenv(o.ProxyCredentialsEnv))
		if v == "" {
			return "", fmt.Errorf("proxy_credentials_env: %s is empty or unset", o.ProxyCredentialsEnv)
		}
		return v, nil
	}
	return "", nil
}

// LoadCAFile reads a PEM bundle into the system's pool.
func LoadCAFile(file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("ca_file %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", file)
	}
	return pool, nil
}

// caTransport rebuilds its transport when ca_file changes (size or
// modification time, checked on each request as token_file is), so a
// renewed internal CA is trusted without a restart.
type caTransport struct {
	file  string
	build func(*x509.CertPool) *http.Transport

	mu      sync.Mutex
	cur     *http.Transport
	size    int64
	modTime time.Time
}

func (c *caTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t, err := c.current()
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.RoundTrip(req)
}

func (c *caTransport) current() (*http.Transport, error) {
	fi, err := os.Stat(c.file)
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && fi.Size() == c.size && fi.ModTime().Equal(c.modTime) {
		return c.cur, nil
	}
	pool, err := LoadCAFile(c.file)
	if err != nil {
		return nil, err
	}
	old := c.cur
	c.cur, c.size, c.modTime = c.build(pool), fi.Size(), fi.ModTime()
	if old != nil {
		old.CloseIdleConnections() // trusted under the old CA
	}
	return c.cur, nil
}

// CloseIdleConnections lets a client close what it drops.
func (c *caTransport) CloseIdleConnections() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil {
		c.cur.CloseIdleConnections()
	}
}
