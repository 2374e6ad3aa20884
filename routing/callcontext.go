package routing

import (
	"context"
	"strings"

	"callsvc/api/record"
)

// ScreenSink receives screen-pop events for the people a call reaches
// (offered as the phone rings, connected, ended, missed). It must not
// block: the call does not wait for it. cmd hands it something that
// persists them (api/postgres agent_events) for the API's SSE stream.
type ScreenSink interface {
	AgentEvent(e record.AgentEvent)
}

// context is the call's context now (S11), as it travels to the next leg.
func (c *call) context() record.CallContext {
	cc := record.CallContext{
		CallID:       c.rec.ID,
		CallerNumber: c.rec.CallerNumber,
		CallerName:   c.rec.CallerName,
		CustomerID:   c.rec.CustomerID,
		Intent:       c.rec.Intent,
		MenuPath:     append([]string(nil), c.carried.path...),
		ReasonClip:   c.carried.reasonClip,
		OwnerStaffID: c.rec.OwnerStaffID,
		Chain:        append([]string(nil), c.carried.chain...),
		Attempts:     c.carried.attempts,
	}
	if c.cust != nil {
		cc.Company = c.cust.Company
		cc.VIP = c.cust.VIP
	}
	cc.Notes = c.carried.notesNow()
	return cc
}

// pop sends a screen-pop event for staffID. An offer (their phone rings
// with the call, or an urgent caller holds for them) makes them take part.
func (c *call) pop(staffID, typ string, cc record.CallContext) {
	if typ == "offered" || typ == "urgent" || typ == "connected" {
		c.carried.peopleMu.Lock()
		if c.carried.people == nil {
			c.carried.people = map[string]bool{}
		}
		c.carried.people[staffID] = true
		c.carried.peopleMu.Unlock()
	}
	if s := c.e.cfg.Screen; s != nil {
		s.AgentEvent(record.AgentEvent{StaffID: staffID, CallID: c.rec.ID, Type: typ, At: c.now(), Context: cc})
	}
}

// AddNote attaches a note typed by an agent or a supervisor to a live
// call: it travels with the call to whoever takes it next (S11) and is on
// the timeline under author (a staff id, or the API's "token:<id>" for a
// token that acts for nobody). Who may note the call is the API's check
// (TakesPart). A call not live here is record.ENotFound.
func (e *Engine) AddNote(ctx context.Context, callID, author, text string) error {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return record.Errorf(record.EInvalid, "a note needs text")
	}
	e.mu.Lock()
	c := e.calls[callID]
	e.mu.Unlock()
	if c == nil {
		return record.Errorf(record.ENotFound, "call %s is not live on this engine", callID)
	}
	c.carried.addNote(text)
	c.event(author, record.NoteAddedData{Text: text})
	return nil
}

// TakesPart says whether callID is live on this engine and, if it is,
// whether staffID takes part in it: the call has been offered to them
// (their phone rang with it, or an urgent caller held for their answer),
// so they have seen its context already. The API lets an agent act on a
// live call (notes, transfers, urgent answers) only then.
func (e *Engine) TakesPart(callID, staffID string) (live, part bool) {
	e.mu.Lock()
	c := e.calls[callID]
	e.mu.Unlock()
	if c == nil {
		return false, false
	}
	c.carried.peopleMu.Lock()
	defer c.carried.peopleMu.Unlock()
	return true, staffID != "" && c.carried.people[staffID]
}

// renew extends staffID's shared reservation for callID.
func (e *Engine) renew(ctx context.Context, staffID, callID string) {
	if e.cfg.Reserver == nil {
		return
	}
	rctx, cancel := context.WithTimeout(ctx, e.cfg.LookupTimeout)
	defer cancel()
	if _, err := e.cfg.Reserver.Reserve(rctx, staffID, callID, e.cfg.ReserveLease); err != nil {
		e.cfg.Log("warn", "renew shared reservation", map[string]any{"call_id": callID, "staff_id": staffID, "error": err.Error()})
	}
}
