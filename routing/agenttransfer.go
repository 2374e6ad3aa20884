package routing

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// transferCmd is a transfer request waiting for the call's goroutine.
type transferCmd struct {
	req   record.TransferRequest
	reply chan transferReply // buffered 1; nil for feature codes (no one waits)
}

type transferReply struct {
	res record.TransferResult
	err error
}

func (cmd *transferCmd) answer(res record.TransferResult, err error) {
	if cmd.reply != nil {
		cmd.reply <- transferReply{res, err}
	}
}

// handoff is a blind transfer: pass the caller on to d.Staff (reserved).
type handoff struct {
	d    Decision
	from string
	// away: d.Requested cannot take calls now; the caller hears why and
	// the options (S16-S19) instead of being rung through.
	away bool
}

// Transfer passes a live call on, for an agent or a supervisor (the API's
// POST /v1/calls/{id}/transfer): blind, attended, or completing or
// cancelling an attended one. It returns once the engine has acted: the
// target is ringing (blind, attended) or the caller is with the target
// (complete) or back with the agent (cancel). Errors are *record.Error:
// ENotFound (not live here), EForbidden (req.By is not the person on the
// call), EConflict (not with a person now, target busy or away, no
// consultation), EInvalid.
func (e *Engine) Transfer(ctx context.Context, req record.TransferRequest) (record.TransferResult, error) {
	if err := req.Validate(); err != nil {
		return record.TransferResult{}, err
	}
	e.mu.Lock()
	c := e.calls[req.CallID]
	e.mu.Unlock()
	if c == nil {
		return record.TransferResult{}, record.Errorf(record.ENotFound, "call %s is not live", req.CallID)
	}
	cmd := &transferCmd{req: req, reply: make(chan transferReply, 1)}
	select {
	case c.xfer.reqs <- cmd:
	case <-c.ctx.Done():
		return record.TransferResult{}, record.Errorf(record.ENotFound, "call %s has ended", req.CallID)
	case <-ctx.Done():
		return record.TransferResult{}, record.Wrap(record.EUnavailable, ctx.Err(), "the call did not take the request in time")
	}
	select {
	case r := <-cmd.reply:
		return r.res, r.err
	case <-c.ctx.Done():
		return record.TransferResult{}, record.Errorf(record.ENotFound, "call %s has ended", req.CallID)
	case <-ctx.Done():
		return record.TransferResult{}, record.Wrap(record.EUnavailable, ctx.Err(), "the call did not answer in time")
	}
}

// talk waits while the caller and *cur talk, renewing the shared
// reservation so it does not lapse during a long call, and takes transfer
// requests (API or feature codes). It returns nil, nil when the person
// leaves; a handoff for a blind transfer; an error when the caller leaves.
// An attended transfer that completes changes *cur, *bridge and *since.
func (c *call) talk(cur *record.Staff, bridge *string, since *time.Time) (*handoff, error) {
	c.xfer.open = true
	defer func() { c.xfer.open = false }()
	renew := c.e.cfg.ReserveLease / 3
	var keys featureKeys
	for {
		w, err := c.next(renew)
		if errors.Is(err, errTimeout) {
			c.e.renew(c.ctx, cur.ID, c.rec.ID)
			continue
		}
		if err != nil {
			return nil, err
		}
		var cmd *transferCmd
		ev, fromAgent := c.fromAgent(w)
		switch {
		case isAsk(w):
			cmd = w.(transferAsk).cmd
		case fromAgent && c.agent.ended:
			return nil, nil
		case fromAgent && ev.Kind == EvDTMF:
			if req, ok := keys.press(ev.Digit); ok {
				req.CallID, req.By = c.rec.ID, cur.ID
				cmd = &transferCmd{req: req}
			}
		}
		if cmd == nil {
			continue
		}
		h, err := c.onRequest(cmd, cur, bridge, since)
		if err != nil || h != nil {
			return h, err
		}
		if c.agent == nil || c.agent.ended {
			return nil, nil // the agent left during a failed attended transfer
		}
	}
}

