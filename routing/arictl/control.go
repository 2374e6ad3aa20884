package arictl

import (
	"context"
	"fmt"
	"time"

	"callsvc/ari"
	"callsvc/routing"
)

// Control implements routing.CallControl over an *ari.Client.
type Control struct {
	c       *ari.Client
	timeout time.Duration
}

var _ routing.CallControl = (*Control)(nil)

// Options tune Control.
type Options struct {
	// RequestTimeout bounds each ARI request (default 5 s); the call's own
	// context may end it sooner.
	RequestTimeout time.Duration
}

// New wraps c.
func New(c *ari.Client, o Options) *Control {
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 5 * time.Second
	}
	return &Control{c: c, timeout: o.RequestTimeout}
}

func (x *Control) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, x.timeout)
}

func key(l routing.Leg) ari.Key { return ari.ChannelKey(l.Node, l.ID) }

// Watch subscribes to the leg (its playbacks and recordings come along) and
// translates its events until ctx ends.
func (x *Control) Watch(ctx context.Context, leg routing.Leg) <-chan routing.Event {
	sub := x.c.Subscribe(ctx, key(leg))
	out := make(chan routing.Event, 16)
	go func() {
		defer close(out)
		defer sub.Close()
		for {
			ev, err := sub.Next(ctx)
			if err != nil {
				return
			}
			re, ok := Convert(ev)
			if !ok {
				continue
			}
			select {
			case out <- re:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// Ring sends ringback to the caller.
func (x *Control) Ring(ctx context.Context, leg routing.Leg) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	return gone(x.c.Ring(ctx, key(leg)))
}

// Answer answers the leg.
func (x *Control) Answer(ctx context.Context, leg routing.Leg) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	return gone(x.c.Answer(ctx, key(leg)))
}

// Hangup hangs the leg up; a leg already gone is not an error.
func (x *Control) Hangup(ctx context.Context, leg routing.Leg, reason string) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	if err := x.c.Hangup(ctx, key(leg), reason); err != nil && !ari.IsNotFound(err) {
		return err
	}
	return nil
}

// Play starts media on the leg under playbackID.
func (x *Control) Play(ctx context.Context, leg routing.Leg, playbackID string, media ...string) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	_, err := x.c.Play(ctx, key(leg), ari.PlayOptions{Media: media, PlaybackID: playbackID})
	return gone(err)
}

// StopPlayback stops a playback; one already finished is not an error.
func (x *Control) StopPlayback(ctx context.Context, node, playbackID string) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	if err := x.c.StopPlayback(ctx, ari.PlaybackKey(node, playbackID)); err != nil && !ari.IsNotFound(err) {
		return err
	}
	return nil
}

// Record starts a recording of the leg.
func (x *Control) Record(ctx context.Context, leg routing.Leg, o routing.RecordOptions) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	_, err := x.c.Record(ctx, key(leg), ari.RecordOptions{
		Name:               o.Name,
		Format:             o.Format,
		MaxDurationSeconds: int(o.MaxDuration / time.Second),
		MaxSilenceSeconds:  int(o.MaxSilence / time.Second),
		IfExists:           "fail", // names are unique: a clash is a bug, not something to overwrite
		Beep:               o.Beep,
		TerminateOn:        o.TerminateOn,
	})
	return gone(err)
}

// StartMOH plays music on hold to the leg.
func (x *Control) StartMOH(ctx context.Context, leg routing.Leg) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	return gone(x.c.StartMOH(ctx, key(leg), ""))
}

// gone marks a leg operation that failed because the channel no longer
// exists (ARI 404), so the engine ends the call without waiting for the
// hangup event.
func gone(err error) error {
	if ari.IsNotFound(err) {
		return fmt.Errorf("%w: %w", routing.ErrLegGone, err)
	}
	return err
}

// StopMOH stops the music; a leg already gone is not an error.
func (x *Control) StopMOH(ctx context.Context, leg routing.Leg) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	if err := x.c.StopMOH(ctx, key(leg)); err != nil && !ari.IsNotFound(err) {
		return err
	}
	return nil
}

// SetVariable sets a channel variable (the call context travels in them).
func (x *Control) SetVariable(ctx context.Context, leg routing.Leg, name, value string) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	return x.c.SetVariable(ctx, key(leg), name, value)
}

// Originate rings an endpoint into the application.
func (x *Control) Originate(ctx context.Context, o routing.OriginateRequest) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	_, err := x.c.Originate(ctx, o.Node, ari.OriginateRequest{
		Endpoint:  o.Endpoint,
		AppArgs:   o.AppArgs,
		CallerID:  o.CallerID,
		Timeout:   int((o.Timeout + time.Second - 1) / time.Second),
		ChannelID: o.LegID,
		Variables: o.Variables,
	})
	if err != nil {
		return fmt.Errorf("originate %s: %w", o.Endpoint, err)
	}
	// Until it answers the leg is not in the application, so Asterisk would
	// not tell us it is busy or gone; subscribing to it does (Dial status,
	// ChannelDestroyed). Best effort: without it the ring limit still ends
	// the wait.
	_, _ = x.c.SubscribeSource(ctx, ari.ChannelKey(o.Node, o.LegID))
	return nil
}

// CreateBridge makes a mixing bridge with the given id.
func (x *Control) CreateBridge(ctx context.Context, node, bridgeID string) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	_, err := x.c.CreateBridge(ctx, node, ari.BridgeOptions{Type: "mixing", ID: bridgeID})
	return err
}

// AddToBridge puts legs into the bridge.
func (x *Control) AddToBridge(ctx context.Context, node, bridgeID string, legs ...routing.Leg) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	keys := make([]ari.Key, len(legs))
	for i, l := range legs {
		keys[i] = key(l)
	}
	return x.c.AddChannel(ctx, ari.BridgeKey(node, bridgeID), keys...)
}

// DestroyBridge destroys the bridge; one already gone is not an error.
func (x *Control) DestroyBridge(ctx context.Context, node, bridgeID string) error {
	ctx, cancel := x.ctx(ctx)
	defer cancel()
	if err := x.c.DestroyBridge(ctx, ari.BridgeKey(node, bridgeID)); err != nil && !ari.IsNotFound(err) {
		return err
	}
	return nil
}
