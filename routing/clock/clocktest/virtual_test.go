package clocktest

import (
	"testing"
	"time"
)

var start = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// wait receives from c within a wall-clock guard against a hang.
func wait[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: nothing after 10 s", what)
		var zero T
		return zero
	}
}

// Timers fire in order of their deadline, each at its own virtual time,
// and a 30 s timer costs no wall time.
func TestTimersFireInOrderAtTheirTime(t *testing.T) {
	v := New(start)
	defer v.Close()
	got := make(chan time.Duration, 3)
	for _, d := range []time.Duration{30 * time.Second, time.Second, 5 * time.Second} {
		v.AfterFunc(d, func() { got <- v.Now().Sub(start) })
	}
	for _, want := range []time.Duration{time.Second, 5 * time.Second, 30 * time.Second} {
		if d := wait(t, got, "timer"); d != want {
			t.Fatalf("fired at +%v, want +%v", d, want)
		}
	}
}

// Time stands still while a party is busy, however long it takes in wall
// time, and moves once it is idle.
func TestBusyHoldsTime(t *testing.T) {
	v := New(start)
	defer v.Close()
	v.Busy()
	timer := v.NewTimer(time.Second)
	stopped := v.NewTimer(2 * time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop: want true once, then false")
	}
	// The wall clock runs well past the virtual deadline meanwhile.
	select {
	case <-timer.C():
		t.Fatal("the timer fired while a party was busy")
	case <-time.After(50 * time.Millisecond):
	}
	if !v.Now().Equal(start) {
		t.Fatalf("now moved to %v while busy", v.Now())
	}
	v.Idle()
	if at := wait(t, timer.C(), "timer"); !at.Equal(start.Add(time.Second)) {
		t.Fatalf("fired at %v, want %v", at, start.Add(time.Second))
	}
	v.Busy() // the stopped timer never fires: time stays at +1 s
	defer v.Idle()
	if !v.Now().Equal(start.Add(time.Second)) {
		t.Fatalf("now %v, want +1 s", v.Now())
	}
}

// Sleep makes its caller idle for d of virtual time and busy again after.
func TestSleep(t *testing.T) {
	v := New(start)
	defer v.Close()
	done := make(chan bool)
	v.Busy()
	go func() {
		defer v.Idle()
		done <- v.Sleep(time.Minute, nil)
	}()
	if !wait(t, done, "sleep") {
		t.Fatal("Sleep reported its done channel")
	}
	if got := v.Now().Sub(start); got != time.Minute {
		t.Fatalf("slept to +%v, want +1m", got)
	}
}

// Idle without Busy is a bug in the caller's accounting.
func TestIdleWithoutBusyPanics(t *testing.T) {
	v := New(start)
	defer v.Close()
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	v.Idle()
}
