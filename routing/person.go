package routing

import (
	"context"
	"errors"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// FailReason is why a person did not take the call: the reason of the
// timeline's staff_no_answer and transfer_cancelled. It is an error, so
// each phase of putting a caller through returns one value: nil (go on),
// a FailReason (this person will not take it), or what ended the call.
type FailReason string

// Why a person did not take the call. Asterisk's dial statuses other than
// NOANSWER (BUSY, CHANUNAVAIL, CONGESTION...), or the hangup cause when it
// gave none, are reasons as they are.
const (
	FailNoAnswer      FailReason = "no_answer" // rang out: our limit or Asterisk's, the same
	FailBusy          FailReason = "BUSY"
	FailUnreachable   FailReason = "CHANUNAVAIL" // no phone registered
	FailOriginate     FailReason = "originate_failed"
	FailWhisperHangup FailReason = "hung_up_during_whisper"
	FailBeforeBridge  FailReason = "hung_up_before_bridge"
	// An attended transfer's target also ends it by leaving the
	// consultation, or the agent by cancelling it.
	FailTargetLeft FailReason = "target_left"
	FailCancelled  FailReason = "cancelled"
)

func (r FailReason) Error() string { return "not taken: " + string(r) }

// failed reports whether err is only a person not taking the call.
func failed(err error) bool {
	var why FailReason
	return errors.As(err, &why)
}

// person is someone the caller is put through to, from the ring to the
// end of the talk: who, their phone's leg, and once they are bridged with
// the caller, the bridge and since when. One value carries them through
// every phase (and an attended transfer hands the caller to another).
type person struct {
	staff  record.Staff
	leg    Leg                // their phone's leg, once rung
	events <-chan Event       // the leg's, watched before it was dialled
	stop   context.CancelFunc // ends the watch; nil until rung
	up     bool               // answered: the leg is in the application
	ended  bool               // the leg is gone (or hung up by us)
	bridge string             // with the caller, while bridged
	since  time.Time          // bridged with the caller since
}

// stream is the leg's events while it is up (nil otherwise: never ready).
func (p *person) stream() <-chan Event {
	if p == nil || p.ended {
		return nil
	}
	return p.events
}

// took is an event read from the leg as a wake (ok false: the stream
// closed, nil).
func (p *person) took(ev Event, ok bool) wake {
	if !ok {
		p.ended = true
		return nil
	}
	if ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
		p.ended = true
	}
	if ev.Kind == EvStart {
		p.up = true
	}
	return personEvent{ev, p}
}

// from returns w's event when it happened on p's leg.
func (p *person) from(w wake) (Event, bool) {
	ev, ok := w.(personEvent)
	if !ok || p == nil || ev.on != p {
		return Event{}, false
	}
	return ev.Event, true
}

// left reports whether w is p's leg ending.
func (p *person) left(w wake) bool {
	_, ok := p.from(w)
	return ok && p.ended
}

// ring puts the caller on hold and rings p's phone with the call's
// context cc; from is the person passing the call on ("" for the engine).
func (c *call) ring(p *person, cc record.CallContext, from string) error {
	if err := c.e.cfg.Control.StartMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("music on hold", err)
	}
	c.event(p.staff.ID, record.RingingStaffData{Endpoint: p.staff.Endpoint, Attempt: c.carried.attempts, Summary: cc.Summary(),
		Context: &cc, FromStaffID: from})
	if err := c.dial(p, cc); err != nil {
		c.log("warn", "ring staff failed", "staff_id", p.staff.ID, "error", err.Error())
		return FailOriginate
	}
	return nil
}

// dial rings p's phone on a new leg carrying the call's context cc; the
// leg is watched before it is dialled, and once answered it enters the
// application named for this call and p. The leg is p's even when the
// request fails, to be ended like any other.
func (c *call) dial(p *person, cc record.CallContext) error {
	ctx, cancel := context.WithCancel(c.ctx)
	p.leg, p.stop = Leg{Node: c.leg.Node, ID: ulid.Make().String()}, cancel
	p.events = c.e.cfg.Control.Watch(ctx, p.leg)
	return c.e.cfg.Control.Originate(c.ctx, OriginateRequest{
		Node: p.leg.Node, LegID: p.leg.ID, Endpoint: p.staff.Endpoint,
		AppArgs:  []string{"agent", c.rec.ID, p.staff.ID},
		CallerID: c.rec.CallerNumber, Timeout: c.e.cfg.RingTimeout, Variables: legVariables(p.staff, cc),
	})
}

