package collector

// StatusMetrics are the metrics the status page reads from the cache to say
// what the alert rules would go off for. It finds them by these descriptors
// (Metric.Desc), not by their names, so a renamed or dropped metric fails to
// compile instead of leaving the page silent.
var StatusMetrics = struct {
	SeatsConsumed, SeatsPurchased                     *Metric
	ServerSeatsUsed, ServerSeats, ServerExpiry        *Metric
	GHASCommitters, GHASPurchased                     *Metric
	ServerCommitters, ServerCommittersPurchased       *Metric
	BudgetSpent, BudgetLimit                          *Metric
	AICreditPool, AICreditsIncluded, AICreditsBilled  *Metric
	BudgetUsers, BudgetPrevent                        *Metric
	GitLabActiveUsers, GitLabUserLimit, GitLabOverage *Metric
	GitLabExpired, GitLabExpiry, GitLabStart          *Metric
	GitLabLicensesStart, GitLabLicensesExpiry         *Metric
	GitLabAddOnAssigned, GitLabAddOnPurchased         *Metric
	GitLabMaximumUsers                                *Metric
	GitLabSubSeats, GitLabSubEnd, GitLabSubTrial      *Metric
	OrgSeatsConsumed, OrgSeatsPurchased               *Metric
}{
	SeatsConsumed: seatsConsumedDesc, SeatsPurchased: seatsPurchasedDesc,
	ServerSeatsUsed: serverSeatsUsedDesc, ServerSeats: serverSeatsDesc, ServerExpiry: serverExpiryDesc,
	GHASCommitters: ghasCommittersDesc, GHASPurchased: ghasPurchasedDesc,
	ServerCommitters: ghesCommittersDesc, ServerCommittersPurchased: ghesCommittersPurchasedDesc,
	BudgetSpent: budgetSpentDesc, BudgetLimit: budgetLimitDesc,
	BudgetUsers: budgetUsersDesc, BudgetPrevent: budgetPreventDesc,
	AICreditPool: aiCreditPoolDesc, AICreditsIncluded: aiCreditsIncludedDesc, AICreditsBilled: aiCreditsBilledDesc,
	GitLabActiveUsers: glActiveUsersDesc, GitLabUserLimit: glUserLimitDesc, GitLabOverage: glOverageDesc,
	GitLabExpired: glExpiredDesc, GitLabExpiry: glExpiryDesc, GitLabStart: glStartDesc,
	GitLabLicensesStart: glLicensesStartDesc, GitLabLicensesExpiry: glLicensesExpiryDesc,
	GitLabAddOnAssigned: glAddOnAssignedDesc, GitLabAddOnPurchased: glAddOnPurchasedDesc,
	GitLabMaximumUsers: glMaximumUsersDesc,
	GitLabSubSeats:     glSubSeatsDesc, GitLabSubEnd: glSubEndDesc, GitLabSubTrial: glSubTrialDesc,
	OrgSeatsConsumed: orgSeatsConsumedDesc, OrgSeatsPurchased: orgSeatsPurchasedDesc,
}

// OrgTwin is the github_org_ twin of an enterprise metric (org.go), or m
// itself where it has none: the status page reads organizations' budgets
// with the enterprises' code.
func OrgTwin(m *Metric) *Metric {
	for _, s := range Specs() {
		if t, ok := s.orgTwins[m.desc]; ok {
			return t
		}
	}
	return m
}
