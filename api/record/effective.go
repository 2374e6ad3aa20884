package record

import "time"

// Derived is what Asterisk says about a person's phone, as the engine sees
// it: in a bridge (on a call), or its endpoint or device unavailable.
type Derived struct {
	OnCall      bool
	Unreachable bool
}

// EffectiveStatus is what the engine acts on when a caller asks for the
// person: the status, the place and return time to say (S18), and why.
type EffectiveStatus struct {
	Status string     // a Presence* status, including on_call and unreachable
	Where  string     // for out and event
	BackAt *time.Time // for out, only while it is still ahead
	Reason string     // for the call's timeline: which rule decided
}

// Reachable reports whether the person's phone should be rung now.
func (e EffectiveStatus) Reachable() bool { return e.Status == PresenceAvailable }

// Effective combines a person's presence with what Asterisk says and the
// clock. The rules, first match wins:
//
//   - a typed away status (meeting, visitor, event, off_duty) stands as set;
//   - out stands while its back_at is ahead (or none was given); once it
//     has passed, the person said they would be back, so they count as
//     available and the phone's state decides;
//   - outside the person's working hours they are off duty;
//   - a phone in a bridge is on a call; one Asterisk cannot reach is
//     unreachable (on a call wins: a bridged phone is plainly reachable);
//   - otherwise available.
//
// now is pinned by the caller, one now per decision.
func Effective(p Presence, d Derived, now time.Time) EffectiveStatus {
	switch p.Status {
	case PresenceMeeting, PresenceVisitor, PresenceOffDuty:
		return EffectiveStatus{Status: p.Status, Reason: "presence " + p.Status}
	case PresenceEvent:
		return EffectiveStatus{Status: p.Status, Where: p.Where, Reason: "presence event"}
	case PresenceOut:
		if p.BackAt == nil {
			return EffectiveStatus{Status: PresenceOut, Where: p.Where, Reason: "presence out, no return time"}
		}
		if now.Before(*p.BackAt) {
			back := p.BackAt.UTC()
			return EffectiveStatus{Status: PresenceOut, Where: p.Where, BackAt: &back, Reason: "presence out until back_at"}
		}
	}
	reason := "available"
	if p.Status == PresenceOut {
		reason = "out, but back_at has passed"
	}
	if p.WorkingHours != nil && len(p.WorkingHours.Weekly) > 0 && !p.WorkingHours.Within(now) {
		return EffectiveStatus{Status: PresenceOffDuty, Reason: "outside working hours"}
	}
	switch {
	case d.OnCall:
		return EffectiveStatus{Status: PresenceOnCall, Reason: "phone in a bridge"}
	case d.Unreachable:
		return EffectiveStatus{Status: PresenceUnreachable, Reason: "phone endpoint or device unavailable"}
	}
	return EffectiveStatus{Status: PresenceAvailable, Reason: reason}
}
