package routing

import (
	"context"
	"errors"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Channel variables the person's leg carries: the call's context goes with
// it (S11), for the phone's display and later for whisper and screen pop.
const (
	VarCallID   = "CALLSVC_CALL_ID"
	VarIntent   = "CALLSVC_INTENT"
	VarCustomer = "CALLSVC_CUSTOMER_ID"
	VarCaller   = "CALLSVC_CALLER"
)

// connect puts the caller through to d.Staff: music on hold while their
// phone rings (originated into the application), a bridge when they
// answer, and a clean end when either side leaves. The person is already
// reserved for this call.
func (c *call) connect(d Decision) error {
	s := *d.Staff
	defer func() { c.e.release(s.ID, c.now()) }()

	if _, err := c.play(false, c.media(prompt.KeyConnecting)); err != nil {
		return err
	}
	legID := ulid.Make().String()
	actx, acancel := context.WithCancel(c.ctx)
	c.agent = &agentLeg{leg: Leg{Node: c.leg.Node, ID: legID}, staff: s, ctx: actx, cancel: acancel}
	c.agent.events = c.e.cfg.Control.Watch(actx, c.agent.leg) // watch, then originate
	defer c.hangupAgent()

	if err := c.e.cfg.Control.StartMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("music on hold", err)
	}
	vars := map[string]string{VarCallID: c.rec.ID, VarIntent: c.rec.Intent, VarCaller: c.rec.CallerNumber}
	if c.rec.CustomerID != "" {
		vars[VarCustomer] = c.rec.CustomerID
	}
	c.event("ringing_staff", s.ID, map[string]any{"endpoint": s.Endpoint})
	err := c.e.cfg.Control.Originate(c.ctx, OriginateRequest{
		Node: c.leg.Node, LegID: legID, Endpoint: s.Endpoint,
		AppArgs:  []string{"agent", c.rec.ID, s.ID},
		CallerID: c.rec.CallerNumber, Timeout: c.e.cfg.RingTimeout, Variables: vars,
	})
	if err != nil {
		c.log("warn", "ring staff failed", "staff_id", s.ID, "error", err.Error())
		return c.notAnswered(d, "originate_failed")
	}

	// S1 for the person's phone too: past the ring limit the caller is
	// offered something else.
	deadline := c.now().Add(c.e.cfg.RingTimeout)
	for !c.agent.up {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return c.notAnswered(d, "no_answer")
		}
		ev, err := c.next(left)
		if errors.Is(err, errTimeout) {
			return c.notAnswered(d, "no_answer")
		}
		if err != nil {
			return err
		}
		if c.fromAgent(ev) && c.agent.ended && !c.agent.up {
			reason := "no_answer"
			switch {
			case ev.DialStatus != "":
				reason = ev.DialStatus
			case ev.Cause != "":
				reason = ev.Cause
			}
			return c.notAnswered(d, reason)
		}
		if c.fromAgent(ev) && ev.Kind == EvDialResult && ev.DialStatus != "" && ev.DialStatus != "ANSWER" && ev.DialStatus != "RINGING" && ev.DialStatus != "PROGRESS" {
			return c.notAnswered(d, ev.DialStatus)
		}
	}

	// Answered: stop the music, bridge the two.
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	bridgeID := ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, bridgeID); err != nil {
		return c.controlErr("create bridge", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.e.cfg.Control.DestroyBridge(ctx, c.leg.Node, bridgeID); err != nil {
			c.log("warn", "destroy bridge", "error", err.Error())
		}
	}()
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, bridgeID, c.leg, c.agent.leg); err != nil {
		if c.agentGone() {
			// They hung up in the instant between answering and the bridge.
			return c.notAnswered(d, "hung_up_before_bridge")
		}
		return c.controlErr("bridge", err)
	}
	connectedAt := c.now()
	c.rec.Outcome = record.OutcomeConnected
	if c.rec.OwnerStaffID == "" {
		c.rec.OwnerStaffID = s.ID // S5: the first person who takes the call owns it
	}
	c.addStaff(s.ID)
	c.event("connected", s.ID, map[string]any{"staff_id": s.ID, "extension": s.Extension, "bridge": bridgeID})
	c.save()

	talk := func() { c.rec.TalkSeconds += int(c.now().Sub(connectedAt) / time.Second) }
	for {
		ev, err := c.next(0)
		if err != nil {
			talk()
			return err // the caller left: finish hangs the person's leg up
		}
		if c.fromAgent(ev) && c.agent.ended {
			talk()
			c.event("staff_left", s.ID, nil)
			c.save()
			// The person finished; the caller is taken back for S8.
			return nil
		}
	}
}

func (c *call) addStaff(id string) {
	for _, x := range c.rec.StaffIDs {
		if x == id {
			return
		}
	}
	c.rec.StaffIDs = append(c.rec.StaffIDs, id)
}

// notAnswered ends the ringing and tells the caller (S15 "對不起, 請稍等"
// is in nobodyFree's first prompt).
func (c *call) notAnswered(d Decision, why string) error {
	c.event("staff_no_answer", d.Staff.ID, map[string]any{"reason": why})
	c.hangupAgent()
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	return c.nobodyFree(d, prompt.KeySorryPleaseWait)
}

// agentGone reports whether the person's leg has ended, giving its
// hangup event a moment to arrive after a failed operation.
func (c *call) agentGone() bool {
	a := c.agent
	if a == nil || a.ended {
		return true
	}
	t := time.NewTimer(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case ev, ok := <-a.events:
			if !ok || ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
				a.ended = true
				return true
			}
		case <-t.C:
			return false
		}
	}
}

// hangupAgent ends the person's leg if one is up or ringing.
func (c *call) hangupAgent() {
	a := c.agent
	if a == nil {
		return
	}
	c.agent = nil
	if !a.ended {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := c.e.cfg.Control.Hangup(ctx, a.leg, "normal"); err != nil {
			c.log("warn", "hang up staff leg", "error", err.Error())
		}
		cancel()
	}
	a.cancel()
}