// onRequest carries out a transfer request taken while talking.
func (c *call) onRequest(cmd *transferCmd, cur *record.Staff, bridge *string, since *time.Time) (*handoff, error) {
	req := cmd.req
	if req.By != "" && req.By != cur.ID {
		cmd.answer(record.TransferResult{}, record.Errorf(record.EForbidden, "only the person on the call can transfer it"))
		return nil, nil
	}
	if req.Mode == record.TransferComplete || req.Mode == record.TransferCancel {
		cmd.answer(record.TransferResult{}, record.Errorf(record.EConflict, "no attended transfer is in progress"))
		return nil, nil
	}
	d, err := c.resolveTarget(req, *cur)
	if err != nil && req.Mode == record.TransferBlind && d.Requested != nil && c.e.cfg.Away.Presence != nil {
		// A blind transfer to someone away: the caller is handed to the
		// away wording and options, as if they had asked for the person.
		c.addNote(cur.ID, req.Note)
		c.event("transfer_requested", cur.ID, map[string]any{"mode": req.Mode, "from_staff_id": cur.ID,
			"to_staff_id": d.Requested.ID, "away": err.Error()})
		cmd.answer(record.TransferResult{CallID: c.rec.ID, Mode: req.Mode, Status: "away", TargetStaffID: d.Requested.ID}, nil)
		return &handoff{d: d, from: cur.ID, away: true}, nil
	}
	if err != nil {
		c.event("transfer_refused", req.By, map[string]any{"mode": req.Mode, "error": err.Error()})
		cmd.answer(record.TransferResult{}, err)
		return nil, nil
	}
	c.addNote(cur.ID, req.Note)
	data := map[string]any{"mode": req.Mode, "from_staff_id": cur.ID, "to_staff_id": d.Staff.ID}
	if req.ToDepartment != "" {
		data["department"] = req.ToDepartment
	}
	if req.By == "" {
		data["by"] = "supervisor"
	}
	c.event("transfer_requested", cur.ID, data)
	res := record.TransferResult{CallID: c.rec.ID, Mode: req.Mode, Status: "ringing", TargetStaffID: d.Staff.ID}
	if req.Mode == record.TransferBlind {
		cmd.answer(res, nil)
		return &handoff{d: d, from: cur.ID}, nil
	}
	return c.consultWith(cmd, res, *d.Staff, cur, bridge, since)
}

func isAsk(w wake) bool {
	_, ok := w.(transferAsk)
	return ok
}

// resolveTarget finds and reserves the person a transfer goes to: by id,
// by extension, or the longest idle free person of a department.
func (c *call) resolveTarget(req record.TransferRequest, cur record.Staff) (Decision, error) {
	if dept := strings.TrimSpace(req.ToDepartment); dept != "" {
		s := c.e.nextPerson(c, dept, map[string]bool{cur.ID: true})
		if s == nil {
			return Decision{}, record.Errorf(record.EConflict, "nobody in %s is free", dept)
		}
		return Decision{Kind: TargetPerson, Department: dept, Staff: s, Rule: "agent_transfer"}, nil
	}
	var found *record.Staff
	for _, s := range c.staff() {
		if (req.ToStaffID != "" && s.ID == req.ToStaffID) || (req.ToExtension != "" && s.Extension == req.ToExtension) {
			found = &s
			break
		}
	}
	switch {
	case found == nil || !found.Active:
		return Decision{}, record.Errorf(record.ENotFound, "no such person in the directory")
	case found.ID == cur.ID:
		return Decision{}, record.Errorf(record.EInvalid, "the call is already with that person")
	}
	if cand := c.e.candidates(c.ctx, []record.Staff{*found}, nil); !cand[0].Available {
		return Decision{Requested: found}, record.Errorf(record.EConflict, "%s is away from the desk", found.Name)
	}
	if !c.e.reserve(c.ctx, found.ID, c.rec.ID) {
		return Decision{Requested: found}, record.Errorf(record.EConflict, "%s is on another call", found.Name)
	}
	return Decision{Kind: TargetPerson, Department: found.Department, Staff: found, Rule: "agent_transfer"}, nil
}

