package collector

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/config"
)

// Since 2026-06-01 GitHub bills Copilot in AI credits, and this report
// replaces the premium request report for monthly plans:
// https://docs.github.com/en/enterprise-cloud@latest/rest/billing/usage#get-billing-ai-credit-usage-report-for-an-enterprise
var aiCreditsSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "ai_credits", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint:      "GET /enterprises/{e}/settings/billing/ai_credit/usage?year=Y&month=M (current month, UTC)",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager (or a custom role with read access to enterprise billing)",
		Scopes:     "`manage_billing:enterprise`",
		Permission: "read access to enterprise billing (a GitHub App installed on the enterprise)",
	},
}

var (
	aiCreditsDesc = aiCreditsSpec.gauge("github_enterprise_ai_credits",
		"Copilot AI credits consumed this month (UTC) to date per product, SKU and model (grossQuantity).", "product", "sku", "model")
	aiCreditsIncludedDesc = aiCreditsSpec.gauge("github_enterprise_ai_credits_included",
		"AI credits this month to date covered by the credits included in licenses (discountQuantity).", "product", "sku", "model")
	aiCreditsBilledDesc = aiCreditsSpec.gauge("github_enterprise_ai_credits_billed",
		"AI credits this month to date billed beyond the included credits (netQuantity; gross minus included can be negative, this cannot).", "product", "sku", "model")
	aiCreditsNetDesc = aiCreditsSpec.gauge("github_enterprise_ai_credits_net_amount_dollars",
		"Net amount billed for AI credits this month to date, in US dollars (netAmount).", "product", "sku", "model")
)

func init() {
	registerCollector(aiCreditsSpec, func(t *Source) (Collector, error) { return &aiCreditsCollector{src: t, now: time.Now}, nil })
}

// aiCreditsCollector reads the AI credit usage report for the current month.
type aiCreditsCollector struct {
	src *Source
	now func() time.Time
	summaryHolder
	absent absence
}

var _ Collector = (*aiCreditsCollector)(nil)

type aiCreditKey struct{ product, sku, model string }

type aiCreditAmounts struct{ gross, included, billed, net sum }

// aiCreditTotals folds report lines by product, SKU and model: the report
// may split one model over several lines (by day or organization).
type aiCreditTotals map[aiCreditKey]*aiCreditAmounts

func (a aiCreditTotals) add(r *usageReport) {
	for i := range r.UsageItems.Items {
		it := &r.UsageItems.Items[i]
		k := aiCreditKey{product: label(it.Product), sku: label(it.SKU), model: label(it.Model)}
		t := a[k]
		if t == nil {
			t = &aiCreditAmounts{}
			a[k] = t
		}
		if it.GrossQuantity.Valid {
			t.gross.add(it.GrossQuantity)
		} else {
			t.gross.add(it.Quantity)
		}
		t.included.add(it.DiscountQuantity)
		t.billed.add(it.NetQuantity)
		t.net.add(it.NetAmount)
	}
}

func (a aiCreditTotals) collect(target string, ch chan<- prometheus.Metric) (credits, net float64) {
	keys := slices.SortedFunc(maps.Keys(a), func(x, y aiCreditKey) int {
		return cmp.Or(strings.Compare(x.product, y.product), strings.Compare(x.sku, y.sku), strings.Compare(x.model, y.model))
	})
	for _, k := range keys {
		t := a[k]
		t.gross.send(ch, aiCreditsDesc, target, k.product, k.sku, k.model)
		t.included.send(ch, aiCreditsIncludedDesc, target, k.product, k.sku, k.model)
		t.billed.send(ch, aiCreditsBilledDesc, target, k.product, k.sku, k.model)
		t.net.rounded().send(ch, aiCreditsNetDesc, target, k.product, k.sku, k.model)
		credits += t.gross.value
		net += t.net.value
	}
	return credits, net
}

func (c *aiCreditsCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	report, err := sharedJSON[usageReport](ctx, c.src, aiCreditsSpec, "settings/billing/ai_credit/usage", monthQuery(c.now()))
	if c.absent.notFound(c.src.Logger, aiCreditsSpec.Name, err, "no AI credit usage report for this enterprise (it is not on usage-based Copilot billing); the ai_credits metrics are left out") {
		c.setNotFound("no AI credit usage report (the enterprise is not on usage-based Copilot billing)")
		return nil
	}
	if err != nil {
		return wrap("AI credit usage", err)
	}
	totals := aiCreditTotals{}
	totals.add(report)
	credits, net := totals.collect(c.src.Name(), ch)
	c.setSummary("%s over %s this month, $%.2f net", countFloat(credits, "AI credit", "AI credits"), count(len(totals), "product/model", "products/models"), net)
	return nil
}
