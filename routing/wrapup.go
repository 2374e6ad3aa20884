package routing

import (
	"context"
	"fmt"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// anythingElse is S8: after a matter, ask; 1 = yes (back to the menu).
func (c *call) anythingElse() (bool, error) {
	if c.matters >= c.e.cfg.MaxMatters {
		return false, nil
	}
	d, err := c.ask(c.media(prompt.KeyAnythingElse))
	if err != nil {
		return false, err
	}
	c.event("", record.AnythingElseData{Answer: d})
	return d == "1", nil
}

// politeEnd says a last sentence and hangs up, on a fresh short context
// (the call's own may be over).
func (c *call) politeEnd(k prompt.Key) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c.rec.AnsweredAt != nil {
		// The call's own watch may be over: watch again for these last words.
		events := c.events
		if c.ctx.Err() != nil {
			events = c.e.cfg.Control.Watch(ctx, c.leg)
		}
		if c.playing != "" {
			if err := c.e.cfg.Control.StopPlayback(ctx, c.leg.Node, c.playing); err != nil {
				c.log("warn", "stop playback", "error", err.Error())
			}
		}
		id := fmt.Sprintf("bye-%s", c.rec.ID)
		if err := c.e.cfg.Control.Play(ctx, c.leg, id, c.media(k), c.media(prompt.KeyGoodbye)); err == nil {
			c.waitPlayback(ctx, events, id, 8*time.Second)
		}
	}
	if err := c.e.cfg.Control.Hangup(ctx, c.leg, "normal"); err != nil {
		c.log("warn", "hangup", "error", err.Error())
	}
}

// waitPlayback waits for one playback's end on the caller's events without
// the call's context (used while ending).
func (c *call) waitPlayback(ctx context.Context, events <-chan Event, id string, d time.Duration) {
	t := c.e.cfg.Clock.NewTimer(d)
	defer t.Stop()
	defer c.idle()()
	for {
		select {
		case ev, ok := <-events:
			if !ok || ev.Kind == EvEnd || ev.Kind == EvHangupRequest || (ev.Kind == EvPlaybackFinished && ev.PlaybackID == id) {
				return
			}
		case <-t.C():
			return
		case <-ctx.Done():
			return
		}
	}
}

// finish closes the record: who ended it, the outcome, the times. It runs
// for every call, however it ended.
func (c *call) finish(endedBy string) {
	defer func() {
		c.cancel()
		c.e.mu.Lock()
		delete(c.e.calls, c.rec.ID)
		c.e.mu.Unlock()
	}()
	c.hangUp(c.with)
	c.hangUp(c.xfer.target)
	if endedBy == "system" && !c.lost.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := c.e.cfg.Control.Hangup(ctx, c.leg, "normal"); err != nil {
			c.log("warn", "hangup", "error", err.Error())
		}
		cancel()
	}
	now := c.now()
	c.rec.EndedAt = &now
	c.rec.EndedBy = endedBy
	switch {
	case c.rec.AnsweredAt == nil:
		c.rec.Outcome = record.OutcomeAbandoned
	case c.rec.Outcome == record.OutcomeInProgress:
		c.rec.Outcome = record.OutcomeCallerHungUp
		if endedBy != "caller" {
			c.rec.Outcome = record.OutcomeCompleted
		}
	}
	c.event("", record.EndedData{By: endedBy})
	c.event("", record.OutcomeData{Outcome: c.rec.Outcome})
	c.save()
}
