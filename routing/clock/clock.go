// Package clock is the time the call engine runs on: the time of day,
// the timers behind every wait (ring limits, menu silence, urgent holds)
// and the accounting a virtual clock needs to know when nothing is acting.
//
// Production code uses Real. Scenario tests inject a virtual clock
// (routing/clock/clocktest) on which a caller left ringing for 30 s costs
// no wall time: it moves to the next timer only once every party is idle.
// Parties say so through Busy and Idle, which Real ignores.
//
//	eng, _ := routing.NewEngine(routing.Config{Clock: clock.Real{}, ...})
package clock

import "time"

// Clock is the engine's source of time.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// NewTimer fires once, d from now.
	NewTimer(d time.Duration) Timer
	// Busy says one more party is acting (the clock must not move until
	// it has done what it is doing); Idle says one has stopped, before it
	// blocks waiting for an event or a timer. Calls pair up.
	Busy()
	Idle()
}

// Timer is a pending wake-up from a Clock.
type Timer interface {
	// C receives the time once when the timer fires.
	C() <-chan time.Time
	// Stop cancels the timer; false when it has fired or was stopped.
	Stop() bool
}

// Real is the wall clock; Busy and Idle do nothing.
type Real struct{}

var _ Clock = Real{}

// Now is time.Now.
func (Real) Now() time.Time { return time.Now() }

// NewTimer is time.NewTimer.
func (Real) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

// Busy does nothing: real time moves regardless.
func (Real) Busy() {}

// Idle does nothing.
func (Real) Idle() {}

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }
