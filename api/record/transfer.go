package record

import "strings"

// Transfer modes: an agent passes a live call on (S11, S15).
const (
	TransferBlind    = "blind"    // the agent leaves; the caller is put through to the target
	TransferAttended = "attended" // the caller holds while the agent talks to the target first
	TransferComplete = "complete" // attended: join caller and target, then drop the agent
	TransferCancel   = "cancel"   // attended: drop the target, the caller is back with the agent
)

// TransferRequest asks the engine to pass a live call on. Exactly one
// target (a person by id or extension, or a department) for blind and
// attended; none for complete and cancel.
type TransferRequest struct {
	CallID       string `json:"-"`
	By           string `json:"-"` // the staff id asking; "" for a supervisor or the service
	Mode         string `json:"mode"`
	ToStaffID    string `json:"to_staff_id,omitempty"`
	ToExtension  string `json:"to_extension,omitempty"`
	ToDepartment string `json:"to_department,omitempty"`
	Note         string `json:"note,omitempty"` // travels with the call (S11)
}

// Validate checks the mode and that the target fits it.
func (r TransferRequest) Validate() error {
	targets := 0
	for _, s := range []string{r.ToStaffID, r.ToExtension, r.ToDepartment} {
		if strings.TrimSpace(s) != "" {
			targets++
		}
	}
	switch r.Mode {
	case TransferBlind, TransferAttended:
		if targets != 1 {
			return Errorf(EInvalid, "%s transfer needs exactly one of to_staff_id, to_extension, to_department", r.Mode)
		}
	case TransferComplete, TransferCancel:
		if targets != 0 {
			return Errorf(EInvalid, "%s takes no target", r.Mode)
		}
	default:
		return Errorf(EInvalid, "mode: must be blind, attended, complete or cancel")
	}
	if len(r.Note) > 2000 {
		return Errorf(EInvalid, "note: at most 2000 bytes")
	}
	return nil
}

// TransferResult says what the engine did with a transfer request.
type TransferResult struct {
	CallID        string `json:"call_id"`
	Mode          string `json:"mode"`
	Status        string `json:"status"` // ringing, completed, cancelled, away (blind to someone away)
	TargetStaffID string `json:"target_staff_id,omitempty"`
}
