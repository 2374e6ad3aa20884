package record

import "time"

// Presence is what a person has said about where they are (S16–S19). It is
// typed in by the person (agent token) or a supervisor; "on a call" and
// "phone unreachable" are not statuses here: they come from Asterisk and are
// combined with this by Effective.
type Presence struct {
	StaffID string `json:"staff_id"`
	Status  string `json:"status"` // see Presence* constants
	// Where is a rough place for Status out or event ("the Pudong
	// warehouse"), said to callers (S18); BackAt is when the person expects
	// to be back, said as a time of day.
	Where  string     `json:"where,omitempty"`
	BackAt *time.Time `json:"back_at,omitempty"`
	Note   string     `json:"note,omitempty"` // for colleagues, never said to callers
	// WorkingHours, when set, are the person's weekly hours; outside them an
	// available person counts as off duty. Nil: no hours kept (always on).
	WorkingHours *WorkingHours `json:"working_hours,omitempty"`
	UpdatedAt    time.Time     `json:"updated_at"`
	// UpdatedBy is the staff id of whoever set it, or "token:<id>" for a
	// token that acts for nobody in the directory.
	UpdatedBy string `json:"updated_by,omitempty"`
}

// Statuses a person can be given. The zero Presence of someone who never set
// one is available.
const (
	PresenceAvailable = "available"
	PresenceMeeting   = "meeting" // S16
	PresenceVisitor   = "visitor" // S17
	PresenceOut       = "out"     // S18: Where and BackAt say where and until when
	PresenceEvent     = "event"   // S19: a banquet or other event
	PresenceOffDuty   = "off_duty"
)

// Statuses only Effective gives: derived from Asterisk, never typed in.
const (
	PresenceOnCall      = "on_call"
	PresenceUnreachable = "unreachable"
)

// PresenceStatuses are the statuses that may be set, in a stable order.
var PresenceStatuses = []string{
	PresenceAvailable, PresenceMeeting, PresenceVisitor, PresenceOut, PresenceEvent, PresenceOffDuty,
}

// IsPresenceStatus reports whether s is a status that may be set.
func IsPresenceStatus(s string) bool {
	for _, x := range PresenceStatuses {
		if x == s {
			return true
		}
	}
	return false
}
