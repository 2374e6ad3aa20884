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

// callVisible refuses an agent a call they took no part in as not found:
// it looks absent, so its existence is not disclosed either.
func callVisible(t record.Token, c record.Call) error {
	if t.Role == record.RoleAgent && !slices.Contains(c.StaffIDs, t.StaffID) {
		return record.Errorf(record.ENotFound, "call %s not found", c.ID)
	}
	return nil
}
