package dashboards

import (
	"fmt"
)

const (
	net   = "github_enterprise_billing_usage_net_amount_dollars"
	gross = "github_enterprise_billing_usage_gross_amount_dollars"
	disc  = "github_enterprise_billing_usage_discount_amount_dollars"
	ghas  = "github_enterprise_advanced_security_committers"

	budgetSpent = "github_enterprise_budget_spent_dollars"
	budgetLimit = "github_enterprise_budget_limit_dollars"
	aiCredits   = "github_enterprise_ai_credits"
)

// budgetBy are the labels that name a budget.
var budgetBy = []string{"budget_id", "scope", "entity", "sku"}

// budgetForecast is each budget's spend at the month's end at the month's
// average pace: the recording rule of deploy/prometheus, which the alerts
// use too. It is empty on the 1st (UTC) and without the rules loaded.
const budgetForecastRule = "budget:" + budgetSpent + ":month_end_forecast"

func budgetForecast() string { return perTarget(budgetForecastRule, budgetBy...) }

// The AI credit pool of the month and the recording rules that put it
// beside the credits used (deploy/rules/ai_credit_pool.go).
const (
	aiPool             = "github_enterprise_ai_credits_pool"
	aiPoolUsedRule     = "target:github_enterprise_ai_credits_included:sum"
	aiPoolForecastRule = "target:github_enterprise_ai_credits_pool_used:month_end_forecast"
)

