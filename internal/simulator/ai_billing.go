package simulator

import (
	"net/http"
	"time"
)

// Usage-based billing since 2026-06-01: the AI credit usage report. The
// fixture enterprise answers with GitHub's example; the large one uses AI
// credits on several models, partly covered by included credits.

func init() {
	routes = append(routes, func(s *Server, mux *http.ServeMux) {
		base := "GET /enterprises/{enterprise}/settings/billing/"
		mux.HandleFunc(base+"ai_credit/usage", s.byEnterprise("ghec-billing-ai-credit-usage.json", s.largeAICredits))
	})
}

// AICreditPrice is the price of one AI credit in US dollars.
const AICreditPrice = 0.01

// largeAIModels are the synthetic enterprise's models, weighted by their
// share of its AI credits.
var largeAIModels = []struct {
	model   string
	perUser float64
}{
	{"Claude Sonnet 4.5", 900},
	{"GPT-5", 600},
	{"GPT-5 mini", 150},
	{"Gemini 2.5 Pro", 350},
}

// largeAIPerUser is the sum of the models' perUser: each model's share.
const largeAIPerUser = 900 + 600 + 150 + 350

// LargeAIPool is the synthetic enterprise's AI credit pool of the month:
// its Copilot seats (SyntheticSeat: every 5th on Enterprise, every 50th
// naming no plan, counted at the Business rate) times the default credits
// per license.
func LargeAIPool(users int) float64 {
	var ent, biz int
	for i := range LargeCopilotSeats(users) {
		switch {
		case i%50 == 49:
			biz++
		case i%5 == 0:
			ent++
		default:
			biz++
		}
	}
	return float64(ent)*3900 + float64(biz)*1900
}

// LargePoolShareUsed is the share of its pool the synthetic enterprise has
// used at now: three quarters until 60 % of the month (UTC, by whole days)
// has passed, then a quarter ahead of the month, at most 95 %: its pace
// always reaches the pool before the month ends, and it never runs out, so
// nothing is billed beyond it.
func LargePoolShareUsed(now time.Time) float64 {
	now = now.UTC()
	if now.Day() == 1 {
		return 0.9 // no forecast on the 1st: the demo shows the 90 % rule instead
	}
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	days := start.AddDate(0, 1, 0).Sub(start).Hours() / 24
	elapsed := float64(now.Day()-1) / days
	if elapsed <= 0.6 {
		return 0.75
	}
	return min(0.95, 1.25*elapsed)
}

// largeAIGross is the synthetic enterprise's AI credits this month.
func largeAIGross(users int, now time.Time) float64 {
	return LargeAIPool(users) * LargePoolShareUsed(now)
}

func (s *Server) largeAICredits(w http.ResponseWriter, r *http.Request) {
	share := usageShare(r.URL.Query()) // the organization and cost_center_id filters
	items := make([]map[string]any, 0, len(largeAIModels))
	for _, m := range largeAIModels {
		if share == 0 {
			break
		}
		q := share * largeAIGross(s.opts.LargeUsers, s.now()) * m.perUser / largeAIPerUser
		included := q // within the pool: nothing billed
		items = append(items, map[string]any{
			"product": "Copilot", "sku": "Copilot AI Credits", "model": m.model, "unitType": "credits",
			"pricePerUnit": AICreditPrice, "grossQuantity": q, "grossAmount": q * AICreditPrice,
			"discountQuantity": included, "discountAmount": included * AICreditPrice,
			"netQuantity": q - included, "netAmount": (q - included) * AICreditPrice,
		})
	}
	now := s.now().UTC()
	writeJSON(w, http.StatusOK, map[string]any{
		"timePeriod": map[string]any{"year": now.Year(), "month": int(now.Month())}, "enterprise": LargeEnterprise, "usageItems": items,
	})
}
