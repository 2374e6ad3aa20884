package routing

import (
	"errors"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// agentHungUp is why an attended transfer completed without a request:
// the agent left once both sides were connected.
const agentHungUp = "agent_hung_up"

// consultation is an attended transfer under way (S15: the agent stays
// until both sides are connected): the caller holds with music while the
// target's phone rings, they hear the whisper, then talk with the agent.
type consultation struct {
	agent     *person // c.with: with the caller until the transfer completes
	target    *person
	cc        record.CallContext
	keys      featureKeys // the agent's feature codes
	whisper   string      // the whisper's playback id
	bridge    string      // the agent's and the target's, while they talk
	completed bool        // the target is with the caller now
	handoff   *handoff    // the agent left before the target answered
}

// A consultPhase waits for one thing and returns the phase that follows
// (nil when the consultation is over).
type consultPhase func(*consultation) (consultPhase, error)

// consultWith runs an attended transfer to t (reserved) asked for by cmd,
// answered with res once t's phone rings: ringing, whispering,
// consulting. Complete joins the caller and the target and only then
// drops the agent; cancel (or the target leaving or not answering)
// returns the caller to the agent. The agent hanging up completes it;
// before the target has answered, it becomes a blind transfer to them.
func (c *call) consultWith(cmd *transferCmd, res record.TransferResult, t record.Staff) (*handoff, error) {
	k := &consultation{agent: c.with, target: &person{staff: t}}
	c.xfer.target = k.target
	defer c.closeConsult(k)
	phase, err := c.startConsult(k, cmd, res)
	for phase != nil && err == nil {
		phase, err = phase(k)
	}
	if err != nil {
		return nil, err // the caller left: finish ends both legs
	}
	return k.handoff, nil
}

// startConsult puts the caller on hold and rings the target with the
// call's context.
func (c *call) startConsult(k *consultation, cmd *transferCmd, res record.TransferResult) (consultPhase, error) {
	a, t := k.agent, k.target.staff
	c.destroyBridge(a.bridge) // the caller and the agent return to the application
	a.bridge = ""
	if err := c.e.cfg.Control.StartMOH(c.ctx, c.leg); err != nil {
		cmd.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not put the caller on hold"))
		return nil, c.controlErr("music on hold", err)
	}
	c.carried.attempts++
	k.cc = c.context()
	c.event(t.ID, record.ConsultStartedData{FromStaffID: a.staff.ID, ToStaffID: t.ID})
	c.event(t.ID, record.RingingStaffData{Endpoint: t.Endpoint, Attempt: c.carried.attempts, Summary: k.cc.Summary(),
		FromStaffID: a.staff.ID, Mode: record.TransferAttended})
	c.pop(t.ID, "offered", k.cc)
	if err := c.dial(k.target, k.cc); err != nil {
		cmd.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not ring the target"))
		return nil, c.endConsult(k, FailOriginate)
	}
	cmd.answer(res, nil)
	return c.consultRinging, nil
}

// consultRinging waits for the target to answer, up to the ring limit.
func (c *call) consultRinging(k *consultation) (consultPhase, error) {
	deadline := c.now().Add(c.e.cfg.RingTimeout)
	for {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return nil, c.consultFailed(k, FailNoAnswer)
		}
		w, err := c.next(left)
		switch {
		case errors.Is(err, errTimeout):
			return nil, c.consultFailed(k, FailNoAnswer)
		case err != nil:
			return nil, err
		case k.agent.left(w):
			c.consultAbandoned(k)
			return nil, nil
		}
		if ev, ok := k.target.from(w); ok {
			if why := ringFailure(k.target, ev); why != "" {
				return nil, c.consultFailed(k, why)
			}
			if k.target.up {
				return c.consultAnswered(k)
			}
		}
		if over, err := c.consultAsk(k, w); over || err != nil {
			return nil, err
		}
	}
}

// consultAbandoned: the agent hung up before the target answered. The
// engine carries on as a blind transfer to the target, still reserved.
func (c *call) consultAbandoned(k *consultation) {
	t := k.target.staff
	c.event(k.agent.staff.ID, record.ConsultAbandonedData{ToStaffID: t.ID})
	k.handoff = &handoff{d: Decision{Kind: TargetPerson, Department: t.Department, Staff: &t, Rule: "agent_transfer"},
		from: k.agent.staff.ID}
}

