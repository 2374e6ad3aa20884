package clocktest

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// The hand-offs between parties inside the process (an event the ARI
// client has read on its way to the call's goroutine, a key the stand-in
// heard on its way to the test that waits for it) are not worth counting
// one by one: while any of them is under way some goroutine is running or
// ready to run, and the Go scheduler can tell. So before a virtual clock
// moves it asks one process-wide settler whether anything is: one, so that
// clocks of tests running in parallel do not see each other checking.
// What the scheduler cannot see (bytes on a socket, a query inside
// PostgreSQL, a goroutine in a system call) the parties count with Busy.
var settler = struct {
	once sync.Once
	reqs chan chan struct{}
}{reqs: make(chan chan struct{})}

// quiet blocks until no goroutine of the process runs or is ready to run
// but the settler's own; false when done closes first.
func quiet(done <-chan struct{}) bool {
	settler.once.Do(func() { go settle() })
	reply := make(chan struct{})
	select {
	case settler.reqs <- reply:
	case <-done:
		return false
	}
	select {
	case <-reply:
		return true
	case <-done:
		return false
	}
}

// Polling: a few yields first (a hand-off takes microseconds), then short
// sleeps, so a long burst of work elsewhere does not cost a core.
const (
	settleSpins = 64
	settleNap   = 200 * time.Microsecond
)

func settle() {
	sample := []metrics.Sample{
		{Name: "/sched/goroutines/running:goroutines"},
		{Name: "/sched/goroutines/runnable:goroutines"},
	}
	still := func() bool {
		metrics.Read(sample)
		return sample[0].Value.Uint64() <= 1 && sample[1].Value.Uint64() == 0
	}
	nap := time.NewTimer(time.Hour)
	nap.Stop()
	var waiting []chan struct{}
	spins := 0
	for {
		if len(waiting) == 0 {
			waiting = append(waiting, <-settler.reqs)
			spins = 0
		}
	more:
		for {
			select {
			case r := <-settler.reqs:
				waiting = append(waiting, r)
			default:
				break more
			}
		}
		// Twice, a yield apart: the counts are read without stopping the
		// world, so one reading could catch a goroutine between queues.
		if still() {
			runtime.Gosched()
			if still() {
				for _, r := range waiting {
					close(r)
				}
				waiting = waiting[:0]
				continue
			}
		}
		if spins < settleSpins {
			spins++
			runtime.Gosched()
			continue
		}
		nap.Reset(settleNap)
		select {
		case r := <-settler.reqs:
			nap.Stop()
			waiting = append(waiting, r)
			spins = 0
		case <-nap.C:
		}
	}
}
