package api

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// TokenSource gives the credential for the next request.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// FileToken reads a token from a file on every request and takes a new one
// when the content changes, so that a rotated secret (a Kubernetes Secret
// update, say) is used on the next request without a restart. Rotation is
// told by content, a hash of what was read: size and modification time
// miss two equal-length tokens written within one clock tick, or a
// Kubernetes ..data symlink swap. A token file is at most a few dozen bytes,
// so reading it per request costs next to nothing (ReadSecretFile bounds it).
type FileToken struct {
	Path string

	mu    sync.Mutex
	token string
	sum   [sha256.Size]byte
}

// Token implements TokenSource.
func (f *FileToken) Token(context.Context) (string, error) {
	b, err := ReadSecretFile("token_file", f.Path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.token != "" && sum == f.sum {
		return f.token, nil
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("token_file %s is empty", f.Path)
	}
	f.token, f.sum = tok, sum
	return tok, nil
}

// EnvToken reads a token from an environment variable.
type EnvToken struct{ Name string }

// Token implements TokenSource.
func (e EnvToken) Token(context.Context) (string, error) {
	tok := strings.TrimSpace(os.Getenv(e.Name))
	if tok == "" {
		return "", fmt.Errorf("token_env: the environment variable %s is empty or unset", e.Name)
	}
	return tok, nil
}

// AppToken mints GitHub App installation tokens with ghinstallation, which
// signs the app's JWT, exchanges it and renews the token before it expires.
type AppToken struct{ tr *ghinstallation.Transport }

// NewAppToken reads the app's private key. baseURL is the target's api_url,
// so that Enterprise Server and GHE.com apps work too. base carries the
// token exchange (the one POST this exporter ever sends).
func NewAppToken(base http.RoundTripper, baseURL string, appID, installationID int64, keyFile string) (*AppToken, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("github_app: api_url: %w", err)
	}
	// The exchange goes through the same guard as every other request.
	key, err := ReadSecretFile("github_app.private_key_file", keyFile)
	if err != nil {
		return nil, fmt.Errorf("github_app: %w", err)
	}
	tr, err := ghinstallation.New(&guard{next: base, host: u.Host, scheme: u.Scheme}, appID, installationID, key)
	if err != nil {
		return nil, fmt.Errorf("github_app: %w", err)
	}
	tr.BaseURL = strings.TrimRight(baseURL, "/")
	return &AppToken{tr: tr}, nil
}

// Token implements TokenSource.
func (a *AppToken) Token(ctx context.Context) (string, error) {
	tok, err := a.tr.Token(ctx)
	if err != nil {
		return "", fmt.Errorf("github_app: getting an installation token: %w", scrub(err))
	}
	return tok, nil
}

// scrub drops the wrapped *http.Response detail of ghinstallation errors,
// keeping only their text, from which token shapes (the app's JWT, an
// installation token the API echoed) are removed.
func scrub(err error) error {
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) {
		if he.Response != nil {
			return fmt.Errorf("%s (HTTP %d)", Redact(he.Message, ""), he.Response.StatusCode)
		}
		return errors.New(Redact(he.Message, ""))
	}
	return RedactError(err, "")
}
