package collector

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func TestLicenseTallyFixture(t *testing.T) {
	var p consumedLicensesPage
	if err := json.Unmarshal(simulator.Fixture("ghec-consumed-licenses.json"), &p); err != nil {
		t.Fatalf("the official example must decode (it has \"github_com_two_factor_auth\": \"\"): %v", err)
	}
	tally := newLicenseTally()
	tally.add(&p)
	if tally.purchased.Value != 4500 || tally.consumed.Value != 5000 {
		t.Errorf("seats = %v/%v, want 5000/4500", tally.consumed, tally.purchased)
	}
	if tally.users != 2 || tally.byType["enterprise"] != 2 || tally.githubCom != 1 || tally.server != 2 || tally.no2FA != 0 {
		t.Errorf("tally = %+v", tally)
	}
	if tally.orgs["org1"] != 1 || tally.orgs["org2"] != 1 || len(tally.orgs) != 2 {
		t.Errorf("orgs = %v", tally.orgs)
	}
	want := map[string]int{"example_host_name.com": 1, "example_host_name_2": 1, "example_host_name": 1}
	for k, v := range want {
		if tally.servers[k] != v {
			t.Errorf("servers = %v, want %v", tally.servers, want)
		}
	}
}

func TestLicenseTallyOddValues(t *testing.T) {
	// Floats for integers, strings for booleans, "unlimited" for a number,
	// nulls and unknown fields: none may fail the page or invent a value.
	body := `{"total_seats_consumed": 12.0, "total_seats_purchased": "unlimited", "new_field": {"x": 1},
	  "users": [
	    {"github_com_user": "true", "github_com_two_factor_auth": null, "license_type": null,
	     "github_com_member_roles": "orgA:Member", "enterprise_server_user_ids": null},
	    {"github_com_user": 1, "github_com_two_factor_auth": "false", "license_type": "Enterprise",
	     "github_com_member_roles": ["orgA:Owner", "orgA:Member", 7], "enterprise_server_user_ids": ["h:1", "h:2", "no-host-part"]}
	  ]}`
	var p consumedLicensesPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	tally := newLicenseTally()
	tally.add(&p)
	if tally.consumed.Value != 12 || tally.purchased.Valid || !tally.purchased.Unlimited() {
		t.Errorf("seats = %+v / %+v", tally.consumed, tally.purchased)
	}
	if tally.githubCom != 2 || tally.byType["unknown"] != 1 || tally.byType["enterprise"] != 1 {
		t.Errorf("tally = %+v", tally)
	}
	// A null two-factor status is unknown, not "without 2FA".
	if tally.no2FA != 1 || tally.unknown2FA != 1 {
		t.Errorf("without 2FA %d, 2FA unknown %d; want 1 and 1", tally.no2FA, tally.unknown2FA)
	}
	got := values(t, drain(func(ch chan<- prometheus.Metric) { tally.collect("t", ch) }))
	if got[`github_enterprise_license_users_without_two_factor{target="t"}`] != 1 || got[`github_enterprise_license_users_two_factor_unknown{target="t"}`] != 1 {
		t.Errorf("2FA series: %v", got)
	}
	if tally.servers["no-host-part"] != 0 || tally.servers["unknown"] != 1 {
		t.Errorf("an id without a host must count as unknown, never become a label itself: %v", tally.servers)
	}
	if tally.orgs["orgA"] != 2 || tally.servers["h"] != 1 {
		t.Errorf("orgs %v servers %v: a user counts once per org and per server", tally.orgs, tally.servers)
	}
}

func TestConsumedLicensesGolden(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	assertGolden(t, newCollector(t, "consumed_licenses", fixtureTarget(url)), "consumed_licenses")
}

