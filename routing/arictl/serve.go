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

// Serve hands every channel that enters the application as an inbound call
// (args "inbound", or none) to eng until ctx ends. Legs the engine
// originated itself (args "agent,...") are left alone: their call already
// watches them.
func Serve(ctx context.Context, c *ari.Client, eng Inbound) error {
	sub := c.StasisStarts(ctx, "")
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
