package collector

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/license-exporter/license_exporter/api"
	"github.com/license-exporter/license_exporter/config"
)

var billingUsageSpec = &Spec{
	CollectorSpec: config.CollectorSpec{Name: "billing_usage", Types: []string{config.TypeGitHub}, Default: true, NeedsEnterprise: true, Interval: time.Hour},
	Endpoint:      "GET /enterprises/{e}/settings/billing/usage/summary?year=Y&month=M (current month, UTC); where it answers 404, GET …/settings/billing/usage?year=Y&month=M summed per product and SKU",
	Needs: Needs{
		Role:       "an enterprise owner or billing manager (or a custom role with read access to enterprise billing)",
		Scopes:     "`manage_billing:enterprise`",
		Permission: "read access to enterprise billing (a GitHub App installed on the enterprise)",
	},
}

// usageSourceHelp says what the source label means. The detailed report's
// description (OpenAPI, GET /enterprises/{enterprise}/settings/billing/usage):
// "By default this endpoint will return usage that does not have a cost
// center", and it has no value for all usage.
const usageSourceHelp = ` source="summary" is all the enterprise's usage (the usage summary); source="detailed" is the detailed usage report, read where the summary answers 404, which covers only usage that is not assigned to a cost center, so it is short of the cost centers' usage.`

var (
	usageQuantityDesc = billingUsageSpec.gauge("github_enterprise_billing_usage_quantity",
		"Usage this month (UTC) to date per product, SKU and unit type (grossQuantity, or quantity of the detailed report)."+usageSourceHelp,
		"product", "sku", "unit_type", "source")
	usageGrossDesc = billingUsageSpec.gauge("github_enterprise_billing_usage_gross_amount_dollars",
		"Gross amount this month to date per product and SKU, in US dollars (grossAmount)."+usageSourceHelp, "product", "sku", "source")
	usageDiscountDesc = billingUsageSpec.gauge("github_enterprise_billing_usage_discount_amount_dollars",
		"Discount this month to date per product and SKU, in US dollars (discountAmount)."+usageSourceHelp, "product", "sku", "source")
	usageNetDesc = billingUsageSpec.gauge("github_enterprise_billing_usage_net_amount_dollars",
		"Net amount billed this month to date per product and SKU, in US dollars (netAmount)."+usageSourceHelp, "product", "sku", "source")
)

// The values of the source label.
const (
	sourceSummary  = "summary"
	sourceDetailed = "detailed"
)

// summaryRetry is how long billing_usage keeps to the detailed report after
// the summary answered 404 before it asks for the summary again.
const summaryRetry = 6 * time.Hour

// summaryMisses is how many 404s in a row from the summary make billing_usage
// switch to the detailed report: one 404 can be a hiccup, and a refresh that
// fails keeps the last good data, whereas a switch changes the source.
const summaryMisses = 3

// needBilling is the permission hint of the enhanced billing endpoints.

func init() {
	registerCollector(billingUsageSpec, func(t *Source) (Collector, error) { return &billingUsageCollector{src: t, now: time.Now}, nil })
}

// billingUsageCollector reads GET /enterprises/{e}/settings/billing/usage/summary
// for the current month and, where that answers 404, the detailed report
// /settings/billing/usage summed the same way.
type billingUsageCollector struct {
	src *Source
	now func() time.Time
	summaryHolder

	detailedFrom time.Time // when the summary last answered 404; zero: use it
	misses       int       // 404s in a row from the summary
}

var _ Collector = (*billingUsageCollector)(nil)

// usageItem is one line of the summary, the detailed report or the premium
// request report: they share these field names.
type usageItem struct {
	Product          api.String `json:"product"`
	SKU              api.String `json:"sku"`
	Model            api.String `json:"model"`
	UnitType         api.String `json:"unitType"`
	GrossQuantity    api.Number `json:"grossQuantity"`
	Quantity         api.Number `json:"quantity"`
	DiscountQuantity api.Number `json:"discountQuantity"`
	NetQuantity      api.Number `json:"netQuantity"`
	GrossAmount      api.Number `json:"grossAmount"`
	DiscountAmount   api.Number `json:"discountAmount"`
	NetAmount        api.Number `json:"netAmount"`
}

type usageReport struct {
	UsageItems api.List[usageItem] `json:"usageItems"`
}

// sum adds numbers, remembering whether any was valid, so that a figure no
// item reported is left out instead of exported as 0.
type sum struct {
	value float64
	valid bool
}

func (s *sum) add(n api.Number) {
	if n.Valid {
		s.value += n.Value
		s.valid = true
	}
}

