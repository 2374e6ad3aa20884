package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// transferTimeout bounds how long a request that acts on a live call waits
// for the engine: a transfer (ringing starts, or the caller is joined or
// returned) or an answer to an urgent caller.
const transferTimeout = 30 * time.Second

// NoteInput is the body of POST /v1/calls/{id}/notes.
type NoteInput struct {
	Text string `json:"text"`
}

// NoteResult says where a note went: to the live call (it travels with
// it to the next person) or only to the call's timeline.
type NoteResult struct {
	CallID string `json:"call_id"`
	Live   bool   `json:"live"`
}

// decodeTransfer reads a transfer request body: strict JSON, a known mode,
// exactly the targets the mode needs.
func decodeTransfer(data []byte, callID string) (record.TransferRequest, error) {
	var req record.TransferRequest
	if err := decodeStrict(data, &req); err != nil {
		return req, err
	}
	req.CallID = callID
	req.ToStaffID = strings.TrimSpace(req.ToStaffID)
	req.ToExtension = strings.TrimSpace(req.ToExtension)
	req.ToDepartment = strings.TrimSpace(req.ToDepartment)
	if err := req.Validate(); err != nil {
		return req, err
	}
	if req.ToStaffID != "" && !isRef(req.ToStaffID) {
		return req, invalid("to_staff_id", "not a valid reference")
	}
	if len(req.ToExtension) > 32 || len(req.ToDepartment) > 64 {
		return req, invalid("target", "too long")
	}
	if err := checkText("to_department", req.ToDepartment, 64); err != nil {
		return req, err
	}
	if err := checkText("to_extension", req.ToExtension, 32); err != nil {
		return req, err
	}
	if err := checkNotes("note", req.Note, 2000); err != nil {
		return req, err
	}
	return req, nil
}

// decodeNote reads a note: strict JSON, 1 to 2000 bytes of text.
func decodeNote(data []byte) (string, error) {
	var in NoteInput
	if err := decodeStrict(data, &in); err != nil {
		return "", err
	}
	if err := checkNotes("text", in.Text, 0); err != nil {
		return "", err
	}
	text := strings.Join(strings.Fields(in.Text), " ")
	switch {
	case text == "":
		return "", invalid("text", "is required")
	case len(text) > 2000:
		return "", invalid("text", "at most 2000 bytes")
	}
	return text, nil
}

// transferCall passes a live call on (S11, S15). An agent acts as
// themselves (the engine refuses unless they are on the call); a
// supervisor may move any live call.
func (h *Handler) transferCall(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := readJSON(w, r, h.cfg.MaxBody, func(data []byte) (record.TransferRequest, error) {
		return decodeTransfer(data, id)
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, _ := TokenFrom(r.Context())
	if t.Role == record.RoleAgent {
		if t.StaffID == "" {
			writeError(w, r, record.Errorf(record.EForbidden, "this agent token names no staff member"))
			return
		}
		req.By = t.StaffID
	}
	if h.cfg.Live == nil {
		writeError(w, r, record.Errorf(record.EUnavailable, "no call engine is attached to this API instance"))
		return
	}
	if err := h.mayAct(r, id); err != nil {
		writeError(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), transferTimeout)
	defer cancel()
	res, err := h.cfg.Live.Transfer(ctx, req)
	if err != nil {
		writeError(w, r, callErr(err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// addNote attaches a note to a call: to the live call when the engine
// here has it (it then travels with the call), and always to its timeline,
// with its author as the event's staff_id (a staff id, or "token:<id>"
// for a supervisor's token that acts for nobody).
func (h *Handler) addNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	text, err := readJSON(w, r, h.cfg.MaxBody, decodeNote)
	if err != nil {
		writeError(w, r, err)
		return
	}
	// An agent notes only calls they take part in: a note on a live call
	// reaches the next person's whisper and screen.
	if err := h.mayAct(r, id); err != nil {
		writeError(w, r, err)
		return
	}
	t, _ := TokenFrom(r.Context())
	author := actor(t) // a supervisor's note names them too
	if h.cfg.Live != nil {
		err := h.cfg.Live.AddNote(r.Context(), id, author, text)
		if err == nil {
			writeJSON(w, http.StatusOK, NoteResult{CallID: id, Live: true})
			return
		}
		if !record.IsNotFound(err) {
			writeError(w, r, err)
			return
		}
	}
	// Not live here: the note goes on the stored timeline.
	if _, _, err := h.cfg.Store.GetCall(r.Context(), id); err != nil {
		writeError(w, r, callErr(err))
		return
	}
	note := record.NoteAddedData{Text: text, Live: new(false)}
	body, err := record.EncodeEventData(note)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ev := record.Event{ID: ulid.Make().String(), CallID: id, At: h.cfg.Now().UTC(), Type: note.EventType(), StaffID: author, Data: body}
	if _, err := h.cfg.Store.AppendEvents(r.Context(), []record.Event{ev}); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, NoteResult{CallID: id, Live: false})
}