// waitAnswer waits for p's leg to enter the application (answered), up to
// the ring limit (S1 applied to people): nil once answered, a FailReason
// when it was not.
func (c *call) waitAnswer(p *person) error {
	deadline := c.now().Add(c.e.cfg.RingTimeout)
	for !p.up {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return FailNoAnswer
		}
		w, err := c.next(left)
		if errors.Is(err, errTimeout) {
			return FailNoAnswer
		}
		if err != nil {
			return err
		}
		if ev, ok := p.from(w); ok {
			if why := ringFailure(p, ev); why != "" {
				return why
			}
		}
	}
	return nil
}

// ringFailure reads an event on ringing p's leg: why the ring failed, or
// "" while it goes on (or once answered).
func ringFailure(p *person, ev Event) FailReason {
	if p.ended && !p.up {
		// Gone unanswered: Asterisk's dial status, else the hangup cause.
		switch {
		case ev.DialStatus != "":
			return dialReason(ev.DialStatus)
		case ev.Cause != "":
			return FailReason(ev.Cause)
		}
		return FailNoAnswer
	}
	if ev.Kind == EvDialResult && dialFailed(ev.DialStatus) {
		return dialReason(ev.DialStatus)
	}
	return ""
}

// dialReason is a failed dial status as a reason: Asterisk's own ring
// timeout (NOANSWER) is the same limit as ours.
func dialReason(status string) FailReason {
	if status == "NOANSWER" {
		return FailNoAnswer
	}
	return FailReason(status)
}

// dialFailed reports whether a dial status says the phone will not be
// answered (BUSY, CHANUNAVAIL...): anything but progress or ANSWER.
func dialFailed(status string) bool {
	switch status {
	case "", "ANSWER", "RINGING", "PROGRESS":
		return false
	}
	return true
}

// startWhisper starts playing the call's context cc to p; it returns the
// playback's id.
func (c *call) startWhisper(p *person, cc record.CallContext) (string, error) {
	id := ulid.Make().String()
	return id, c.e.cfg.Control.Play(c.ctx, p.leg, id, c.whisperMedia(cc)...)
}

// whisper plays the context to p, who answered, and waits for its end; it
// returns when it started. Keys the caller presses meanwhile are kept.
func (c *call) whisper(p *person, cc record.CallContext) (time.Time, error) {
	id, err := c.startWhisper(p, cc)
	if err != nil {
		if c.personGone(p) {
			return time.Time{}, FailWhisperHangup
		}
		return time.Time{}, c.controlErr("whisper", err)
	}
	started := c.now()
	for {
		w, err := c.next(0)
		if err != nil {
			return started, err
		}
		if ev, ok := w.(callerEvent); ok && ev.Kind == EvDTMF {
			c.typed.push(ev.Digit)
		}
		ev, ok := p.from(w)
		switch {
		case !ok:
		case p.ended:
			return started, FailWhisperHangup
		case ev.Kind == EvPlaybackFinished && ev.PlaybackID == id:
			return started, nil
		}
	}
}

// bridgeWith stops the caller's music and bridges them with p.
func (c *call) bridgeWith(p *person) error {
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, id); err != nil {
		return c.controlErr("create bridge", err)
	}
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, id, c.leg, p.leg); err != nil {
		c.destroyBridge(id)
		if c.personGone(p) {
			// They hung up in the instant between the whisper and the bridge.
			return FailBeforeBridge
		}
		return c.controlErr("bridge", err)
	}
	p.bridge, p.since = id, c.now()
	return nil
}

// notAnswered records why p did not take the call, ends their leg and
// takes the caller off hold; the transfer loop apologises (S15). It
// returns why, or what ended the call.
func (c *call) notAnswered(p *person, why FailReason) error {
	c.event(p.staff.ID, record.StaffNoAnswerData{Reason: string(why), Attempt: c.carried.attempts})
	c.hangUp(p)
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	return why
}

// personGone reports whether p's leg has ended, giving its hangup event a
// moment to arrive after a failed operation.
func (c *call) personGone(p *person) bool {
	if p.ended {
		return true
	}
	t := c.e.cfg.Clock.NewTimer(500 * time.Millisecond)
	defer t.Stop()
	defer c.idle()()
	for {
		select {
		case ev, ok := <-p.events:
			if !ok || ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
				p.ended = true
				return true
			}
		case <-t.C():
			return false
		}
	}
}

// hangUp ends p's leg if it is up or ringing, and its watch.
func (c *call) hangUp(p *person) {
	if p == nil || p.stop == nil {
		return
	}
	if !p.ended {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := c.e.cfg.Control.Hangup(ctx, p.leg, "normal"); err != nil {
			c.log("warn", "hang up staff leg", "error", err.Error())
		}
		cancel()
	}
	p.stop()
	p.ended = true
}
