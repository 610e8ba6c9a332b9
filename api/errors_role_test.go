package api

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHintsNameNoRole: which role a resource needs is said by the
// collector's spec (collector.Explain); the client's hints for 403 and 404
// must not name one beside it, or the two could disagree in one log line.
func TestHintsNameNoRole(t *testing.T) {
	for _, flavor := range []Flavor{GitHub, GitLab} {
		for _, code := range []int{http.StatusForbidden, http.StatusNotFound} {
			resp := &http.Response{StatusCode: code, Header: http.Header{"Content-Type": {"application/json"}}}
			e := classify(flavor, "GET", "/enterprises/e/x", resp, []byte(`{"message":"no"}`), time.Now())
			for _, role := range []string{"owner", "billing manager", "administrator", "admin"} {
				if strings.Contains(strings.ToLower(e.Hint), role) {
					t.Errorf("flavor %v, %d: hint %q names the role %q", flavor, code, e.Hint, role)
				}
			}
		}
	}
}
