package arictl

import (
	"context"

	"callsvc/ari"
	"callsvc/routing"
)

// Inbound is what Serve hands calls to (*routing.Engine implements it).
type Inbound interface {
	Inbound(ctx context.Context, a routing.Arrival)
}

// Resyncer is optionally implemented by the engine (*routing.Engine does):
// after an event socket reconnects, it is told which channels are still in
// the application so it can close the calls whose hangup was missed.
type Resyncer interface {
	Resync(node string, live []string) int
}

// Start subscribes to the application's new channels before it returns
// (so no call that arrives afterwards is missed), then hands every inbound
// call (args "inbound", or none) to eng in the background until ctx ends.
// Legs the engine originated itself (args "agent,...") are left alone:
// their call already watches them. wait blocks until the loop has stopped.
func Start(ctx context.Context, c *ari.Client, eng Inbound) (wait func() error) {
	sub := c.StasisStarts(ctx, "")
	done := make(chan error, 1)
	resynced := make(chan struct{})
	go func() { done <- serve(ctx, sub, eng) }()
	go func() { defer close(resynced); resync(ctx, c, eng) }()
	return func() error { err := <-done; <-resynced; return err }
}

// resync checks the engine's calls against Asterisk after every reconnect.
func resync(ctx context.Context, c *ari.Client, eng Inbound) {
	r, ok := eng.(Resyncer)
	if !ok {
		return
	}
	for sc := range c.WatchState(ctx) {
		if !sc.Reconnected {
			continue
		}
		keys, err := c.Resync(ctx, sc.Node)
		if err != nil {
			continue // the next reconnect tries again; calls end on their own events
		}
		ids := make([]string, len(keys))
		for i, k := range keys {
			ids[i] = k.ID
		}
		r.Resync(sc.Node, ids)
	}
}

// Serve is Start, blocking until ctx ends.
func Serve(ctx context.Context, c *ari.Client, eng Inbound) error {
	return Start(ctx, c, eng)()
}

func serve(ctx context.Context, sub *ari.Subscription, eng Inbound) error {
	defer sub.Close()
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		start, ok := ev.(*ari.StasisStart)
		if !ok || !routing.IsInbound(start.Args) {
			continue
		}
		eng.Inbound(ctx, arrival(start))
	}
}
