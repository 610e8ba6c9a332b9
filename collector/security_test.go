package collector

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
)

// TestTokenFileFaultsLeakNothing rotates the token file to a wrong token
// (401) and then removes it: the errors say what to do, and neither token
// shows in logs at debug level, errors or metrics.
func TestTokenFileFaultsLeakNothing(t *testing.T) {
	const wrong = "ghp_wrongButSecretTokenXYZ987654321"
	r := newRig(t, faultToken, "")
	r.eventually(faultDeadline, "a first good scrape", func(s map[string]float64) bool { return s[faultSuccess("consumed_licenses")] == 1 })

	if err := os.WriteFile(r.token, []byte(wrong+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.eventually(30*time.Second, "401 after a bad rotation", func(s map[string]float64) bool { return s[faultSuccess("consumed_licenses")] == 0 })
	if err := r.state("consumed_licenses").LastError; !api.IsKind(err, api.KindAuth) || !strings.Contains(r.fix("consumed_licenses"), "token was rejected") {
		t.Errorf("error = %v, want 401 with a hint", err)
	}

	if err := os.Remove(r.token); err != nil {
		t.Fatal(err)
	}
	forceRetry(r, "consumed_licenses")
	r.eventually(30*time.Second, "token file error", func(map[string]float64) bool {
		err := r.state("consumed_licenses").LastError
		return err != nil && strings.Contains(err.Error(), "token_file")
	})
	if fix := r.fix("consumed_licenses"); !strings.HasPrefix(fix, "no token: token_file: cannot read ") {
		t.Errorf("fix = %v, want to say the file cannot be read", fix)
	}

	if err := os.WriteFile(r.token, []byte(faultToken), 0o600); err != nil {
		t.Fatal(err)
	}
	forceRetry(r, "consumed_licenses")
	r.eventually(30*time.Second, "recovery after the token is back", func(s map[string]float64) bool { return s[faultSuccess("consumed_licenses")] == 1 })
	r.assertNoSecret(faultToken)
	r.assertNoSecret(wrong)
	if !strings.Contains(r.logs.String(), "level=debug") {
		t.Error("the logger did not run at debug level: the test proves nothing")
	}
}
