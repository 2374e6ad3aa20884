package api

import (
	"context"
	"net/http"
	"strings"

	"callsvc/api/record"
)

// UrgentAnswerer is what POST /v1/calls/{id}/urgent needs of the engine:
// the person's answer to a caller holding with an urgent matter (S16,
// S17, S19). Config.Live provides it when it has the method (routing's
// *Engine does); otherwise the route answers 503.
type UrgentAnswerer interface {
	AnswerUrgent(ctx context.Context, callID, staffID string, accept bool) error
}

// UrgentInput is the body of POST /v1/calls/{id}/urgent.
type UrgentInput struct {
	Answer string `json:"answer"` // accept or decline
}

// UrgentResult echoes the answer the engine took.
type UrgentResult struct {
	CallID string `json:"call_id"`
	Answer string `json:"answer"`
}

func decodeUrgent(data []byte) (bool, string, error) {
	var in UrgentInput
	if err := decodeStrict(data, &in); err != nil {
		return false, "", err
	}
	switch a := strings.TrimSpace(in.Answer); a {
	case "accept":
		return true, a, nil
	case "decline":
		return false, a, nil
	}
	return false, "", invalid("answer", "must be accept or decline")
}

// answerUrgent passes the person's answer to the live call. Only the
// person the caller holds for can answer: the token must act for a staff
// member, and the engine refuses anyone else (conflict).
func (h *Handler) answerUrgent(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	data, err := readBody(w, r, h.cfg.MaxBody)
	if err != nil {
		writeError(w, r, err)
		return
	}
	accept, answer, err := decodeUrgent(data)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, _ := TokenFrom(r.Context())
	if t.StaffID == "" {
		writeError(w, r, record.Errorf(record.EForbidden, "only the person asked for answers an urgent call; this token acts for nobody"))
		return
	}
	ua, ok := h.cfg.Live.(UrgentAnswerer)
	if !ok {
		writeError(w, r, record.Errorf(record.EUnavailable, "no call engine is attached to this API instance"))
		return
	}
	if err := h.mayAct(r, id); err != nil {
		writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTimeout)
	defer cancel()
	if err := ua.AnswerUrgent(ctx, id, t.StaffID, accept); err != nil {
		writeError(w, r, callErr(err))
		return
	}
	writeJSON(w, http.StatusOK, UrgentResult{CallID: id, Answer: answer})
}
