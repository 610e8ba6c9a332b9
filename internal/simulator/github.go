package simulator

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("GET /enterprises/{enterprise}/consumed-licenses", s.consumedLicenses)
		mux.HandleFunc("GET /enterprises/{enterprise}/license-sync-status", s.fixtureOnly("ghec-license-sync-status.json"))
		mux.HandleFunc("GET /rate_limit", func(w http.ResponseWriter, r *http.Request) { serveFixture(w, "ghec-rate-limit.json") })
	})
}

// fixtureOnly serves a fixture for the fixture enterprise and the large one,
// and 404 for any other slug, as GitHub does.
func (s *Server) fixtureOnly(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("enterprise") {
		case FixtureEnterprise, LargeEnterprise:
			serveFixture(w, name)
		default:
			notFound(w)
		}
	}
}

func (s *Server) consumedLicenses(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("enterprise") {
	case FixtureEnterprise:
		serveFixture(w, "ghec-consumed-licenses.json")
	case LargeEnterprise:
		n := s.opts.LargeUsers
		from, to := Page(w, r, n)
		users := make([]map[string]any, 0, to-from)
		for i := from; i < to; i++ {
			users = append(users, SyntheticUser(i))
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"total_seats_consumed":  n,
			"total_seats_purchased": LargePurchased(n),
			"users":                 users,
		})
	default:
		notFound(w)
	}
}

// LargePurchased is the seats the synthetic enterprise of n users bought.
func LargePurchased(n int) int { return n + n/20 }

// SyntheticUser is user i of the large enterprise. It has the documented
// shape; every 7th user lacks two-factor authentication, every 3rd also has
// an Enterprise Server account, every 40th has a pending invitation to
// another organization, and users spread over 25 organizations.
func SyntheticUser(i int) map[string]any {
	lt := "enterprise"
	if i%10 == 9 {
		lt = "visual_studio"
	}
	u := map[string]any{
		"github_com_login":                  fmt.Sprintf("user%d", i),
		"github_com_name":                   fmt.Sprintf("User %d", i),
		"github_com_user":                   true,
		"enterprise_server_user":            i%3 == 0,
		"visual_studio_subscription_user":   lt == "visual_studio",
		"license_type":                      lt,
		"github_com_profile":                fmt.Sprintf("https://github.com/user%d", i),
		"github_com_member_roles":           []string{fmt.Sprintf("org%02d:Member", i%25)},
		"github_com_enterprise_roles":       []string{"member"},
		"github_com_verified_domain_emails": []string{fmt.Sprintf("user%d@large-corp.example", i)},
		"github_com_two_factor_auth":        i%7 != 0,
		"enterprise_server_user_ids":        []string{},
		"total_user_accounts":               1,
	}
	u["github_com_orgs_with_pending_invites"] = []string{}
	if i%40 == 39 {
		u["github_com_orgs_with_pending_invites"] = []string{fmt.Sprintf("org%02d", (i+1)%25)}
	}
	if i%3 == 0 {
		u["enterprise_server_user_ids"] = []string{fmt.Sprintf("ghes-%d.large-corp.example:%d", i%2, i)}
	}
	return u
}

// Page reads page and per_page as GitHub does, sets the Link header for a
// listing of n items, and returns the half-open range of items to send.
func Page(w http.ResponseWriter, r *http.Request, n int) (from, to int) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	last := max((n+per-1)/per, 1)
	link := func(p int, rel string) string {
		u := url.URL{Scheme: "http", Host: r.Host, Path: pathPrefix(r) + r.URL.Path}
		if r.TLS != nil {
			u.Scheme = "https"
		}
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("per_page", strconv.Itoa(per))
		v.Set("page", strconv.Itoa(p))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	from = min((page-1)*per, n)
	return from, min(from+per, n)
}
