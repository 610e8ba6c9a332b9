package collector

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// redactedErr shows err's text redacted; errors.As still finds the
// *api.Error inside (whose own texts the client redacted already).
type redactedErr struct {
	err  error
	text string
}

func (r redactedErr) Error() string { return r.text }
func (r redactedErr) Unwrap() error { return r.err }

func redactErr(err error, redact func(string) string) error {
	if err == nil {
		return nil
	}
	if t := redact(err.Error()); t != err.Error() {
		return redactedErr{err: err, text: t}
	}
	return err
}

// withoutSecrets leaves out every series with a label value that holds the
// credential or a token's shape (a hostile or broken API could put one in a
// name), rather than publish it; it returns how many it left out.
func withoutSecrets(ms []prometheus.Metric, redact func(string) string) ([]prometheus.Metric, int) {
	out := ms[:0:0]
	dropped := 0
	var m dto.Metric
	for _, s := range ms {
		m.Reset()
		if err := s.Write(&m); err != nil {
			out = append(out, s) // the registry reports it
			continue
		}
		clean := true
		for _, lp := range m.GetLabel() {
			if v := lp.GetValue(); redact(v) != v {
				clean = false
				break
			}
		}
		if clean {
			out = append(out, s)
		} else {
			dropped++
		}
	}
	return out, dropped
}
