package routing

import (
	"context"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Away options, the digits read out after the away wording.
const (
	awayMessage   = "1"
	awayColleague = "2"
	awayUrgent    = "3"
	awayCallback  = "4"
)

// presenceAll reads everyone's presence (nil without a source, or when it
// cannot be read: then the directory's Active flag decides, and a call is
// never held up by the store).
func (e *Engine) presenceAll(ctx context.Context) map[string]record.Presence {
	src := e.cfg.Away.Presence
	if src == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.LookupTimeout)
	defer cancel()
	out := map[string]record.Presence{}
	q := record.ListQuery{Limit: 1000}
	for range 20 {
		page, next, err := src.ListPresence(ctx, q)
		if err != nil {
			e.cfg.Log("warn", "presence list failed", map[string]any{"error": err.Error()})
			return out
		}
		for _, p := range page {
			out[p.StaffID] = p
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	return out
}

// effective is s's status now: what they said, their working hours, and
// what the engine and Asterisk know of their phone.
func (c *call) effective(s record.Staff) record.EffectiveStatus {
	var p record.Presence
	known := true
	if src := c.e.cfg.Away.Presence; src != nil {
		ctx, cancel := context.WithTimeout(c.ctx, c.e.cfg.LookupTimeout)
		got, err := src.GetPresence(ctx, s.ID)
		cancel()
		if err != nil {
			c.log("warn", "presence lookup failed", "staff_id", s.ID, "error", err.Error())
			known = false
		} else {
			p = got
		}
	}
	var d record.Derived
	c.e.mu.Lock()
	_, d.OnCall = c.e.busy[s.ID]
	c.e.mu.Unlock()
	if !d.OnCall {
		d.Unreachable = c.phoneUnreachable(s)
	}
	st := record.Effective(p, d, c.now())
	if st.Reachable() && !known {
		// Their status could not be read: the plain S18 wording fits any.
		st = record.EffectiveStatus{Status: record.PresenceOut, Reason: "presence unreadable"}
	}
	if st.Reachable() {
		// Not free when routed, yet free by every source here: another
		// engine holds them for a call (the shared reservation).
		st = record.EffectiveStatus{Status: record.PresenceOnCall, Reason: "held for a call by another engine"}
	}
	return st
}

// phoneUnreachable asks Asterisk whether s's phone is offline (false when
// it cannot tell: a doubtful answer never keeps a caller from a person).
func (c *call) phoneUnreachable(s record.Staff) bool {
	ph := c.e.cfg.Away.Phones
	if ph == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.e.cfg.LookupTimeout)
	defer cancel()
	un, err := ph.Unreachable(ctx, c.leg.Node, s.Endpoint)
	if err != nil {
		c.log("warn", "phone state lookup failed", "staff_id", s.ID, "error", err.Error())
		return false
	}
	return un
}

var awayWords = map[string]prompt.Key{
	record.PresenceMeeting:     prompt.KeyAwayMeeting,
	record.PresenceVisitor:     prompt.KeyAwayVisitor,
	record.PresenceOut:         prompt.KeyAwayOut,
	record.PresenceEvent:       prompt.KeyAwayEvent,
	record.PresenceOffDuty:     prompt.KeyAwayOffDuty,
	record.PresenceOnCall:      prompt.KeyAwayOnCall,
	record.PresenceUnreachable: prompt.KeyAwayNoPhone,
}

// awayMedia says why the person cannot come to the phone, in the words
// their status calls for (S16-S19): for out, roughly where (a known place
// only) and when they will be back, as a time of day.
func (c *call) awayMedia(st record.EffectiveStatus) (media []string, placeSaid, backSaid bool) {
	k, ok := awayWords[st.Status]
	if !ok {
		k = prompt.KeyAwayOut
	}
	media = []string{c.media(prompt.KeyAwayColleague), c.media(k)}
	if st.Status == record.PresenceOut || st.Status == record.PresenceEvent {
		if pk, ok := prompt.PlaceKey(st.Where); ok {
			media = append(media, c.media(pk))
			placeSaid = true
		}
	}
	if st.BackAt != nil {
		loc := c.e.cfg.Away.Location
		if tm, ok := prompt.TimeOfDay(c.lang, st.BackAt.In(loc), c.now().In(loc)); ok {
			media = append(media, c.media(prompt.KeyAwayBackAround))
			media = append(media, tm...)
			media = append(media, c.media(prompt.KeyAwayBackEnd))
			backSaid = true
		}
	}
	return append(media, c.media(prompt.KeyAwayCanIHelp)), placeSaid, backSaid
}

// awayOptions is the options menu, leaving out a message when no one
// takes messages.
func (c *call) awayOptions() []string {
	var m []string
	if c.e.cfg.Away.Messages != nil {
		m = append(m, c.media(prompt.KeyAwayOptMessage))
	}
	return append(m, c.media(prompt.KeyAwayOptColleague), c.media(prompt.KeyAwayOptUrgent), c.media(prompt.KeyAwayOptCallback))
}

// away handles a caller whose person s cannot take the call: the wording
// for their status, then the options (a message, another colleague, an
// urgent try, a callback). No choice or a wrong key is asked again twice,
// then a callback is promised.
func (c *call) away(s record.Staff) error {
	st := c.effective(s)
	media := append(c.sayAway(s, st), c.awayOptions()...)
	for tries := 0; tries < 3; {
		d, err := c.ask(media...)
		if err != nil {
			return err
		}
		c.event(s.ID, record.AwayChoiceData{Digit: d, Attempt: tries + 1})
		again, ok, err := c.awayOption(s, st, d)
		switch {
		case !ok:
			tries++
			media = append([]string{c.tryAgain(d)}, c.awayOptions()...)
		case again == nil:
			return err
		default:
			media = again
		}
	}
	return c.requestCallback(s, st, "no_choice")
}

// sayAway is the wording for s's status st, recorded on the timeline.
func (c *call) sayAway(s record.Staff, st record.EffectiveStatus) []string {
	media, placeSaid, backSaid := c.awayMedia(st)
	data := record.AwayData{StaffID: s.ID, Status: st.Status, Reason: st.Reason,
		PlaceSaid: placeSaid, BackSaid: backSaid, Where: st.Where}
	if st.BackAt != nil {
		data.BackAt = st.BackAt.UTC().Format(time.RFC3339)
	}
	c.event(s.ID, data)
	return media
}

// awayOption carries out the caller's choice d; ok is false when d is no
// option. again is what the caller hears before choosing again (no
// colleague was free, the urgent try was declined); nil when the matter
// is over.
func (c *call) awayOption(s record.Staff, st record.EffectiveStatus, d string) (again []string, ok bool, err error) {
	switch {
	case d == awayMessage && c.e.cfg.Away.Messages != nil:
		return nil, true, c.takeMessage(s)
	case d == awayColleague:
		return c.awayColleague(s)
	case d == awayUrgent:
		done, err := c.urgent(s, st)
		if err != nil || done {
			return nil, true, err
		}
		return c.awayOptions(), true, nil // the decline or no-reply wording was said
	case d == awayCallback:
		return nil, true, c.requestCallback(s, st, "caller_chose")
	}
	return nil, false, nil
}

// awayColleague puts the caller through to a free colleague of s, or says
// none is free and offers the options again.
func (c *call) awayColleague(s record.Staff) (again []string, ok bool, err error) {
	next := c.e.nextPerson(c, s.Department, map[string]bool{s.ID: true})
	if next == nil {
		c.event(s.ID, record.AwayNoColleagueData{Department: s.Department})
		return append([]string{c.media(prompt.KeyNoColleagueFree)}, c.awayOptions()...), true, nil
	}
	d := Decision{Kind: TargetPerson, Department: s.Department, Staff: next, Requested: &s,
		Rule: "away:colleague", Reason: "the person asked for is away; the caller chose a free colleague"}
	c.routed(d)
	return nil, true, c.connect(d)
}

// requestCallback records a callback from s with a promised time (S12):
// after they are back, or soon; the caller hears the time.
func (c *call) requestCallback(s record.Staff, st record.EffectiveStatus, why string) error {
	now := c.now()
	at := now.Add(c.e.cfg.Away.CallbackAfter)
	if st.BackAt != nil && st.BackAt.After(now) {
		at = st.BackAt.Add(c.e.cfg.Away.CallbackAfter)
	}
	at = at.Truncate(time.Minute)
	c.event(s.ID, record.CallbackRequestedData{StaffID: s.ID, PromisedAt: at.UTC().Format(time.RFC3339),
		CallbackNumber: c.rec.CallerNumber, Why: why})
	c.rec.Outcome = record.OutcomeCallbackRequested
	c.note("callback promised by " + s.ID + " around " + at.UTC().Format(time.RFC3339))
	c.save()
	media := []string{c.media(prompt.KeyCallbackBooked)}
	loc := c.e.cfg.Away.Location
	if tm, ok := prompt.TimeOfDay(c.lang, at.In(loc), now.In(loc)); ok {
		media = append(media, tm...)
	} else {
		media = []string{c.media(prompt.KeyCallbackPromise)}
	}
	_, err := c.play(false, media...)
	return err
}

// note adds a line to the call's notes.
func (c *call) note(line string) {
	if c.rec.Notes == "" {
		c.rec.Notes = line
	} else {
		c.rec.Notes += "\n" + line
	}
}