// consultWith runs an attended transfer (S15: the first person stays until
// both sides are connected): the caller holds with music, the target's
// phone rings with the context, they hear the whisper and are bridged with
// the agent; then complete joins caller and target and only then drops the
// agent, cancel (or the target leaving or not answering) returns the
// caller to the agent. The agent hanging up completes it; before the
// target has answered, it becomes a blind transfer to them.
func (c *call) consultWith(cmd *transferCmd, res record.TransferResult, t record.Staff, cur *record.Staff, bridge *string, since *time.Time) (*handoff, error) {
	first := *cur
	// Unless the target ends up with the caller (or is handed a blind
	// transfer), their leg is ended, their screen closed and they are
	// released, however the consultation ends.
	kept := false
	defer func() {
		if !kept {
			c.hangupConsult()
			c.pop(t.ID, "missed", c.context())
			c.e.release(t.ID, c.rec.ID, c.now())
		}
	}()
	complete := func(why string) error {
		err := c.completeConsult(t, first, cur, bridge, since, why)
		kept = err == nil
		return err
	}
	c.destroyBridge(*bridge) // the caller and the agent return to the application
	*bridge = ""
	if err := c.e.cfg.Control.StartMOH(c.ctx, c.leg); err != nil {
		cmd.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not put the caller on hold"))
		return nil, c.controlErr("music on hold", err)
	}
	c.carried.attempts++
	cc := c.context()
	c.event("consult_started", t.ID, map[string]any{"from_staff_id": first.ID, "to_staff_id": t.ID})
	c.event("ringing_staff", t.ID, map[string]any{"endpoint": t.Endpoint, "attempt": c.carried.attempts, "summary": cc.Summary(),
		"from_staff_id": first.ID, "mode": record.TransferAttended})
	c.pop(t.ID, "offered", cc)
	var err error
	if c.xfer.consult, err = c.ringPerson(t, cc); err != nil {
		cmd.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not ring the target"))
		return nil, c.endConsult(FailOriginate, first, t, cur, bridge)
	}
	cmd.answer(res, nil)

	const (
		ringing = iota
		whispering
		talking
	)
	state := ringing
	whisperID := ""
	consultBridge := ""
	defer func() { c.destroyBridge(consultBridge) }()
	deadline := c.now().Add(c.e.cfg.RingTimeout)
	var keys featureKeys
	for {
		wait := time.Duration(0)
		if state == ringing {
			if wait = deadline.Sub(c.now()); wait <= 0 {
				return c.consultFailed(FailNoAnswer, first, t, cur, bridge)
			}
		}
		w, err := c.next(wait)
		if errors.Is(err, errTimeout) {
			return c.consultFailed(FailNoAnswer, first, t, cur, bridge)
		}
		if err != nil {
			return nil, err // the caller left: finish ends both legs
		}
		var req *transferCmd
		ev, fromAgent := c.fromAgent(w)
		pe, fromTarget := w.(personEvent)
		switch {
		case isAsk(w):
			req = w.(transferAsk).cmd
		case fromTarget && pe.on == c.xfer.consult:
			ev := pe.Event
			switch {
			case state == ringing && ringFailure(c.xfer.consult, ev) != "":
				return c.consultFailed(ringFailure(c.xfer.consult, ev), first, t, cur, bridge)
			case state == ringing && c.xfer.consult.up:
				c.event("staff_answered", t.ID, map[string]any{"mode": record.TransferAttended})
				whisperID = ulid.Make().String()
				if err := c.e.cfg.Control.Play(c.ctx, c.xfer.consult.leg, whisperID, c.whisperMedia(cc)...); err != nil {
					return c.consultFailed(FailWhisperHangup, first, t, cur, bridge)
				}
				state = whispering
			case state == whispering && c.xfer.consult.ended:
				return c.consultFailed(FailWhisperHangup, first, t, cur, bridge)
			case state == whispering && ev.Kind == EvPlaybackFinished && ev.PlaybackID == whisperID:
				c.event("whisper_played", t.ID, map[string]any{"mode": record.TransferAttended})
				if c.agent == nil || c.agent.ended {
					return nil, complete("")
				}
				consultBridge = ulid.Make().String()
				if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, consultBridge); err != nil {
					return c.consultFailed(FailBeforeBridge, first, t, cur, bridge)
				}
				if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, consultBridge, c.agent.leg, c.xfer.consult.leg); err != nil {
					return c.consultFailed(FailBeforeBridge, first, t, cur, bridge)
				}
				c.event("consult_connected", t.ID, map[string]any{"from_staff_id": first.ID, "bridge": consultBridge})
				state = talking
			case state == talking && c.xfer.consult.ended:
				return nil, c.endConsult("target_left", first, t, cur, bridge)
			}
		case fromAgent && c.agent.ended:
			// The agent hung up: S15 is kept by the engine instead.
			if state == talking {
				c.destroyBridge(consultBridge)
				consultBridge = ""
				return nil, complete("agent_hung_up")
			}
			if state == ringing {
				// Not answered yet: carry on as a blind transfer to them.
				c.event("consult_abandoned", first.ID, map[string]any{"to_staff_id": t.ID})
				c.hangupConsult()
				c.pop(t.ID, "missed", c.context())
				kept = true // still reserved: the blind transfer rings them
				return &handoff{d: Decision{Kind: TargetPerson, Department: t.Department, Staff: &t, Rule: "agent_transfer"}, from: first.ID}, nil
			}
			// Whispering: the whisper's end completes it (above).
		case fromAgent && ev.Kind == EvDTMF:
			if r, ok := keys.press(ev.Digit); ok {
				r.CallID, r.By = c.rec.ID, first.ID
				req = &transferCmd{req: r}
			}
		}
		if req == nil {
			continue
		}
		if req.req.By != "" && req.req.By != first.ID {
			req.answer(record.TransferResult{}, record.Errorf(record.EForbidden, "only the person on the call can transfer it"))
			continue
		}
		switch req.req.Mode {
		case record.TransferCancel:
			if err := c.endConsult("cancelled", first, t, cur, bridge); err != nil {
				req.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not return the caller"))
				return nil, err
			}
			req.answer(record.TransferResult{CallID: c.rec.ID, Mode: record.TransferCancel, Status: "cancelled", TargetStaffID: t.ID}, nil)
			return nil, nil
		case record.TransferComplete:
			if state != talking {
				req.answer(record.TransferResult{}, record.Errorf(record.EConflict, "the target has not answered yet"))
				continue
			}
			c.destroyBridge(consultBridge)
			consultBridge = ""
			if err := complete(""); err != nil {
				req.answer(record.TransferResult{}, record.Wrap(record.EUnavailable, err, "could not join the caller"))
				return nil, err
			}
			req.answer(record.TransferResult{CallID: c.rec.ID, Mode: record.TransferComplete, Status: "completed", TargetStaffID: t.ID}, nil)
			return nil, nil
		default:
			req.answer(record.TransferResult{}, record.Errorf(record.EConflict, "an attended transfer is in progress"))
		}
	}
}

