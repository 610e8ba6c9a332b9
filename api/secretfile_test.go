package api

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSecretFileRefused: token_file, the App key and proxy credentials are
// regular files of at most 64 KiB. Anything else fails at once, naming the
// key, without blocking on a FIFO or reading a device without end.
func TestSecretFileRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, []byte(strings.Repeat("a", MaxSecretFileBytes+1)), 0o600)
	atLimit := filepath.Join(dir, "at-limit")
	os.WriteFile(atLimit, []byte(strings.Repeat("a", MaxSecretFileBytes)), 0o600)

	for _, c := range []struct{ name, path, want string }{
		{"fifo", fifo, "named pipe"},
		{"symlink to /dev/zero", zero, "character device"},
		{"directory", dir, "directory"},
		{"over 64 KiB", big, "more than the 65536"},
		{"missing", filepath.Join(dir, "nope"), "cannot read"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := (&FileToken{Path: c.path}).Token(context.Background())
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "token_file: ") {
					t.Errorf("got %v, want an error saying %q", err, c.want)
				}
			case <-time.After(time.Minute): // generous: only a blocked open gets here
				t.Fatal("reading the token file blocked")
			}
		})
	}
	if _, err := ReadSecretFile("proxy_credentials_file", atLimit); err != nil {
		t.Errorf("a file of exactly 64 KiB is allowed: %v", err)
	}
	if _, err := (TransportOptions{ProxyCredentialsFile: fifo}).proxyCredentials(); err == nil || !strings.Contains(err.Error(), "proxy_credentials_file: ") {
		t.Errorf("a FIFO as proxy_credentials_file: %v", err)
	}
	if _, err := NewAppToken(nil, "https://api.github.com", 1, 2, zero); err == nil || !strings.Contains(err.Error(), "private_key_file") || !strings.Contains(err.Error(), "character device") {
		t.Errorf("/dev/zero as the App's private key: %v", err)
	}
}

// TestFileTokenRotationByContent: a new token of the same length with the
// same modification time (two writes in one clock tick) is taken.
func TestFileTokenRotationByContent(t *testing.T) {
	p := filepath.Join(t.TempDir(), "token")
	stamp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write := func(tok string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
	}
	f := &FileToken{Path: p}
	write("ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	if tok, err := f.Token(context.Background()); err != nil || tok != "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" {
		t.Fatalf("%q %v", tok, err)
	}
	write("ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	if tok, _ := f.Token(context.Background()); tok != "ghp_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" {
		t.Errorf("a rotated token of the same size and mtime must be taken: got %q", tok)
	}
}

// TestFileTokenKubernetesSwap: a mounted Secret is token -> ..data/token,
// and an update swaps the ..data symlink to a new directory. Equal-length
// tokens with equal mtimes must still rotate.
func TestFileTokenKubernetesSwap(t *testing.T) {
	dir := t.TempDir()
	stamp := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	version := func(name, tok string) {
		t.Helper()
		os.Mkdir(filepath.Join(dir, name), 0o700)
		p := filepath.Join(dir, name, "token")
		os.WriteFile(p, []byte(tok), 0o600)
		os.Chtimes(p, stamp, stamp)
	}
	version("..2026_01_01", "glpat-aaaaaaaaaaaaaaaaaaaa")
	version("..2026_01_02", "glpat-bbbbbbbbbbbbbbbbbbbb")
	os.Symlink("..2026_01_01", filepath.Join(dir, "..data"))
	os.Symlink("..data/token", filepath.Join(dir, "token"))

	f := &FileToken{Path: filepath.Join(dir, "token")}
	if tok, err := f.Token(context.Background()); err != nil || tok != "glpat-aaaaaaaaaaaaaaaaaaaa" {
		t.Fatalf("%q %v", tok, err)
	}
	// kubelet's atomic swap: a new symlink renamed over ..data.
	os.Symlink("..2026_01_02", filepath.Join(dir, "..data_tmp"))
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	if tok, _ := f.Token(context.Background()); tok != "glpat-bbbbbbbbbbbbbbbbbbbb" {
		t.Errorf("the swapped Secret must be taken: got %q", tok)
	}
}