// consultAnswered starts the whisper to the target, who answered.
func (c *call) consultAnswered(k *consultation) (consultPhase, error) {
	c.event(k.target.staff.ID, record.StaffAnsweredData{Mode: record.TransferAttended})
	id, err := c.startWhisper(k.target, k.cc)
	if err != nil {
		return nil, c.consultFailed(k, FailWhisperHangup)
	}
	k.whisper = id
	return c.consultWhispering, nil
}

// consultWhispering waits for the whisper's end. The agent hanging up
// meanwhile changes nothing: the whisper's end completes the transfer.
func (c *call) consultWhispering(k *consultation) (consultPhase, error) {
	for {
		w, err := c.next(0)
		if err != nil {
			return nil, err
		}
		ev, ok := k.target.from(w)
		switch {
		case ok && k.target.ended:
			return nil, c.consultFailed(k, FailWhisperHangup)
		case ok && ev.Kind == EvPlaybackFinished && ev.PlaybackID == k.whisper:
			c.event(k.target.staff.ID, record.WhisperPlayedData{Mode: record.TransferAttended})
			return c.consultConnect(k)
		}
		if over, err := c.consultAsk(k, w); over || err != nil {
			return nil, err
		}
	}
}

// consultConnect bridges the agent with the target, who has heard the
// whisper; with the agent gone, the target takes the caller at once.
func (c *call) consultConnect(k *consultation) (consultPhase, error) {
	if k.agent.ended {
		return nil, c.completeConsult(k, "")
	}
	k.bridge = ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, k.bridge); err != nil {
		return nil, c.consultFailed(k, FailBeforeBridge)
	}
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, k.bridge, k.agent.leg, k.target.leg); err != nil {
		return nil, c.consultFailed(k, FailBeforeBridge)
	}
	c.event(k.target.staff.ID, record.ConsultConnectedData{FromStaffID: k.agent.staff.ID, Bridge: k.bridge})
	return c.consulting, nil
}

// consulting waits while the agent and the target talk, for complete,
// cancel, or one of them leaving.
func (c *call) consulting(k *consultation) (consultPhase, error) {
	for {
		w, err := c.next(0)
		switch {
		case err != nil:
			return nil, err
		case k.target.left(w):
			return nil, c.endConsult(k, FailTargetLeft)
		case k.agent.left(w):
			// S15 is kept by the engine instead.
			c.destroyBridge(k.bridge)
			k.bridge = ""
			return nil, c.completeConsult(k, agentHungUp)
		}
		if over, err := c.consultAsk(k, w); over || err != nil {
			return nil, err
		}
	}
}

// consultAsk carries out w if it is a transfer request: cancel returns the
// caller to the agent; complete, once agent and target talk, joins the
// caller and the target; anything else is refused. over reports that the
// consultation has ended.
func (c *call) consultAsk(k *consultation, w wake) (over bool, err error) {
	cmd := c.asked(w, &k.keys)
	switch {
	case cmd == nil:
		return false, nil
	case cmd.req.By != "" && cmd.req.By != k.agent.staff.ID:
		cmd.answer(record.TransferResult{}, record.Errorf(record.EForbidden, "only the person on the call can transfer it"))
		return false, nil
	case cmd.req.Mode == record.TransferCancel:
		return true, c.cancelConsult(k, cmd)
	case cmd.req.Mode == record.TransferComplete && k.bridge == "":
		cmd.answer(record.TransferResult{}, record.Errorf(record.EConflict, "the target has not answered yet"))
		return false, nil
	case cmd.req.Mode == record.TransferComplete:
		return true, c.joinConsult(k, cmd)
	}
	cmd.answer(record.TransferResult{}, record.Errorf(record.EConflict, "an attended transfer is in progress"))
	return false, nil
}