// consultFailed records why the target did not take the call and returns
// the caller to the agent.
func (c *call) consultFailed(why string, first, t record.Staff, cur *record.Staff, bridge *string) (*handoff, error) {
	c.event("staff_no_answer", t.ID, map[string]any{"reason": why, "attempt": c.carried.attempts, "mode": record.TransferAttended})
	if c.agent == nil || c.agent.ended {
		// Nobody to return to: the agent left meanwhile. The caller is
		// taken back for S8 ("anything else?").
		c.hangupConsult()
		if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
			return nil, c.controlErr("stop music on hold", err)
		}
		return nil, nil
	}
	return nil, c.endConsult(why, first, t, cur, bridge)
}

// endConsult drops the target and bridges the caller with the agent again.
func (c *call) endConsult(why string, first, t record.Staff, cur *record.Staff, bridge *string) error {
	c.hangupConsult()
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	if c.agent == nil || c.agent.ended {
		c.event("transfer_cancelled", first.ID, map[string]any{"reason": why, "to_staff_id": t.ID})
		return nil
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, id); err != nil {
		return c.controlErr("create bridge", err)
	}
	*bridge = id
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, id, c.leg, c.agent.leg); err != nil {
		return c.controlErr("bridge", err)
	}
	*cur = first
	c.event("transfer_cancelled", first.ID, map[string]any{"reason": why, "to_staff_id": t.ID, "bridge": id})
	return nil
}