func billing() dashboard {
	return dashboard{
		UID: "license-exporter-billing", Title: "License exporter / Billing",
		Desc: "GitHub Enterprise spend this month by product and SKU, budgets, AI credits, Copilot seats, Advanced Security committers, Visual Studio subscriptions and cost centers (license_exporter).",
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
					Desc: "Month to date per product and SKU: quantity used, gross and net amount. Source detailed (the detailed report, read where the usage summary answers 404) covers only usage without a cost center.",
					Queries: []query{
						{Expr: perTarget("github_enterprise_billing_usage_quantity", "product", "sku", "unit_type", "source"), Legend: "quantity", Instant: true, Unit: "short"},
						{Expr: perTarget(gross, "product", "sku", "source"), Legend: "gross", Instant: true, Unit: "currencyUSD"},
						{Expr: perTarget(net, "product", "sku", "source"), Legend: "net", Instant: true, Unit: "currencyUSD"},
					}},
			}},
			{Title: "Budgets", Panels: []panel{
				{Title: "Budget spent", Type: "bargauge", W: 12, H: 8, Unit: "percentunit", Min: f(0), Max: f(1), Thresholds: warnAt(0.9, 1),
					Desc: "Share of each dollar budget spent this month (UTC). A budget that stops usage stops the product for everyone it covers at 100 %.",
					// A $0 limit has no share: leave it out rather than draw +Inf.
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(%s / (%s > 0))", perTarget(budgetSpent, budgetBy...), perTarget(budgetLimit, budgetBy...)), Legend: "{{scope}} {{entity}} {{sku}}", Instant: true}}},
				{Title: "Budgets: limit, spent, forecast", Type: "table", W: 12, H: 8,
					Desc: "Per budget: monthly limit, spend to date, spend at the month's end at this month's average pace (recording rule " + budgetForecastRule + " of the bundled rules), and whether it stops usage (1).",
					Queries: []query{
						{Expr: perTarget(budgetLimit, budgetBy...), Legend: "limit", Instant: true, Unit: "currencyUSD"},
						{Expr: perTarget(budgetSpent, budgetBy...), Legend: "spent", Instant: true, Unit: "currencyUSD"},
						{Expr: budgetForecast(), Legend: "forecast", Instant: true, Unit: "currencyUSD"},
						{Expr: perTarget("github_enterprise_budget_prevent_further_usage", budgetBy...), Legend: "stops usage", Instant: true, Unit: "none", Mappings: yesNo("no", "text", "yes", "orange")},
					}},
				{Title: "Budgets over the month", Type: "timeseries", W: 24, H: 8, Unit: "currencyUSD", Min: f(0),
					Desc: "Each budget's spend against its limit, and the forecast to the end of the month (UTC).",
					Queries: []query{
						{Expr: perTarget(budgetSpent, budgetBy...), Legend: "{{scope}} {{entity}} {{sku}} spent"},
						{Expr: perTarget(budgetLimit, budgetBy...), Legend: "{{scope}} {{entity}} {{sku}} limit"},
						{Expr: budgetForecast(), Legend: "{{scope}} {{entity}} {{sku}} forecast"},
					}},
			}},
			{Title: "Copilot and AI credits", Panels: []panel{
				{Title: "AI credits by model", Type: "bargauge", W: 8, H: 7, Unit: "none",
					Desc:    "Copilot AI credits used this month (UTC) per model (1 credit = $0.01 gross).",
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(sum by (model) (%s))", perTarget(aiCredits, "product", "sku", "model")), Legend: "{{model}}", Instant: true}}},
				{Title: "AI credits: included and billed", Type: "stat", W: 8, H: 7, Unit: "none",
					Desc: "AI credits this month covered by the credits included in licenses, and those billed beyond them, with the net amount billed.",
					Queries: []query{
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(aiCredits+"_included", "product", "sku", "model")), Legend: "{{target}} included", Instant: true},
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(aiCredits+"_billed", "product", "sku", "model")), Legend: "{{target}} billed", Instant: true},
					}},
				{Title: "Copilot seats", Type: "stat", W: 8, H: 7, Unit: "none",
					Desc: "Copilot seats per plan type, and the idle ones: no activity for 30 days or never used, paid for and unused.",
					Queries: []query{
						{Expr: perTarget("github_enterprise_copilot_seats", "plan_type"), Legend: "{{target}} {{plan_type}}", Instant: true},
						{Expr: perTarget("github_enterprise_copilot_seats_inactive"), Legend: "{{target}} idle", Instant: true},
					}},
				{Title: "AI credits over the month", Type: "timeseries", W: 12, H: 7, Unit: "none", Min: f(0),
					Desc: "AI credits used and included month to date; they start again at 0 on the 1st (UTC).",
					Queries: []query{
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(aiCredits, "product", "sku", "model")), Legend: "{{target}} used"},
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget(aiCredits+"_included", "product", "sku", "model")), Legend: "{{target}} included"},
					}},
				{Title: "Copilot seats and active users", Type: "timeseries", W: 12, H: 7, Unit: "none", Min: f(0),
					Desc: "Copilot seats paid for against the users GitHub counts as active in its usage metrics report (monthly, weekly and daily active users of the report's latest day, one to three days old; GitHub's definition, which includes server-side and CLI activity).",
					Queries: []query{
						{Expr: fmt.Sprintf("sum by (target) (%s)", perTarget("github_enterprise_copilot_seats", "plan_type")), Legend: "{{target}} seats"},
						{Expr: perTarget("github_enterprise_copilot_users_active", "window"), Legend: "{{target}} active ({{window}})"},
					}},
				{Title: "AI credit pool used", Type: "bargauge", W: 6, H: 7, Unit: "percentunit", Min: f(0), Max: f(1), Thresholds: warnAt(0.9, 1),
					Desc: "Share of the month's AI credit pool (the credits included in the Copilot licenses held this month) used so far, and at the month's end at this month's average pace (recording rules of the bundled rules; no forecast on the 1st).",
					Queries: []query{
						{Expr: perTarget("target:github_enterprise_ai_credits_pool_used:ratio"), Legend: "{{target}} used", Instant: true},
						{Expr: perTarget(aiPoolForecastRule), Legend: "{{target}} month-end forecast", Instant: true},
					}},
				{Title: "AI credit pool over the month", Type: "timeseries", W: 18, H: 7, Unit: "none", Min: f(0),
					Desc: "The month's AI credit pool (it grows at once when a license is added and shrinks only on the 1st), the credits used from it, and where this month's average pace ends (UTC).",
					Queries: []query{
						{Expr: perTarget(aiPool), Legend: "{{target}} pool"},
						{Expr: perTarget(aiPoolUsedRule), Legend: "{{target}} used"},
						{Expr: fmt.Sprintf("%s * on (target) %s", perTarget(aiPoolForecastRule), perTarget(aiPool)), Legend: "{{target}} forecast"},
					}},
				{Title: "Idle Copilot seats", Type: "timeseries", W: 24, H: 7, Unit: "percentunit", Min: f(0),
					Desc: "Share of Copilot seats with no activity for 30 days (or never active): candidates to reclaim.",
					Queries: []query{{Expr: fmt.Sprintf("%s / sum by (target) (%s)",
						perTarget("github_enterprise_copilot_seats_inactive"), perTarget("github_enterprise_copilot_seats", "plan_type")), Legend: "{{target}}"}}},
			}},
			{Title: "Advanced Security and cost centers", Panels: []panel{
				{Title: "Advanced Security committers vs purchased", Type: "timeseries", W: 12, H: 8, Unit: "none",
					Desc: "Active committers per product (bundled Advanced Security, or the standalone Code Security and Secret Protection), the licenses needed if every repository enabled it, and those purchased.",
					Queries: []query{
						{Expr: perTarget(ghas, "product"), Legend: "{{target}} {{product}} active"},
						{Expr: perTarget(ghas+"_maximum", "product"), Legend: "{{target}} {{product}} if all repositories"},
						{Expr: perTarget(ghas+"_purchased", "product"), Legend: "{{target}} {{product}} purchased"},
					}},
				{Title: "Unmatched Visual Studio subscriptions", Type: "stat", W: 12, H: 8, Unit: "none", Thresholds: warnAt(1, 10),
					Desc:    "Visual Studio subscriptions with GitHub Enterprise linked to no GitHub user: paid seats nobody uses. Match them (Enterprise settings > Licensing) or reassign them.",
					Queries: []query{{Expr: perTarget("github_enterprise_visual_studio_subscriptions_unmatched"), Legend: "{{target}}", Instant: true}}},
				{Title: "Cost centers by spend", Type: "bargauge", W: 12, H: 8, Unit: "currencyUSD",
					Desc: "Net amount this month (UTC) per cost center; \"none\" is usage outside any cost center.",
					// By id (names may repeat across targets or be reused); the
					// name rides along for the legend.
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(sum by (target, cost_center_id, cost_center) (%s))", perTarget("github_enterprise_cost_center_net_amount_dollars", "cost_center_id", "cost_center", "product")), Legend: "{{target}} {{cost_center}}", Instant: true}}},
				{Title: "Cost center AI credit pools", Type: "bargauge", W: 12, H: 8, Unit: "percentunit", Min: f(0), Max: f(1), Thresholds: warnAt(0.9, 1),
					Desc:    "Share of each capped cost center's AI credits used this month; cost centers without a pool draw from the enterprise's shared credits.",
					Queries: []query{{Expr: fmt.Sprintf("sort_desc(%s / (%s > 0))", perTarget("github_enterprise_cost_center_ai_credits_used", "cost_center_id", "cost_center"), perTarget("github_enterprise_cost_center_ai_credits_cap", "cost_center_id", "cost_center")), Legend: "{{cost_center}}", Instant: true}}},
				{Title: "Cost centers", Type: "table", W: 24, H: 8,
					Desc:    "Resources assigned to each cost center, by type (users, organizations, repositories).",
					Queries: []query{{Expr: perTarget("github_enterprise_cost_center_resources", "cost_center_id", "cost_center", "resource_type"), Legend: "resources", Instant: true, Unit: "none"}}},
			}},
		},
	}
}
