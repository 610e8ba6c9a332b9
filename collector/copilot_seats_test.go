package collector

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

func copilotCollector(t *testing.T, tc *config.Target, now time.Time) *copilotSeatsCollector {
	t.Helper()
	c := newCollector(t, "copilot_seats", tc).(*copilotSeatsCollector)
	c.now = func() time.Time { return now }
	return c
}

func TestCopilotSeatsGolden(t *testing.T) {
	// A week after the example's last activity: both seats active. The
	// second seat names no plan_type and is pending cancellation.
	_, url := startSim(t, simulator.Options{})
	now := time.Date(2021, 10, 20, 12, 0, 0, 0, time.UTC)
	assertGolden(t, copilotCollector(t, fixtureTarget(url), now), "copilot_seats")
}

func TestCopilotSeatsInactiveDays(t *testing.T) {
	_, url := startSim(t, simulator.Options{})
	now := time.Date(2021, 10, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		days int
		want float64
	}{{0, 0}, {30, 0}, {7, 1}, {6, 2}} {
		target := fixtureTarget(url)
		target.CopilotInactiveDays = tc.days
		metrics, err := runUpdate(t, copilotCollector(t, target, now))
		if err != nil {
			t.Fatal(err)
		}
		if got := values(t, metrics)[`github_enterprise_copilot_seats_inactive{target="test"}`]; got != tc.want {
			t.Errorf("copilot_inactive_days %d: inactive = %v, want %v", tc.days, got, tc.want)
		}
	}
}

func TestCopilotSeatsManyPages(t *testing.T) {
	const users = 8000 // 2000 seats: 20 pages
	sim, url := startSim(t, simulator.Options{LargeUsers: users})
	c := copilotCollector(t, &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise}, time.Now())
	metrics, err := runUpdate(t, c)
	if err != nil {
		t.Fatal(err)
	}
	n := simulator.LargeCopilotSeats(users)
	got := values(t, metrics)
	want := map[string]float64{
		`github_enterprise_copilot_seats{plan_type="unknown",target="test"}`:    float64(n / 50),
		`github_enterprise_copilot_seats{plan_type="enterprise",target="test"}`: float64(n / 5),
		`github_enterprise_copilot_seats{plan_type="business",target="test"}`:   float64(n - n/50 - n/5),
		`github_enterprise_copilot_seats_inactive{target="test"}`:               float64(n/5 - n/20), // i%10 == 0 or 1, not the new rollout (i%20 == 10)
		`github_enterprise_copilot_seats_pending_cancellation{target="test"}`:   float64(n / 25),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if hits := sim.Hits("/enterprises/large-corp/copilot/billing/seats"); hits != 20 {
		t.Errorf("fetched %d pages, want 20", hits)
	}
}

// A seat granted within copilot_inactive_days and not used yet is a rollout,
// not waste; once the window has passed without use, it counts as inactive.
func TestCopilotSeatsNewlyAssigned(t *testing.T) {
	body := `{"total_seats":4,"seats":[
	  {"assignee":{"login":"new"},"created_at":"2025-03-25T00:00:00Z","last_activity_at":null},
	  {"assignee":{"login":"regranted"},"created_at":"2025-03-20T00:00:00Z","last_activity_at":"2024-01-01T00:00:00Z"},
	  {"assignee":{"login":"old"},"created_at":"2025-01-01T00:00:00Z","last_activity_at":null},
	  {"assignee":{"login":"undated"},"created_at":"soon","last_activity_at":null}
	]}`
	var p copilotSeatsPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	tally := newCopilotTally()
	tally.add(foldSeats(&p))
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), 2}, // old and undated
		{time.Date(2025, 4, 20, 0, 0, 0, 0, time.UTC), 3}, // regranted's window has passed
		{time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC), 4},
	} {
		if got := tally.count(tc.now, 30*24*time.Hour).inactive; got != tc.want {
			t.Errorf("at %s: inactive = %d, want %d", tc.now.Format(time.DateOnly), got, tc.want)
		}
	}
}

// A user with a year-old seat who is added again through a second team
// (a second entry, created last week) has had Copilot for a year: unused,
// the seat is inactive, not a new grant.
func TestCopilotSeatsSecondTeamIsNoNewSeat(t *testing.T) {
	body := `{"total_seats":1,"seats":[
	  {"assignee":{"login":"mona"},"assigning_team":{"slug":"b"},"created_at":"2025-03-25T00:00:00Z","last_activity_at":null},
	  {"assignee":{"login":"mona"},"assigning_team":{"slug":"a"},"created_at":"2024-03-01T00:00:00Z","last_activity_at":null},
	  {"assignee":{"login":"mona"},"assigning_team":{"slug":"c"},"created_at":null,"last_activity_at":null}
	]}`
	var p copilotSeatsPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	tally := newCopilotTally()
	tally.add(foldSeats(&p))
	if got := tally.count(at, 30*24*time.Hour).inactive; got != 1 {
		t.Errorf("inactive = %d, want 1: the seat is a year old", got)
	}
	// The same entries on two pages, the later grant first.
	first, second := p, p
	first.Seats, second.Seats = p.Seats[:1], p.Seats[1:]
	tally = newCopilotTally()
	tally.add(foldSeats(&first))
	tally.add(foldSeats(&second))
	if got := tally.count(at, 30*24*time.Hour).inactive; got != 1 {
		t.Errorf("across pages: inactive = %d, want 1", got)
	}
}

