package collector

import (
	"testing"
	"time"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
	"github.com/license-exporter/license_exporter/internal/simulator"
)

// seatsOf builds a tally of users "login:plan"; a login of "" names nobody.
func seatsOf(seats ...[2]string) *copilotTally {
	p := &copilotSeatsPage{}
	for _, s := range seats {
		var seat copilotSeat
		seat.Assignee.Login = api.String(s[0])
		seat.PlanType = api.String(s[1])
		p.Seats = append(p.Seats, seat)
	}
	t := newCopilotTally()
	t.add(foldSeats(p))
	return t
}

func TestCreditPoolWithinMonth(t *testing.T) {
	const business, enterprise = 1900, 3900
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	var p creditPool
	steps := []struct {
		name  string
		at    time.Time
		seats *copilotTally
		want  float64
		per   map[string]int
	}{
		{"start", day(6, 3), seatsOf([2]string{"a", "business"}, [2]string{"b", "enterprise"}), 5800, map[string]int{"business": 1, "enterprise": 1}},
		{"one added grows the pool at once", day(6, 10), seatsOf([2]string{"a", "business"}, [2]string{"b", "enterprise"}, [2]string{"c", "business"}), 7700, nil},
		{"one removed: no shrink before the month ends", day(6, 12), seatsOf([2]string{"a", "business"}, [2]string{"b", "enterprise"}), 7700, nil},
		{"removed and another added: both count", day(6, 14), seatsOf([2]string{"b", "enterprise"}, [2]string{"d", "business"}), 9600, nil},
		{"an upgrade counts at once", day(6, 15), seatsOf([2]string{"b", "enterprise"}, [2]string{"d", "enterprise"}), 11600, nil},
		{"a downgrade waits for the next month", day(6, 16), seatsOf([2]string{"b", "business"}, [2]string{"d", "enterprise"}), 11600, map[string]int{"business": 2, "enterprise": 2}},
		{"a new month counts the seats held then", day(7, 1).Add(-12 * time.Hour), seatsOf([2]string{"b", "business"}, [2]string{"d", "enterprise"}), 5800, nil},
		{"unknown plans at the Business rate; nobody named counts once", day(7, 2), seatsOf([2]string{"b", "business"}, [2]string{"d", "enterprise"}, [2]string{"e", ""}, [2]string{"", "business"}), 9600, map[string]int{"business": 2, "enterprise": 1, "unknown": 1}},
		{"no Copilot at all", day(8, 1), seatsOf(), 0, map[string]int{}},
	}
	for _, s := range steps {
		p.update(s.at, s.seats)
		if got := p.credits(business, enterprise); got != s.want {
			t.Errorf("%s: pool = %v, want %v", s.name, got, s.want)
		}
		if s.per != nil {
			got := p.seats()
			for k, v := range s.per {
				if got[k] != v {
					t.Errorf("%s: seats[%s] = %d, want %d (all %v)", s.name, k, got[k], v, got)
				}
			}
			for k, v := range got {
				if v != 0 && s.per[k] == 0 {
					t.Errorf("%s: seats[%s] = %d, want none", s.name, k, v)
				}
			}
		}
	}
}

func TestCreditPoolCollector(t *testing.T) {
	// The fixture: one seat of plan business, one naming none (Business rate).
	_, url := startSim(t, simulator.Options{})
	now := time.Date(2021, 10, 20, 12, 0, 0, 0, time.UTC)
	tc := fixtureTarget(url)
	metrics, err := runUpdate(t, copilotCollector(t, tc, now))
	if err != nil {
		t.Fatal(err)
	}
	if got := values(t, metrics)[`github_enterprise_ai_credits_pool{target="test"}`]; got != 3800 {
		t.Errorf("pool = %v, want 3800", got)
	}
	three := 3000
	tc.AICreditsPerLicense = &config.AICreditsPerLicense{Business: &three}
	metrics, err = runUpdate(t, copilotCollector(t, tc, now))
	if err != nil {
		t.Fatal(err)
	}
	if got := values(t, metrics)[`github_enterprise_ai_credits_pool{target="test"}`]; got != 6000 {
		t.Errorf("pool with business: 3000 = %v, want 6000", got)
	}
}
