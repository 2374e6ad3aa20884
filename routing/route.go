package routing

import (
	"context"
	"fmt"
	"maps"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// handle routes one matter and carries it out.
func (c *call) handle(ch choice) error {
	staff := ch.staff
	if staff == nil {
		staff = c.staff()
	}
	d := c.e.decide(c, RouteRequest{Now: c.now(), Intent: ch.intent, Fallback: ch.fallback, Extension: ch.ext,
		ByName: ch.byName, NameKeys: ch.nameKeys, Customer: c.cust, Language: string(c.lang)}, staff)
	c.routed(d)
	if d.NotifySupervisor {
		if err := c.tellSupervisor(); err != nil {
			if d.Staff != nil {
				c.e.release(d.Staff.ID, c.rec.ID, c.now())
			}
			return err
		}
	}
	return c.carryOut(d, ch.intent)
}

// routed puts the decision and why on the timeline.
func (c *call) routed(d Decision) {
	data := record.RoutedData{Rule: d.Rule, Reason: d.Reason, Target: string(d.Kind), Department: d.Department}
	if d.Staff != nil {
		data.StaffID = d.Staff.ID
	}
	if d.Requested != nil {
		data.RequestedStaffID = d.Requested.ID
	}
	c.event(data.StaffID, data)
}

// tellSupervisor reports a caller asking for the general manager (S10)
// and tells the caller the desk will help.
func (c *call) tellSupervisor() error {
	text := fmt.Sprintf("caller %s asked for the general manager; the desk is handling it", c.rec.CallerNumber)
	c.event("", record.SupervisorNoticeData{Kind: "general_manager_request", Text: text})
	if n := c.e.cfg.Notifier; n != nil {
		n.NotifySupervisor(c.ctx, c.rec.ID, "general_manager_request", text)
	}
	_, err := c.play(false, c.media(prompt.KeyGeneralManagerNotice))
	return err
}

// carryOut takes the call where d sends it: the machine records it, the
// line is closed, the person asked for is away or unreachable, nobody is
// free, or a person (reserved) is rung.
func (c *call) carryOut(d Decision, intent string) error {
	switch d.Kind {
	case TargetRecording:
		return c.takeRecording(intent)
	case TargetAfterHours:
		k := prompt.KeyAfterHours
		if d.Rule == RuleHoliday {
			k = prompt.KeyHolidayShut
		}
		_, err := c.play(false, c.media(k))
		return err
	}
	if d.Requested != nil && d.Rule == RulePresence {
		// S16-S19: the person asked for cannot come to the phone; the
		// caller hears why and chooses what next, rather than the desk.
		if d.Staff != nil {
			c.e.release(d.Staff.ID, c.rec.ID, c.now())
		}
		return c.away(*d.Requested)
	}
	if askedFor(d.Rule) && c.phoneUnreachable(*d.Staff) {
		// Asked for by extension or name, free by presence, but Asterisk
		// cannot reach their phone: say so rather than ring nothing.
		s := *d.Staff
		c.e.release(s.ID, c.rec.ID, c.now())
		return c.away(s)
	}
	if d.Staff == nil {
		return c.nobodyFree(d, prompt.KeyDeskBusy)
	}
	return c.connect(d)
}

// staff lists the directory (bounded wait; an empty list routes to the
// machine's own handling rather than holding the caller).
func (c *call) staff() []record.Staff {
	dir := c.e.cfg.Directory
	if dir == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.e.cfg.LookupTimeout)
	defer cancel()
	var all []record.Staff
	q := record.ListQuery{Limit: 1000}
	for range 20 {
		page, next, err := dir.ListStaff(ctx, q)
		if err != nil {
			c.log("warn", "staff list failed", "error", err.Error())
			return all
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	return all
}

// decide runs the router on the engine's view of who is free and reserves
// the person chosen, so two calls never ring the same free person. Someone
// another engine holds is left out and the router asked again.
func (e *Engine) decide(c *call, req RouteRequest, staff []record.Staff) Decision {
	taken := map[string]bool{}
	cands := e.available(c.ctx, staff) // presence once; only reservations change below
	for range 5 + len(staff) {
		e.mark(cands, taken)
		req.Staff = cands
		d := e.cfg.Router.Decide(req)
		if d.Staff == nil || e.reserve(c.ctx, d.Staff.ID, c.rec.ID) {
			return d
		}
		taken[d.Staff.ID] = true
	}
	req.Staff = nil
	return e.cfg.Router.Decide(req)
}

// nextPerson chooses and reserves the next free person for a transfer
// whose earlier targets (tried) did not take it: the same department
// (longest idle, the caller's language preferred), or nil.
func (e *Engine) nextPerson(c *call, dept string, tried map[string]bool) *record.Staff {
	staff := c.staff()
	taken := maps.Clone(tried)
	cands := e.available(c.ctx, staff)
	for range 5 + len(staff) {
		e.mark(cands, taken)
		s := pick(cands, dept, "", string(c.lang))
		if s == nil || e.reserve(c.ctx, s.ID, c.rec.ID) {
			return s
		}
		taken[s.ID] = true
	}
	return nil
}

// nobodyFree is the call's answer when no person can take it now.
// Config.NobodyFree may take over; otherwise the caller is promised a
// callback (S12).
func (c *call) nobodyFree(d Decision, first prompt.Key) error {
	if h := c.e.cfg.NobodyFree; h != nil {
		if h(c.ctx, &CallInfo{ID: c.rec.ID, Leg: c.leg, Intent: c.rec.Intent, Customer: c.cust, Decision: d}) {
			return nil
		}
	}
	c.event("", record.CallbackPromisedData{Rule: d.Rule})
	c.rec.Outcome = record.OutcomeCallbackRequested
	c.save()
	media := []string{c.media(prompt.KeyCallbackPromise)}
	if first != "" {
		// The transfer loop has already apologised once per failed attempt.
		media = append([]string{c.media(first)}, media...)
	}
	_, err := c.play(false, media...)
	return err
}
