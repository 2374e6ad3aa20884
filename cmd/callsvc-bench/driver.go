package main

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"callsvc/ari/aritest"
)

// driver plays the callers: at most o.rate dials per second for
// o.duration, about o.concurrent in the call at once; each answered
// caller stays o.hold (hearing the greeting and the menu), then hangs up.
type driver struct {
	pbx     *aritest.Server
	o       options
	stopped chan struct{} // closed when dialling stops
	release chan struct{} // closed once the plateau has been measured
	wg      sync.WaitGroup

	dialled, up, failed, held, peak, pending atomic.Int64
}

// lateGrace bounds how long after --duration callers still owed are
// dialled (the concurrency cap can hold them back).
const lateGrace = 5 * time.Second

// drive dials o.rate callers a second for o.duration: caller k is due at
// k/rate. One that cannot start on time (a late tick, the concurrency cap)
// starts as soon as it can, so falling behind lowers the rate achieved
// rather than the count; it returns when dialling started.
func (d *driver) drive(ctx context.Context) (time.Time, error) {
	defer close(d.stopped)
	// The cap is the callers held plus 100 ms worth of callers still
	// ringing or hanging up, so that --hold = concurrent/rate reaches the
	// target without the cap holding dialling back.
	slots := make(chan struct{}, d.o.concurrent+int(math.Ceil(d.o.rate/10)))
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	total := int64(math.Ceil(d.o.duration.Seconds() * d.o.rate))
	for n := int64(0); n < total; {
		elapsed := time.Since(start)
		if elapsed >= d.o.duration+lateGrace {
			break
		}
		due := min(total, int64(elapsed.Seconds()*d.o.rate)+1)
	dial:
		for ; n < due; n++ {
			select {
			case slots <- struct{}{}:
			default:
				break dial // at the cap: try again next tick
			}
			d.pending.Add(1)
			d.dialled.Add(1)
			i := n
			d.wg.Go(func() { defer func() { <-slots }(); d.caller(ctx, i) })
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return start, ctx.Err()
		}
	}
	return start, nil
}

// settle waits until no caller is still waiting to be answered.
func (d *driver) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for d.pending.Load() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d callers still unanswered: %w", d.pending.Load(), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

func (d *driver) caller(ctx context.Context, i int64) {
	c := d.pbx.Dial(ctx, aritest.CallerOptions{From: fmt.Sprintf("+8613%09d", i), Name: "Bench Caller", To: "100",
		Args: []string{"inbound"}})
	upCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := c.WaitState(upCtx, "Up")
	cancel()
	d.pending.Add(-1)
	if err != nil {
		d.failed.Add(1)
		_ = c.Hangup(context.WithoutCancel(ctx))
		return
	}
	d.up.Add(1)
	h := d.held.Add(1)
	for p := d.peak.Load(); h > p && !d.peak.CompareAndSwap(p, h); p = d.peak.Load() {
	}
	hold := time.NewTimer(d.o.hold)
	select {
	case <-hold.C:
	case <-c.Done():
	case <-ctx.Done():
	}
	hold.Stop()
	select {
	case <-d.stopped:
		// Dialling is over: stay until the plateau has been measured.
		select {
		case <-d.release:
		case <-c.Done():
		case <-ctx.Done():
		}
	default:
	}
	d.held.Add(-1)
	_ = c.Hangup(context.WithoutCancel(ctx))
}