// completeConsult joins the caller and the target, then (only then) drops
// the agent (S15). The owner stays (S5); the chain grows.
func (c *call) completeConsult(t, first record.Staff, cur *record.Staff, bridge *string, since *time.Time, why string) error {
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return c.controlErr("stop music on hold", err)
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, id); err != nil {
		return c.controlErr("create bridge", err)
	}
	*bridge = id
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, id, c.leg, c.xfer.consult.leg); err != nil {
		return c.controlErr("bridge", err)
	}
	now := c.now()
	c.rec.TalkSeconds += int(now.Sub(*since) / time.Second)
	*since = now
	c.hangupAgent()
	c.pop(first.ID, "ended", c.context())
	c.e.release(first.ID, c.rec.ID, now)
	c.agent, c.xfer.consult = c.xfer.consult, nil
	*cur = t
	c.rec.Transferred = true
	c.addStaff(t.ID)
	c.carried.chain = append(c.carried.chain, t.ID)
	data := map[string]any{"from_staff_id": first.ID, "to_staff_id": t.ID, "chain": append([]string(nil), c.carried.chain...), "bridge": id}
	if why != "" {
		data["reason"] = why
	}
	c.event("transfer_completed", t.ID, data)
	c.event("connected", t.ID, map[string]any{"staff_id": t.ID, "extension": t.Extension, "bridge": id,
		"chain": append([]string(nil), c.carried.chain...)})
	c.save()
	c.pop(t.ID, "connected", c.context())
	return nil
}

// featureKeys reads an agent's DTMF feature codes while on a call:
// *1<extension># blind transfer, *2<extension># attended transfer; during
// an attended transfer *3 completes it and *0 cancels it.
type featureKeys struct{ buf string }

func (k *featureKeys) press(d string) (record.TransferRequest, bool) {
	if d == "*" {
		k.buf = "*"
		return record.TransferRequest{}, false
	}
	if k.buf == "" {
		return record.TransferRequest{}, false
	}
	k.buf += d
	if len(k.buf) > 16 {
		k.buf = ""
		return record.TransferRequest{}, false
	}
	return k.parse()
}

func (k *featureKeys) parse() (record.TransferRequest, bool) {
	b := k.buf
	switch {
	case b == "*3":
		k.buf = ""
		return record.TransferRequest{Mode: record.TransferComplete}, true
	case b == "*0":
		k.buf = ""
		return record.TransferRequest{Mode: record.TransferCancel}, true
	case len(b) > 3 && strings.HasSuffix(b, "#") && (b[1] == '1' || b[1] == '2'):
		k.buf = ""
		ext := b[2 : len(b)-1]
		if strings.Trim(ext, "0123456789") != "" {
			return record.TransferRequest{}, false
		}
		mode := record.TransferBlind
		if b[1] == '2' {
			mode = record.TransferAttended
		}
		return record.TransferRequest{Mode: mode, ToExtension: ext}, true
	case len(b) >= 2 && b[1] != '1' && b[1] != '2':
		k.buf = "" // not a feature code
	}
	return record.TransferRequest{}, false
}

// addNote keeps a note given with a transfer: it travels with the call.
func (c *call) addNote(by, note string) {
	note = strings.Join(strings.Fields(note), " ")
	if note == "" {
		return
	}
	c.carried.addNote(note)
	c.event("note_added", by, map[string]any{"text": note})
}
