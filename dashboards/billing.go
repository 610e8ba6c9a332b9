package dashboards

import "fmt"

const (
	net   = "github_enterprise_billing_usage_net_amount_dollars"
	gross = "github_enterprise_billing_usage_gross_amount_dollars"
	disc  = "github_enterprise_billing_usage_discount_amount_dollars"
	ghas  = "github_enterprise_advanced_security_committers"
)

func billing() dashboard {
	return dashboard{
		UID: "license-exporter-billing", Title: "License exporter / Billing",
		Desc: "GitHub Enterprise spend this month by product and SKU, premium requests, Advanced Security committers, Copilot seats and cost centers (license_exporter).",
		Rows: []row{
			{Title: "Spend this month", Panels: []panel{
				{Title: "Net spend this month", Type: "stat", W: 8, H: 5, Unit: "currencyUSD",
					Desc:    "Month-to-date net amount (after discounts) in US dollars, as GitHub reports it, per target.",
					Queries: []query{{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(net, "product", "sku")), Legend: "{{target}}", Instant: true}}},
				{Title: "Gross and discounts this month", Type: "stat", W: 8, H: 5, Unit: "currencyUSD",
					Desc: "Month-to-date gross amount and the discounts (included usage) GitHub deducted.",
					Queries: []query{
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(gross, "product", "sku")), Legend: "{{target}} gross", Instant: true},
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(disc, "product", "sku")), Legend: "{{target}} discount", Instant: true},
					}},
				{Title: "Net spend by product", Type: "bargauge", W: 8, H: 5, Unit: "currencyUSD",
					Desc:    "Month-to-date net amount per product (Actions, Packages, Copilot, …).",
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(sum by (product) (%s))", perTarget(net, "product", "sku")), Legend: "{{product}}", Instant: true}}},
				{Title: "Net spend by product over time", Type: "timeseries", W: 24, H: 8, Unit: "currencyUSD",
					Desc:    "Month-to-date net amount per product; it starts again at 0 on the first of each month (UTC).",
					Queries: []query{{Expr: fmt.Sprintf("sum by (target, product) (%s)", perTarget(net, "product", "sku")), Legend: "{{target}} {{product}}"}}},
				{Title: "Spend and usage by SKU", Type: "table", W: 24, H: 8,
					Desc: "Month to date per product and SKU: quantity used, gross and net amount.",
					Queries: []query{
						{Expr: perTarget("github_enterprise_billing_usage_quantity", "product", "sku", "unit_type"), Legend: "quantity", Instant: true},
						{Expr: perTarget(gross, "product", "sku"), Legend: "gross $", Instant: true},
						{Expr: perTarget(net, "product", "sku"), Legend: "net $", Instant: true},
					}},
			}},
			{Title: "Copilot and premium requests", Panels: []panel{
				{Title: "Premium requests by model", Type: "bargauge", W: 8, H: 7, Unit: "none",
					Desc:    "Copilot premium requests this month per model.",
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(sum by (model) (%s))", perTarget("github_enterprise_premium_requests", "model")), Legend: "{{model}}", Instant: true}}},
				{Title: "Premium request spend by model", Type: "bargauge", W: 8, H: 7, Unit: "currencyUSD",
					Desc:    "Net amount of premium requests this month per model.",
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(sum by (model) (%s))", perTarget("github_enterprise_premium_requests_net_amount_dollars", "model")), Legend: "{{model}}", Instant: true}}},
				{Title: "Copilot seats", Type: "stat", W: 8, H: 7, Unit: "none",
					Desc: "Copilot seats per plan type, and the idle ones: no activity for 30 days or never used, paid for and unused.",
					Queries: []query{
						{Expr: perTarget("github_enterprise_copilot_seats", "plan_type"), Legend: "{{target}} {{plan_type}}", Instant: true},
						{Expr: perTarget("github_enterprise_copilot_seats_inactive"), Legend: "{{target}} idle", Instant: true},
					}},
				{Title: "Idle Copilot seats", Type: "timeseries", W: 24, H: 7, Unit: "percentunit", Min: f(0),
					Desc: "Share of Copilot seats with no activity for 30 days (or never active): candidates to reclaim.",
					Queries: []query{{Expr: fmt.Sprintf("%s / sum by (target) (%s)",
						perTarget("github_enterprise_copilot_seats_inactive"), perTarget("github_enterprise_copilot_seats", "plan_type")), Legend: "{{target}}"}}},
			}},
			{Title: "Advanced Security and cost centers", Panels: []panel{
				{Title: "Advanced Security committers vs purchased", Type: "timeseries", W: 12, H: 8, Unit: "none",
					Desc: "Active Advanced Security committers, the maximum this billing period, and the committers purchased.",
					Queries: []query{
						{Expr: perTarget(ghas), Legend: "{{target}} active"},
						{Expr: perTarget(ghas + "_maximum"), Legend: "{{target}} maximum"},
						{Expr: perTarget(ghas + "_purchased"), Legend: "{{target}} purchased"},
					}},
				{Title: "Cost centers", Type: "table", W: 12, H: 8,
					Desc:    "Resources assigned to each cost center, by type (users, organizations, repositories).",
					Queries: []query{{Expr: perTarget("github_enterprise_cost_center_resources", "cost_center_id", "cost_center", "resource_type"), Legend: "resources", Instant: true}}},
			}},
		},
	}
}
