package api

import (
	"net/http"
	"slices"

	"callsvc/api/record"
)

// What an agent may see (S22). Supervisors and the engine see everything;
// an agent sees their own calls and messages only.

// ownStaffID is the staff id a list is limited to: for an agent their own
// (asking for someone else's is forbidden), for anyone else staffID as
// asked. what names the list in the error ("calls", "messages").
func ownStaffID(r *http.Request, staffID, what string) (string, error) {
	t, _ := TokenFrom(r.Context())
	if t.Role != record.RoleAgent {
		return staffID, nil
	}
	if staffID != "" && staffID != t.StaffID {
		return "", record.Errorf(record.EForbidden, "an agent may only list their own %s", what)
	}
	return t.StaffID, nil
}

// errNoSuchCall and errNoSuchMessage answer for a call or message that
// does not exist and, to an agent, for one that is someone else's: the
// same status and the same body, so neither its existence nor whether a
// call is live is disclosed.
var (
	errNoSuchCall    = record.Errorf(record.ENotFound, "no such call")
	errNoSuchMessage = record.Errorf(record.ENotFound, "no such message")
)

// callErr answers any not-found about a call as errNoSuchCall.
func callErr(err error) error {
	if record.IsNotFound(err) {
		return errNoSuchCall
	}
	return err
}

// callVisible refuses an agent a call they took no part in as one that
// does not exist.
func callVisible(t record.Token, c record.Call) error {
	if t.Role == record.RoleAgent && !slices.Contains(c.StaffIDs, t.StaffID) {
		return errNoSuchCall
	}
	return nil
}

// mayAct is the check every action on a live call makes of who acts: an
// agent only on a call they take part in — live here, one that has been
// offered to them (Live.TakesPart); not live here, one whose record names
// them — and to anyone else the call does not exist. Supervisors act on
// any call. Run it after the request's own checks (body, engine), which
// answer alike whatever the call.
func (h *Handler) mayAct(r *http.Request, callID string) error {
	t, _ := TokenFrom(r.Context())
	if t.Role != record.RoleAgent {
		return nil
	}
	if t.StaffID == "" {
		return errNoSuchCall
	}
	if h.cfg.Live != nil {
		if live, part := h.cfg.Live.TakesPart(callID, t.StaffID); live {
			if part {
				return nil
			}
			return errNoSuchCall
		}
	}
	c, _, err := h.cfg.Store.GetCall(r.Context(), callID)
	if err != nil {
		return callErr(err)
	}
	return callVisible(t, c)
}