func TestCopilotTallyOddValues(t *testing.T) {
	// One user seated through two organizations counts once per plan; a
	// seat with a bad date counts as never active; an entry without an
	// assignee is its own user; pending only when every entry is.
	body := `{"total_seats": "3", "seats": [
	  {"assignee": {"login": "Ann", "id": 1}, "plan_type": "business", "last_activity_at": "2025-03-30T10:00:00Z", "pending_cancellation_date": "2025-04-01"},
	  {"assignee": {"login": "ann", "id": 1}, "plan_type": "Business", "last_activity_at": null, "pending_cancellation_date": null},
	  {"assignee": {"login": "bob"}, "plan_type": null, "last_activity_at": "yesterday", "pending_cancellation_date": ""},
	  {"assignee": null, "plan_type": "enterprise", "last_activity_at": 1743330000, "pending_cancellation_date": "2025-04-01"},
	  {"assignee": null, "plan_type": "enterprise", "last_activity_at": 1743330000}
	]}`
	var p copilotSeatsPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	tally := newCopilotTally()
	tally.add(foldSeats(&p))
	counts := tally.count(time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), 30*24*time.Hour)
	got := values(t, drain(func(ch chan<- prometheus.Metric) { counts.collect("t", ch) }))
	want := map[string]float64{
		`github_enterprise_copilot_seats{plan_type="business",target="t"}`:   1,
		`github_enterprise_copilot_seats{plan_type="unknown",target="t"}`:    1,
		`github_enterprise_copilot_seats{plan_type="enterprise",target="t"}`: 2,
		`github_enterprise_copilot_seats_inactive{target="t"}`:               1, // bob
		`github_enterprise_copilot_seats_pending_cancellation{target="t"}`:   1, // the first anonymous entry
	}
	if len(got) != len(want) {
		t.Errorf("series = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if tally.total.Value != 3 {
		t.Errorf("total_seats = %+v", tally.total)
	}
}

func FuzzCopilotSeats(f *testing.F) {
	f.Add(simulator.Fixture("ghec-copilot-billing-seats.json"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p copilotSeatsPage
		if json.Unmarshal(b, &p) != nil {
			return
		}
		tally := newCopilotTally()
		tally.add(foldSeats(&p))
		counts := tally.count(time.Unix(1.7e9, 0), time.Hour)
		drain(func(ch chan<- prometheus.Metric) { counts.collect("t", ch) })
	})
}

// BenchmarkCopilotSeats refreshes 25,000 seat entries (250 pages) from the
// simulator over loopback. Each round gets a new client: one client's
// request-rate cap (900 a minute, bursts of 300) would otherwise dominate.
func BenchmarkCopilotSeats(b *testing.B) {
	_, url := startSim(b, simulator.Options{LargeUsers: 100000, RateLimit: 1 << 30})
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		c := newCollector(b, "copilot_seats", &config.Target{Type: config.TypeGitHub, APIURL: url, Enterprise: simulator.LargeEnterprise})
		b.StartTimer()
		if _, err := runUpdate(b, c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCopilotSeatsFewerThanStated: a listing that ends with fewer seats
// than total_seats (here the Link header is missing) fails the refresh
// instead of reporting 2 of 3,000 seats as all of them.
func TestCopilotSeatsFewerThanStated(t *testing.T) {
	sim, url := startSim(t, simulator.Options{})
	sim.SetFault("/enterprises/", simulator.JSONFault(200, `{"total_seats":3000,"seats":[{"plan_type":"business","assignee":{"login":"a"}},{"plan_type":"business","assignee":{"login":"b"}}]}`))
	_, err := runUpdate(t, copilotCollector(t, fixtureTarget(url), time.Now()))
	if err == nil || !strings.Contains(err.Error(), "stated 3000 items but its pages held 2") {
		t.Errorf("err = %v", err)
	}
}

// TestCopilotSeatsConditional: a user whose seats are listed on two pages
// counts once, on the first refresh and on one answered 304 from the kept
// per-page aggregates.
func TestCopilotSeatsConditional(t *testing.T) {
	var mu sync.Mutex
	notModified := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		etag := `"p` + page + `"`
		if page == "" || page == "1" {
			etag = `"p1"`
			w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?per_page=100&page=2>; rel="next", <http://%s%s?per_page=100&page=2>; rel="last"`, r.Host, r.URL.Path, r.Host, r.URL.Path))
		}
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			mu.Lock()
			notModified++
			mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if etag == `"p1"` {
			fmt.Fprint(w, `{"total_seats":3,"seats":[{"plan_type":"business","assignee":{"login":"ann"}},{"plan_type":"business","assignee":{"login":"bob"}}]}`)
			return
		}
		fmt.Fprint(w, `{"total_seats":3,"seats":[{"plan_type":"enterprise","assignee":{"login":"Ann"}}]}`)
	}))
	defer srv.Close()
	c := copilotCollector(t, fixtureTarget(srv.URL), time.Date(2021, 10, 20, 12, 0, 0, 0, time.UTC))
	want := map[string]float64{
		`github_enterprise_copilot_seats{plan_type="business",target="test"}`:   2,
		`github_enterprise_copilot_seats{plan_type="enterprise",target="test"}`: 1,
	}
	for round := range 3 {
		metrics, err := runUpdate(t, c)
		if err != nil {
			t.Fatal(err)
		}
		got := values(t, metrics)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("round %d: %s = %v, want %v", round, k, got[k], v)
			}
		}
		if !strings.Contains(c.Summary(), "2 Copilot users") {
			t.Errorf("round %d: %s", round, c.Summary())
		}
	}
	if notModified != 4 {
		t.Errorf("%d pages answered 304, want 4", notModified)
	}
}
