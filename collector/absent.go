package collector

import (
	"github.com/go-kit/log"
	"github.com/go-kit/log/level"

	"github.com/license-exporter/license_exporter/api"
)

// absence turns a 404 from an endpoint that an enterprise may simply not
// have (no budgets, no AI credits, no Visual Studio bundle) into "no data"
// rather than a failed refresh, and says so once, not on every refresh.
// GitHub also answers 404 when it hides a resource from the token, so the
// message names that cause too.
type absence struct{ once sayOnce }

// notFound reports whether err is the API's 404; the first one in a row is
// logged with meaning. An HTML 404 is a proxy's or a login page, not the
// API saying there is nothing, so it stays an error. Any other outcome
// re-arms the message.
func (a *absence) notFound(logger log.Logger, collector string, err error, meaning string) bool {
	if e, ok := api.AsError(err); !ok || e.Kind != api.KindNotFound || e.HTML {
		a.once.Clear("404")
		return false
	}
	a.once.Log("404", level.Info(logger), "msg", meaning+" (GitHub answers 404 too when the token may not see it: check the slug and the credential if this is unexpected)", "collector", collector, "err", err)
	return true
}
