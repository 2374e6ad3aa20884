package routing

import (
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// run is the call, start to end.
func (c *call) run() {
	endedBy := "system"
	defer func() {
		if p := recover(); p != nil {
			c.log("error", "call handling panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			c.event("", record.ErrorData{Error: "internal error"})
			c.rec.Outcome = record.OutcomeFailed
			c.politeEnd(prompt.KeySorryError)
		}
		c.finish(endedBy)
	}()
	err := c.flow()
	switch {
	case errors.Is(err, errHangup):
		endedBy = "caller"
	case err != nil && c.lost.Load():
		// The channel vanished while the event socket was down.
		c.event("", record.ChannelLostData{})
		if c.rec.Outcome == record.OutcomeInProgress {
			c.rec.Outcome = record.OutcomeFailed
		}
		endedBy = "system"
	case err != nil && c.ctx.Err() != nil:
		// The engine is closing: apologise, say goodbye, hang up; the
		// record says the matter was not finished.
		c.event("", record.ShutdownData{})
		if c.rec.Outcome == record.OutcomeInProgress {
			c.rec.Outcome = record.OutcomeFailed
		}
		c.politeEnd(prompt.KeySorryError)
	case err != nil:
		c.log("error", "call failed", "error", err.Error())
		c.event("", record.ErrorData{Error: err.Error()})
		c.rec.Outcome = record.OutcomeFailed
		c.politeEnd(prompt.KeySorryError)
	}
}

func (c *call) flow() error {
	c.event("", record.ArrivedData{CallerNumber: c.arr.CallerNumber, Dialed: c.arr.Dialed})
	c.save()
	c.startLookup()
	if err := c.answer(); err != nil {
		return err
	}
	// S3 with S1: the answer never waited for the lookup; the greeting
	// gives one under way a moment, then uses what has arrived.
	if err := c.awaitLookup(c.e.cfg.GreetWait); err != nil {
		return err
	}
	if err := c.greet(); err != nil {
		return err
	}
	for {
		ch, err := c.menu()
		if err != nil {
			return err
		}
		if err := c.handle(ch); err != nil {
			return err
		}
		c.matters++
		more, err := c.anythingElse()
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if c.rec.Outcome == record.OutcomeInProgress {
		c.rec.Outcome = record.OutcomeCompleted
	}
	if _, err := c.play(false, c.media(prompt.KeyThanksForCalling), c.media(prompt.KeyGoodbye)); err != nil {
		return err
	}
	return nil
}

func (c *call) media(k prompt.Key) string { return prompt.Media(c.lang, k) }

// answer lets it ring per the S1 policy, then answers. Nothing else
// (database, lookups) is waited on.
func (c *call) answer() error {
	// Answering at once (ANSWER_RING=1, the default) is one request: a ring
	// indication first would only add a round trip before the answer (S1).
	if d := c.e.cfg.Answer.Delay(); d > 0 {
		if err := c.e.cfg.Control.Ring(c.ctx, c.leg); err != nil {
			return c.controlErr("ring", err)
		}
		c.event("", record.RingingData{})
		deadline := c.now().Add(d)
		for {
			left := deadline.Sub(c.now())
			if left <= 0 {
				break
			}
			w, err := c.next(left)
			if errors.Is(err, errTimeout) {
				break
			}
			if err != nil {
				return err
			}
			if ev, ok := w.(callerEvent); ok && ev.Kind == EvDTMF {
				c.typed.push(ev.Digit)
			}
		}
	}
	if err := c.e.cfg.Control.Answer(c.ctx, c.leg); err != nil {
		return c.controlErr("answer", err)
	}
	at := c.now()
	elapsed := at.Sub(c.rec.ArrivedAt)
	c.rec.AnsweredAt = &at
	c.rec.AnswerMS = int(elapsed / time.Millisecond)
	c.rec.RingsToAnswer = c.e.cfg.Answer.Cadence.RingsAt(elapsed)
	c.event("", record.AnsweredData{RingsToAnswer: c.rec.RingsToAnswer, AnswerMS: c.rec.AnswerMS})
	c.save()
	return nil
}

func (c *call) greet() error {
	c.greeted = true
	g := c.e.cfg.Greeter.Greet(c.now(), c.lang, c.cust)
	// Keys pressed during the greeting go to the menu (type-ahead).
	if _, err := c.play(false, g.Media...); err != nil {
		return err
	}
	c.event("", record.GreetedData{Form: string(g.Form), Named: g.Named, Holiday: g.Holiday, Text: g.Text})
	return nil
}
