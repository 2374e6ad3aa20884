package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// CallContext is what travels with a call from person to person (S11): who
// is calling, what they asked, the case's owner (S5) and the transfers so
// far, so the next person never makes the caller repeat themselves. The
// engine puts it on every leg it rings (channel variables, a SIP header),
// whispers its summary and sends it on the screen-pop stream.
type CallContext struct {
	CallID       string   `json:"call_id"`
	CallerNumber string   `json:"caller_number,omitempty"`
	CallerName   string   `json:"caller_name,omitempty"`
	CustomerID   string   `json:"customer_id,omitempty"`
	Company      string   `json:"company,omitempty"`
	VIP          bool     `json:"vip,omitempty"`
	Intent       string   `json:"intent,omitempty"`
	MenuPath     []string `json:"menu_path,omitempty"`   // intents chosen, in order
	ReasonClip   string   `json:"reason_clip,omitempty"` // a stored recording of the caller's reason
	Notes        []string `json:"notes,omitempty"`       // typed by agents, oldest first
	OwnerStaffID string   `json:"owner_staff_id,omitempty"`
	// Chain is everyone who has taken the call, in order; the owner is
	// its first entry once someone has taken it.
	Chain    []string `json:"chain,omitempty"`
	Attempts int      `json:"attempts"` // people rung so far for this call
}

// JSON is the compact encoding carried in a channel variable.
func (c CallContext) JSON() string {
	b, err := json.Marshal(c)
	if err != nil {
		// Only strings, bools and ints: cannot fail.
		return "{}"
	}
	return string(b)
}

// Summary is one line for people: a phone display, a SIP header, a log.
// It never contains a line break.
func (c CallContext) Summary() string {
	var parts []string
	who := c.CallerName
	if who == "" {
		who = c.CallerNumber
	} else if c.CallerNumber != "" {
		who += " " + c.CallerNumber
	}
	if c.Company != "" {
		who += " (" + c.Company + ")"
	}
	if c.VIP {
		who = "VIP " + who
	}
	if who != "" {
		parts = append(parts, who)
	}
	if c.Intent != "" {
		parts = append(parts, "wants: "+c.Intent)
	}
	if c.ReasonClip != "" {
		parts = append(parts, "reason recorded")
	}
	if n := len(c.Notes); n > 0 {
		parts = append(parts, "note: "+c.Notes[n-1])
	}
	if c.Attempts > 1 {
		parts = append(parts, fmt.Sprintf("attempt %d", c.Attempts))
	}
	s := strings.Join(parts, "; ")
	return strings.Join(strings.Fields(s), " ")
}

// AgentEvent is one screen-pop event for a person: a call offered to them
// as their phone rings, connected, ended, missed, or a consultation. ID is
// given by the store in the order events were stored; the API's event
// stream uses it as the SSE id so a client can resume (Last-Event-ID).
type AgentEvent struct {
	ID      int64       `json:"id"`
	StaffID string      `json:"staff_id"`
	CallID  string      `json:"call_id"`
	Type    string      `json:"type"` // offered, connected, ended, missed, consult
	At      time.Time   `json:"at"`
	Context CallContext `json:"context"`
}

// AgentEventPresence is the screen-pop event sent when a person's presence
// is set: it carries no call (CallID is empty) and its context's Notes hold
// one line saying the new status; clients read the presence itself from
// GET /v1/staff/{id}/presence.
const AgentEventPresence = "presence"