func TestConsumedLicensesManyPages(t *testing.T) {
	const users = 2345 // 24 pages, the last one short
	sim, url := startSim(t, simulator.Options{LargeUsers: users})
	c := newCollector(t, "consumed_licenses", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	got := values(t, metrics)
	want := map[string]float64{
		`github_enterprise_seats_consumed{target="test"}`:                             users,
		`github_enterprise_seats_purchased{target="test"}`:                            float64(simulator.LargePurchased(users)),
		`github_enterprise_license_github_com_users{target="test"}`:                   users,
		`github_enterprise_license_users{license_type="enterprise",target="test"}`:    users - users/10,
		`github_enterprise_license_users{license_type="visual_studio",target="test"}`: users / 10,
		`github_enterprise_license_users_without_two_factor{target="test"}`:           (users + 6) / 7,
		`github_enterprise_license_org_members{org="org00",target="test"}`:            (users + 24) / 25,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if hits := sim.Hits("/enterprises/large-corp/consumed-licenses"); hits != 24 {
		t.Errorf("fetched %d pages, want 24 (each page once)", hits)
	}
}

func TestPendingInvitationsOddValues(t *testing.T) {
	body := `{"users": [
	  {"github_com_orgs_with_pending_invites": ["org1", "org2"]},
	  {"github_com_orgs_with_pending_invites": "org3"},
	  {"github_com_orgs_with_pending_invites": null},
	  {"github_com_orgs_with_pending_invites": [""]},
	  {"github_com_orgs_with_pending_invites": [7]},
	  {}
	]}`
	var p consumedLicensesPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	tally := newLicenseTally()
	tally.add(&p)
	got := sent(t, func(ch chan<- prometheus.Metric) { tally.collect("t", ch) })
	if v := got[`github_enterprise_license_pending_invitations{target="t"}`]; v != 2 {
		t.Errorf("pending invitations = %v, want 2 (an entry counts once; empty, null and non-strings do not count)", v)
	}
}

func TestPendingInvitationsLargeEnterprise(t *testing.T) {
	_, url := startSim(t, simulator.Options{LargeUsers: 1000})
	c := newCollector(t, "consumed_licenses", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if v := values(t, metrics)[`github_enterprise_license_pending_invitations{target="test"}`]; v != 25 {
		t.Errorf("pending invitations = %v, want 25 (every 40th of 1000)", v)
	}
}

// TestTallyMergeKeepsEveryField: merging a page's tally into an empty one
// gives the page's tally, field for field, so that a count added to the
// tally later cannot be forgotten by merge (which 304 answers rely on).
func TestTallyMergeKeepsEveryField(t *testing.T) {
	var p consumedLicensesPage
	if err := json.Unmarshal(simulator.Fixture("ghec-consumed-licenses.json"), &p); err != nil {
		t.Fatal(err)
	}
	page := newLicenseTally()
	page.add(&p)
	merged := newLicenseTally()
	merged.merge(page)
	if !reflect.DeepEqual(page, merged) {
		t.Errorf("merge lost something:\n page   %+v\n merged %+v", page, merged)
	}
	var rp runnersPage
	if err := json.Unmarshal(simulator.Fixture("ghec-actions-runners.json"), &rp); err != nil {
		t.Fatal(err)
	}
	rt := newRunnerTally()
	rt.add(&rp)
	rm := newRunnerTally()
	rm.merge(rt)
	if !reflect.DeepEqual(rt, rm) {
		t.Errorf("runner merge lost something:\n page   %+v\n merged %+v", rt, rm)
	}
}

// TestConsumedLicensesEndlessChain: pages that each link to the next, one
// user a page under a stated million seats, fail the refresh after two
// requests with an error that names the total; they used to cost 10,000.
func TestConsumedLicensesEndlessChain(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	path := "/enterprises/" + simulator.FixtureEnterprise + "/consumed-licenses"
	var hits atomic.Int32
	sim.SetFault(path, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		hits.Add(1)
		w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?per_page=100&page=%d>; rel="next"`, r.Host, path, page+1))
		fmt.Fprintf(w, `{"total_seats_consumed":1000000,"total_seats_purchased":1000000,"users":[{"github_com_login":"u%d"}]}`, page)
	})
	_, err := runUpdate(t, newCollector(t, "consumed_licenses", fixtureTarget(url)))
	if err == nil || !strings.Contains(err.Error(), "stated a total of 1000000") {
		t.Errorf("err = %v, want one that names the stated total", err)
	}
	if n := hits.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}
