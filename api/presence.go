package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"callsvc/api/record"
)

// PresenceStore is what the presence endpoints need from the database.
type PresenceStore interface {
	GetPresence(ctx context.Context, staffID string) (record.Presence, error)
	SetPresence(ctx context.Context, p record.Presence) (record.Presence, error)
	ListPresence(ctx context.Context, q record.ListQuery) ([]record.Presence, string, error)
}

// PresenceInput is the body of PUT /v1/staff/{id}/presence. working_hours
// omitted keeps the stored hours; with an empty weekly list it clears them.
type PresenceInput struct {
	Status       string               `json:"status"`
	Where        string               `json:"where,omitempty"`
	BackAt       *time.Time           `json:"back_at,omitempty"`
	Note         string               `json:"note,omitempty"`
	WorkingHours *record.WorkingHours `json:"working_hours,omitempty"`
}

// PresenceList is a page of everyone's presence.
type PresenceList struct {
	Presence   []record.Presence `json:"presence"`
	NextCursor string            `json:"next_cursor,omitempty"`
}

// maxAway is how far ahead a return time may be: further is a typo.
const maxAway = 62 * 24 * time.Hour

// decodePresence reads and checks a presence body for staffID at now.
func decodePresence(data []byte, staffID string, now time.Time) (record.Presence, error) {
	var in PresenceInput
	if err := decodeStrict(data, &in); err != nil {
		return record.Presence{}, err
	}
	p := record.Presence{
		StaffID: staffID, Status: strings.TrimSpace(in.Status), Where: strings.TrimSpace(in.Where),
		Note: strings.TrimSpace(in.Note), WorkingHours: in.WorkingHours,
	}
	switch {
	case p.Status == "":
		return p, invalid("status", "is required: one of %s", strings.Join(record.PresenceStatuses, ", "))
	case !record.IsPresenceStatus(p.Status):
		return p, invalid("status", "%q is not one of %s", p.Status, strings.Join(record.PresenceStatuses, ", "))
	}
	if err := checkText("where", p.Where, maxShortText); err != nil {
		return p, err
	}
	if err := checkNotes("note", p.Note, 2000); err != nil {
		return p, err
	}
	if p.Where != "" && p.Status != record.PresenceOut && p.Status != record.PresenceEvent {
		return p, invalid("where", "is only for status out or event")
	}
	if in.BackAt != nil {
		b := in.BackAt.UTC()
		switch {
		case p.Status != record.PresenceOut:
			return p, invalid("back_at", "is only for status out")
		case !b.After(now):
			return p, invalid("back_at", "is in the past; give the time the person will be back")
		case b.After(now.Add(maxAway)):
			return p, invalid("back_at", "is more than %d days ahead", int(maxAway/(24*time.Hour)))
		}
		p.BackAt = &b
	}
	if wh := p.WorkingHours; wh != nil && len(wh.Weekly) > 0 {
		if _, err := wh.Validate(); err != nil {
			return p, err
		}
	}
	return p, nil
}

// actor names who made a change: the token's staff member, else the token.
func actor(t record.Token) string {
	if t.StaffID != "" {
		return t.StaffID
	}
	return "token:" + t.ID
}

// ownOnly refuses an agent acting on someone else's staff id (S22).
func ownOnly(r *http.Request, staffID, what string) error {
	if t, _ := TokenFrom(r.Context()); t.Role == record.RoleAgent && t.StaffID != staffID {
		return record.Errorf(record.EForbidden, "an agent may only %s their own presence", what)
	}
	return nil
}

func (h *Handler) setPresence(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := ownOnly(r, id, "set"); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := readJSON(w, r, h.cfg.MaxBody, func(data []byte) (record.Presence, error) {
		return decodePresence(data, id, h.cfg.Now())
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, _ := TokenFrom(r.Context())
	p.UpdatedBy = actor(t)
	p, err = h.cfg.Store.SetPresence(r.Context(), p)
	if err != nil {
		writeError(w, r, err)
		return
	}
	h.popPresence(r, p)
	writeJSON(w, http.StatusOK, p)
}

func (h *Handler) getPresence(w http.ResponseWriter, r *http.Request) {
	id, err := pathRef(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := ownOnly(r, id, "read"); err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.cfg.Store.GetPresence(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (h *Handler) listPresence(w http.ResponseWriter, r *http.Request) {
	writeList(w, r, h.cfg.Store.ListPresence, func(list []record.Presence, next string) PresenceList {
		return PresenceList{Presence: list, NextCursor: next}
	})
}

// agentEventAppender is the store's screen-pop writer (api/postgres has it).
type agentEventAppender interface {
	AppendAgentEvents(ctx context.Context, evs []record.AgentEvent) ([]record.AgentEvent, error)
}

// popPresence puts a presence change on the person's screen-pop stream, so
// their own screens (and a supervisor's view of them) see it at once. The
// presence is stored already: a failure here is logged, not returned.
func (h *Handler) popPresence(r *http.Request, p record.Presence) {
	st, ok := h.cfg.Store.(agentEventAppender)
	if !ok {
		return
	}
	line := p.Status
	if p.Where != "" {
		line += " (" + p.Where + ")"
	}
	if p.BackAt != nil {
		line += " until " + p.BackAt.UTC().Format(time.RFC3339)
	}
	ev := record.AgentEvent{StaffID: p.StaffID, Type: record.AgentEventPresence, At: p.UpdatedAt,
		Context: record.CallContext{Notes: []string{line}}}
	if _, err := st.AppendAgentEvents(r.Context(), []record.AgentEvent{ev}); err != nil {
		logFrom(r.Context()).Warn().Err(err).Str("staff_id", p.StaffID).Msg("presence change not put on the screen-pop stream")
	}
}
