package api

import (
	"context"
	"time"
)

// Clock is the time a Client and its Scheduler go by: when answers came,
// how long to back off before a retry, how long to hold a request back. The
// system clock unless Options.Clock says otherwise; tests pass a fake one,
// so that no backoff is waited out in real time and no test depends on how
// fast the machine is.
type Clock interface {
	Now() time.Time
	// After is time.After on this clock.
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// sleepOn waits d on clock, or until ctx ends.
func sleepOn(clock Clock) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		select {
		case <-clock.After(d):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
