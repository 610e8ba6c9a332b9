package collector

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

// decodeJSON decodes an answer the way the API client does for a collector,
// so that tests and fuzzers can feed the collectors' types from fixtures.
func decodeJSON[T any](b []byte) (T, error) {
	var v T
	err := json.Unmarshal(b, &v)
	return v, err
}

// decodeFrom is a legacyParser's decode that reads b instead of the API.
func decodeFrom(b []byte) func(any) error {
	return func(v any) error { return json.Unmarshal(b, v) }
}

// TestUndocumentedShapeIsBadResponse: the collectors that decode straight
// into their types report an answer of another shape as the client's
// bad_response, and send nothing.
func TestUndocumentedShapeIsBadResponse(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`"not an object"`))
	}))
	t.Cleanup(srv.Close)
	for name, tc := range map[string]*config.Target{
		"server_license":      serverTarget(srv.URL),
		"admin_stats":         serverTarget(srv.URL),
		"license_sync_status": fixtureTarget(srv.URL),
		"gitlab_license":      gitlabTarget(srv.URL),
		"billing_actions":     fixtureTarget(srv.URL),
		"security_products":   serverTarget(srv.URL),
		"gitlab_add_ons":      gitlabTarget(srv.URL),
	} {
		ms, err := runUpdate(t, newCollector(t, name, tc))
		if !api.IsKind(err, api.KindBadResponse) || len(ms) != 0 {
			t.Errorf("%s: err %v and %d metrics, want bad_response and none", name, err, len(ms))
		}
	}
}
