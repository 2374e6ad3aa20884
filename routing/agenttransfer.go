package routing

import (
	"context"
	"errors"
	"strings"

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

// talk waits while the caller and the person with them (c.with) talk,
// renewing the shared reservation so it does not lapse during a long
// call, and takes transfer requests (API or feature codes). It returns
// nil, nil when the person leaves; a handoff for a blind transfer; an
// error when the caller leaves. An attended transfer that completes puts
// someone else with the caller.
func (c *call) talk() (*handoff, error) {
	c.xfer.open = true
	defer func() { c.xfer.open = false }()
	renew := c.e.cfg.ReserveLease / 3
	var keys featureKeys
	for {
		w, err := c.next(renew)
		if errors.Is(err, errTimeout) {
			c.e.renew(c.ctx, c.with.staff.ID, c.rec.ID)
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.with.left(w) {
			return nil, nil
		}
		cmd := c.asked(w, &keys)
		if cmd == nil {
			continue
		}
		h, err := c.onRequest(cmd)
		if err != nil || h != nil || c.with.ended {
			return h, err // ended: the agent left during a failed attended transfer
		}
	}
}

// asked reads w as a transfer request from the person with the caller:
// through the API, or keyed on their phone as a feature code.
func (c *call) asked(w wake, keys *featureKeys) *transferCmd {
	if a, ok := w.(transferAsk); ok {
		return a.cmd
	}
	ev, ok := c.with.from(w)
	if !ok || ev.Kind != EvDTMF {
		return nil
	}
	req, ok := keys.press(ev.Digit)
	if !ok {
		return nil
	}
	req.CallID, req.By = c.rec.ID, c.with.staff.ID
	return &transferCmd{req: req}
}

// onRequest carries out a transfer request taken while talking.
func (c *call) onRequest(cmd *transferCmd) (*handoff, error) {
	req, cur := cmd.req, c.with.staff
	if req.By != "" && req.By != cur.ID {
		cmd.answer(record.TransferResult{}, record.Errorf(record.EForbidden, "only the person on the call can transfer it"))
		return nil, nil
	}
	if req.Mode == record.TransferComplete || req.Mode == record.TransferCancel {
		cmd.answer(record.TransferResult{}, record.Errorf(record.EConflict, "no attended transfer is in progress"))
		return nil, nil
	}
	d, err := c.resolveTarget(req, cur)
	if err != nil && req.Mode == record.TransferBlind && d.Requested != nil && c.e.cfg.Away.Presence != nil {
		// A blind transfer to someone away: the caller is handed to the
		// away wording and options, as if they had asked for the person.
		c.addNote(cur.ID, req.Note)
		c.event(cur.ID, record.TransferRequestedData{Mode: req.Mode, FromStaffID: cur.ID,
			ToStaffID: d.Requested.ID, Away: err.Error()})
		cmd.answer(record.TransferResult{CallID: c.rec.ID, Mode: req.Mode, Status: "away", TargetStaffID: d.Requested.ID}, nil)
		return &handoff{d: d, from: cur.ID, away: true}, nil
	}
	if err != nil {
		c.event(req.By, record.TransferRefusedData{Mode: req.Mode, Error: err.Error()})
		cmd.answer(record.TransferResult{}, err)
		return nil, nil
	}
	c.addNote(cur.ID, req.Note)
	data := record.TransferRequestedData{Mode: req.Mode, FromStaffID: cur.ID, ToStaffID: d.Staff.ID, Department: req.ToDepartment}
	if req.By == "" {
		data.By = "supervisor"
	}
	c.event(cur.ID, data)
	res := record.TransferResult{CallID: c.rec.ID, Mode: req.Mode, Status: "ringing", TargetStaffID: d.Staff.ID}
	if req.Mode == record.TransferBlind {
		cmd.answer(res, nil)
		return &handoff{d: d, from: cur.ID}, nil
	}
	return c.consultWith(cmd, res, *d.Staff)
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
	c.event(by, record.NoteAddedData{Text: note})
}
