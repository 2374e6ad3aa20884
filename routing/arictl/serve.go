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

// Start subscribes to the application's new channels before it returns
// (so no call that arrives afterwards is missed), then hands every inbound
// call (args "inbound", or none) to eng in the background until ctx ends.
// Legs the engine originated itself (args "agent,...") are left alone:
// their call already watches them. wait blocks until the loop has stopped.
func Start(ctx context.Context, c *ari.Client, eng Inbound) (wait func() error) {
	sub := c.StasisStarts(ctx, "")
	done := make(chan error, 1)
	go func() { done <- serve(ctx, sub, eng) }()
	return func() error { return <-done }
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
