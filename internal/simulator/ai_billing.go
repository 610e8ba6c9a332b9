package simulator

import (
	"net/http"
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

// largeAIModels are the synthetic enterprise's models and their monthly AI
// credits per user.
var largeAIModels = []struct {
	model   string
	perUser float64
}{
	{"Claude Sonnet 4.5", 900},
	{"GPT-5", 600},
	{"GPT-5 mini", 150},
	{"Gemini 2.5 Pro", 350},
}

// LargeIncludedAICredits is the share of the synthetic enterprise's AI
// credits covered by its included credits; the rest is billed.
const LargeIncludedAICredits = 0.8

// largeAINet is the synthetic enterprise's net amount for AI credits this
// month, in US dollars.
func largeAINet(users int) float64 {
	var n float64
	for _, m := range largeAIModels {
		n += m.perUser * float64(users) / 100 * (1 - LargeIncludedAICredits) * AICreditPrice
	}
	return n
}

func (s *Server) largeAICredits(w http.ResponseWriter, r *http.Request) {
	share := usageShare(r.URL.Query()) // the organization and cost_center_id filters
	items := make([]map[string]any, 0, len(largeAIModels))
	for _, m := range largeAIModels {
		if share == 0 {
			break
		}
		q := share * m.perUser * float64(s.opts.LargeUsers) / 100
		included := q * LargeIncludedAICredits
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
