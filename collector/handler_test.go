package collector

import (
	"testing"
	"time"
)

func TestScrapeTimeout(t *testing.T) {
	const def, off = 10 * time.Second, 500 * time.Millisecond
	for header, want := range map[string]time.Duration{
		"":        def - off,
		"15":      14500 * time.Millisecond,
		"0.25":    250 * time.Millisecond, // the offset would leave nothing: keep the whole budget
		"-3":      def - off,
		"NaN":     def - off,
		"+Inf":    def - off,
		"1e300":   maxScrapeTimeout - off, // would overflow time.Duration
		"garbage": def - off,
	} {
		if got := scrapeTimeout(header, def, off); got != want {
			t.Errorf("scrapeTimeout(%q) = %v, want %v", header, got, want)
		}
	}
}