// cancelConsult carries out a cancel request.
func (c *call) cancelConsult(k *consultation, cmd *transferCmd) error {
	if err := c.endConsult(k, FailCancelled); err != nil {
		cmd.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not return the caller"))
		return err
	}
	cmd.answer(record.TransferResult{CallID: c.rec.ID, Mode: record.TransferCancel, Status: "cancelled",
		TargetStaffID: k.target.staff.ID}, nil)
	return nil
}

// joinConsult carries out a complete request.
func (c *call) joinConsult(k *consultation, cmd *transferCmd) error {
	c.destroyBridge(k.bridge)
	k.bridge = ""
	if err := c.completeConsult(k, ""); err != nil {
		cmd.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not join the caller"))
		return err
	}
	cmd.answer(record.TransferResult{CallID: c.rec.ID, Mode: record.TransferComplete, Status: "completed",
		TargetStaffID: k.target.staff.ID}, nil)
	return nil
}

// consultFailed records why the target did not take the call and returns
// the caller to the agent.
func (c *call) consultFailed(k *consultation, why FailReason) error {
	c.event(k.target.staff.ID, record.StaffNoAnswerData{Reason: string(why), Attempt: c.carried.attempts, Mode: record.TransferAttended})
	if k.agent.ended {
		// Nobody to return to: the agent left meanwhile. The caller is
		// taken back for S8 ("anything else?").
		c.hangUp(k.target)
		if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
			return c.controlErr("stop music on hold", err)
		}
		return nil
	}
	return c.endConsult(k, why)
}

// endConsult drops the target and bridges the caller with the agent again.
func (c *call) endConsult(k *consultation, why FailReason) error {
	a, t := k.agent, k.target.staff
	c.hangUp(k.target)
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	if a.ended {
		c.event(a.staff.ID, record.TransferCancelledData{Reason: string(why), ToStaffID: t.ID})
		return nil
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, id); err != nil {
		return c.controlErr("create bridge", err)
	}
	a.bridge = id
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, id, c.leg, a.leg); err != nil {
		return c.controlErr("bridge", err)
	}
	c.event(a.staff.ID, record.TransferCancelledData{Reason: string(why), ToStaffID: t.ID, Bridge: id})
	return nil
}

// completeConsult joins the caller and the target, then (only then) drops
// the agent (S15). The owner stays (S5); the chain grows.
func (c *call) completeConsult(k *consultation, why string) error {
	a, t := k.agent, k.target
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, id); err != nil {
		return c.controlErr("create bridge", err)
	}
	a.bridge = id // whoever is with the caller when the call ends ends it
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, id, c.leg, t.leg); err != nil {
		return c.controlErr("bridge", err)
	}
	now := c.now()
	c.rec.TalkSeconds += int(now.Sub(a.since) / time.Second)
	a.bridge = ""
	c.hangUp(a)
	c.pop(a.staff.ID, "ended", c.context())
	c.e.release(a.staff.ID, c.rec.ID, now)
	t.bridge, t.since = id, now
	c.with, c.xfer.target, k.completed = t, nil, true
	c.rec.Transferred = true
	c.takenBy(t)
	c.event(t.staff.ID, record.TransferCompletedData{FromStaffID: a.staff.ID, ToStaffID: t.staff.ID,
		Chain: append([]string(nil), c.carried.chain...), Bridge: id, Reason: string(why)})
	c.event(t.staff.ID, record.ConnectedData{StaffID: t.staff.ID, Extension: t.staff.Extension, Bridge: id,
		Chain: append([]string(nil), c.carried.chain...)})
	c.save()
	c.pop(t.staff.ID, "connected", c.context())
	return nil
}

// closeConsult ends what the consultation leaves behind: the agent's and
// the target's bridge and, unless the target took the caller, the
// target's leg and screen, and their reservation unless a blind transfer
// rings them next.
func (c *call) closeConsult(k *consultation) {
	c.destroyBridge(k.bridge)
	c.xfer.target = nil
	if k.completed {
		return
	}
	t := k.target.staff
	c.hangUp(k.target)
	c.pop(t.ID, "missed", c.context())
	if k.handoff == nil {
		c.e.release(t.ID, c.rec.ID, c.now())
	}
}
