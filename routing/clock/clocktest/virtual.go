// Package clocktest is a virtual clock for scenario tests: time stands
// still while any party acts and jumps to the next timer once all are
// idle, so a call that rings for 30 s costs no wall time and a loaded
// machine cannot make a timer fire before the keys a test presses arrive.
//
// A party is anything that can act: the stand-in Asterisk handling a
// request, an event on its way to the engine, a timer's callback, the
// engine's goroutine for a call between two waits, a lookup in the
// database, the test's script between two of its waits. Each counts
// itself with Busy and Idle. Goroutines merely handing work to each other
// inside the process are seen by the Go scheduler instead (see settle.go).
package clocktest

import (
	"container/heap"
	"sync"
	"time"

	"callsvc/routing/clock"
)

// Virtual is a clock that moves only when told nothing is acting. Its
// zero value is not usable; call New.
type Virtual struct {
	mu     sync.Mutex
	now    time.Time
	busy   int
	gen    uint64 // counts Busy and Idle calls: any activity at all
	timers timerHeap
	seq    uint64
	poke   chan struct{} // capacity 1: "busy fell to zero or a timer came"
	done   chan struct{}
	once   sync.Once
	exited chan struct{}
}

var _ clock.Clock = (*Virtual)(nil)

// New starts a clock at start. Close it when done.
func New(start time.Time) *Virtual {
	v := &Virtual{now: start, poke: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{})}
	go v.run()
	return v
}

// Close stops the clock: pending timers never fire.
func (v *Virtual) Close() {
	v.once.Do(func() { close(v.done) })
	<-v.exited
}

// Now is the virtual time.
func (v *Virtual) Now() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

// Busy counts one more party acting.
func (v *Virtual) Busy() {
	v.mu.Lock()
	v.busy++
	v.gen++
	v.mu.Unlock()
}

// Idle counts one party fewer. It panics when no party was busy: an Idle
// without its Busy would let time move under another party's feet.
func (v *Virtual) Idle() {
	v.mu.Lock()
	v.busy--
	v.gen++
	n := v.busy
	v.mu.Unlock()
	if n < 0 {
		panic("clocktest: Idle without Busy")
	}
	if n == 0 {
		v.wake()
	}
}

func (v *Virtual) wake() {
	select {
	case v.poke <- struct{}{}:
	default:
	}
}

// NewTimer fires once, d of virtual time from now.
func (v *Virtual) NewTimer(d time.Duration) clock.Timer {
	c := make(chan time.Time, 1)
	t := &timer{v: v, c: c}
	t.fire = func(now time.Time) {
		select {
		case c <- now:
		default:
		}
	}
	v.add(t, d)
	return t
}

// AfterFunc runs f in its own turn, d of virtual time from now. The clock
// counts f as a party while it runs.
func (v *Virtual) AfterFunc(d time.Duration, f func()) interface{ Stop() bool } {
	t := &timer{v: v, fire: func(time.Time) { f() }}
	v.add(t, d)
	return t
}

// Sleep waits d of virtual time as an idle party (the caller must be
// counted busy: it is again when Sleep returns), or until done closes.
func (v *Virtual) Sleep(d time.Duration, done <-chan struct{}) bool {
	t := v.NewTimer(d)
	defer t.Stop()
	v.Idle()
	defer v.Busy()
	select {
	case <-t.C():
		return true
	case <-done:
		return false
	}
}

func (v *Virtual) add(t *timer, d time.Duration) {
	v.mu.Lock()
	t.at = v.now.Add(max(d, 0))
	v.seq++
	t.seq = v.seq
	heap.Push(&v.timers, t)
	v.mu.Unlock()
	v.wake()
}

// run moves time: whenever no party is busy and the process is quiet, it
// fires the earliest timer, one at a time.
func (v *Virtual) run() {
	defer close(v.exited)
	for {
		v.mu.Lock()
		idle, gen := v.busy == 0 && len(v.timers) > 0, v.gen
		v.mu.Unlock()
		if !idle {
			select {
			case <-v.poke:
				continue
			case <-v.done:
				return
			}
		}
		if !quiet(v.done) {
			return
		}
		v.mu.Lock()
		if v.busy != 0 || v.gen != gen || len(v.timers) == 0 {
			v.mu.Unlock()
			continue // someone acted meanwhile: wait for quiet again
		}
		t := heap.Pop(&v.timers).(*timer)
		if t.at.After(v.now) {
			v.now = t.at
		}
		now := v.now
		v.busy++ // the timer's action is a party
		v.gen++
		v.mu.Unlock()
		t.fire(now)
		v.Idle()
	}
}

// timer is one pending wake-up.
type timer struct {
	v     *Virtual
	at    time.Time
	seq   uint64 // ties at one instant fire in the order they were set
	index int    // in the heap; -1 once fired or stopped
	c     chan time.Time
	fire  func(now time.Time)
}

func (t *timer) C() <-chan time.Time { return t.c }

func (t *timer) Stop() bool {
	t.v.mu.Lock()
	defer t.v.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&t.v.timers, t.index)
	return true
}

type timerHeap []*timer

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	t := x.(*timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