// rounded drops the float noise of a sum of dollar amounts
// (239.99999999999997 for $240) so that a figure at exactly a limit
// compares >= 100 %. GitHub's line amounts carry fractions of a cent
// ($0.008 a Linux minute), so usage sums keep micro-dollars; a budget's
// spend, compared with a limit in whole cents, is rounded to the cent.
func (s sum) rounded() sum {
	s.value = math.Round(s.value*1e6) / 1e6
	return s
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

func (s sum) send(ch chan<- prometheus.Metric, d *Metric, labels ...string) {
	if s.valid {
		ch <- sample(d, s.value, labels...)
	}
}

type usageKey struct{ product, sku, unit string }

type usageAmounts struct{ gross, discount, net sum }

// usageTotals folds usage items by product and SKU; the detailed report has
// one line per day, organization and repository, the summary one per SKU.
type usageTotals struct {
	quantity map[usageKey]*sum
	amounts  map[usageKey]*usageAmounts // unit is empty
	items    int
}

func newUsageTotals() *usageTotals {
	return &usageTotals{quantity: map[usageKey]*sum{}, amounts: map[usageKey]*usageAmounts{}}
}

func (u *usageTotals) add(r *usageReport) {
	for i := range r.UsageItems.Items {
		it := &r.UsageItems.Items[i]
		u.items++
		k := usageKey{product: label(it.Product), sku: skuLabel(it.SKU), unit: label(it.UnitType)}
		q := u.quantity[k]
		if q == nil {
			q = &sum{}
			u.quantity[k] = q
		}
		if it.GrossQuantity.Valid {
			q.add(it.GrossQuantity)
		} else {
			q.add(it.Quantity)
		}
		k.unit = ""
		a := u.amounts[k]
		if a == nil {
			a = &usageAmounts{}
			u.amounts[k] = a
		}
		a.gross.add(it.GrossAmount)
		a.discount.add(it.DiscountAmount)
		a.net.add(it.NetAmount)
	}
}

// skuLabel puts a SKU in one form whichever source it came from: the summary
// writes "actions_linux", the detailed report "Actions Linux". Lower case,
// with runs of spaces, hyphens and underscores made one underscore, so that
// a switch between the two keeps every series.
func skuLabel(s api.String) string {
	v := strings.ToLower(label(s))
	return strings.Join(strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_")
}

// net is the month's net amount over every product.
func (u *usageTotals) net() float64 {
	var total float64
	for _, a := range u.amounts {
		total += a.net.value
	}
	return total
}

// collect sends the totals, labelled with the report they came from
// (sourceSummary or sourceDetailed).
func (u *usageTotals) collect(target, source string, ch chan<- prometheus.Metric) {
	for _, k := range sortedUsageKeys(u.quantity) {
		u.quantity[k].send(ch, usageQuantityDesc, target, k.product, k.sku, k.unit, source)
	}
	for _, k := range sortedUsageKeys(u.amounts) {
		a := u.amounts[k]
		a.gross.rounded().send(ch, usageGrossDesc, target, k.product, k.sku, source)
		a.discount.rounded().send(ch, usageDiscountDesc, target, k.product, k.sku, source)
		a.net.rounded().send(ch, usageNetDesc, target, k.product, k.sku, source)
	}
}

func sortedUsageKeys[V any](m map[usageKey]V) []usageKey {
	return slices.SortedFunc(maps.Keys(m), func(a, b usageKey) int {
		return cmp.Or(strings.Compare(a.product, b.product), strings.Compare(a.sku, b.sku), strings.Compare(a.unit, b.unit))
	})
}

// monthQuery asks for the current month in UTC, GitHub's billing time zone.
func monthQuery(now time.Time) url.Values {
	now = now.UTC()
	return url.Values{"year": {strconv.Itoa(now.Year())}, "month": {strconv.Itoa(int(now.Month()))}}
}

func (c *billingUsageCollector) Update(ctx context.Context, ch chan<- prometheus.Metric) error {
	now := c.now()
	q := monthQuery(now)
	useSummary := c.detailedFrom.IsZero() || now.Sub(c.detailedFrom) >= summaryRetry

	var report usageReport
	source := sourceSummary
	var summaryErr error
	if useSummary {
		var summary *usageReport
		summary, summaryErr = sharedJSON[usageReport](ctx, c.src, billingUsageSpec, "settings/billing/usage/summary", q)
		if summaryErr == nil {
			report = *summary
		}
		if summaryErr != nil && !api.IsKind(summaryErr, api.KindNotFound) {
			return wrap("billing usage summary", summaryErr)
		}
		if summaryErr == nil {
			c.detailedFrom, c.misses = time.Time{}, 0
		} else if c.misses++; c.misses < summaryMisses {
			return fmt.Errorf("billing usage summary (404 %d time(s) in a row; the detailed report is used after %d): %w", c.misses, summaryMisses, summaryErr)
		}
	}
	if !useSummary || summaryErr != nil {
		source = sourceDetailed
		report = usageReport{}
		if _, err := c.src.Client.GetJSONUpTo(ctx, c.src.enterprisePath("settings/billing/usage"), q, &report, api.MaxReportBytes); err != nil {
			if summaryErr != nil {
				// Both are wrapped, err first: the detailed report's failure
				// is what api.AsError (errors.As, depth first) must classify,
				// not the summary's 404.
				return fmt.Errorf("billing usage: the detailed report failed: %w (and the summary answered 404: %w)", err, summaryErr)
			}
			return wrap("billing usage report", err)
		}
		// Stay on the detailed report only once it has worked: a 404 from
		// both (a missing role, say) must not pin the fallback for hours.
		if summaryErr != nil {
			c.detailedFrom = now
		}
	}
	totals := newUsageTotals()
	totals.add(&report)
	totals.collect(c.src.Name(), source, ch)
	from := "the usage summary"
	if source == sourceDetailed {
		from = "the detailed report (usage without a cost center only: the summary answers 404)"
	}
	c.setSummary("%d-%02d: %s, $%.2f net, from %s", now.UTC().Year(), int(now.UTC().Month()), count(len(totals.amounts), "product/SKU", "products/SKUs"), totals.net(), from)
	return nil
}
