package api

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"callsvc/api/record"
)

// MessageStore is what the message endpoints need from the database.
type MessageStore interface {
	CreateMessage(ctx context.Context, m record.Message) (record.Message, bool, error)
	GetMessage(ctx context.Context, id string) (record.Message, error)
	ListMessages(ctx context.Context, f record.MessageFilter) (record.MessagePage, error)
	HandleMessage(ctx context.Context, id, by string) (record.Message, error)
	PutMessageAudio(ctx context.Context, id string, wav []byte) error
	MessageAudio(ctx context.Context, id string) ([]byte, error)
}

// MessageInput is the body of PUT /v1/messages/{id}, as the engine writes a
// message it took. Status and handling are the server's.
type MessageInput struct {
	ID             string    `json:"id,omitempty"` // may be omitted; must match the path
	CallID         string    `json:"call_id"`
	ForStaffID     string    `json:"for_staff_id"`
	CallerNumber   string    `json:"caller_number,omitempty"`
	CallerName     string    `json:"caller_name,omitempty"`
	CallbackNumber string    `json:"callback_number,omitempty"`
	RecordingName  string    `json:"recording_name,omitempty"`
	DurationMS     int       `json:"duration_ms"`
	Partial        bool      `json:"partial"`
	CreatedAt      time.Time `json:"created_at"`
}

// Limits of messages: an hour is far beyond any recording limit the engine
// sets; 32 MiB holds an hour of 8 kHz 16-bit mono with room to spare.
const (
	maxMessageMS  = 60 * 60 * 1000
	maxAudioBytes = 32 << 20
)

var messageStatuses = map[string]bool{record.MessageNew: true, record.MessageHandled: true}

// decodeMessage reads and checks a message body for the path's id.
func decodeMessage(data []byte, pathID, country string, now time.Time) (record.Message, error) {
	var in MessageInput
	if err := decodeStrict(data, &in); err != nil {
		return record.Message{}, err
	}
	if in.ID != "" && in.ID != pathID {
		return record.Message{}, invalid("id", "does not match the id in the path")
	}
	m := record.Message{
		ID: pathID, CallID: in.CallID, ForStaffID: in.ForStaffID,
		CallerName: strings.TrimSpace(in.CallerName), RecordingName: in.RecordingName,
		DurationMS: in.DurationMS, Partial: in.Partial, CreatedAt: in.CreatedAt.UTC(),
		Status: record.MessageNew,
	}
	switch {
	case !isULID(m.CallID):
		return m, invalid("call_id", "must be a ULID")
	case !isRef(m.ForStaffID):
		return m, invalid("for_staff_id", "is required and must be a valid id")
	case m.RecordingName != "" && !saneRequestID(m.RecordingName):
		return m, invalid("recording_name", "must be 1 to 128 letters, digits or - _ . :")
	case m.DurationMS < 0 || m.DurationMS > maxMessageMS:
		return m, invalid("duration_ms", "must be between 0 and %d", maxMessageMS)
	}
	if err := checkText("caller_name", m.CallerName, maxShortText); err != nil {
		return m, err
	}
	for _, f := range []struct {
		name string
		raw  string
		dst  *string
	}{
		{"caller_number", in.CallerNumber, &m.CallerNumber},
		{"callback_number", in.CallbackNumber, &m.CallbackNumber},
	} {
		if strings.TrimSpace(f.raw) == "" {
			continue
		}
		n := record.NormalizePhone(f.raw, country)
		if !isPhone(n) {
			return m, invalid(f.name, "%q is not a phone number", f.raw)
		}
		*f.dst = n
	}
	if err := checkTime("created_at", m.CreatedAt, now); err != nil {
		return m, err
	}
	return m, nil
}

// visibleMessage fetches the path's message if the token may see it: an
// agent sees only messages for them; others look absent, so their
// existence is not disclosed either (S22).
func (h *Handler) visibleMessage(r *http.Request) (record.Message, error) {
	id, err := pathULID(r)
	if err != nil {
		return record.Message{}, err
	}
	m, err := h.cfg.Store.GetMessage(r.Context(), id)
	if record.IsNotFound(err) {
		return m, errNoSuchMessage
	}
	if err != nil {
		return m, err
	}
	if t, _ := TokenFrom(r.Context()); t.Role == record.RoleAgent && m.ForStaffID != t.StaffID {
		return record.Message{}, errNoSuchMessage
	}
	return m, nil
}

func (h *Handler) putMessage(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	m, err := readJSON(w, r, h.cfg.MaxBody, func(data []byte) (record.Message, error) {
		return decodeMessage(data, id, h.cfg.CountryCode, h.cfg.Now())
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	// Staff are never deleted, so even a replay names someone who exists.
	if _, err := h.cfg.Store.GetStaff(r.Context(), m.ForStaffID); err != nil {
		if record.IsNotFound(err) {
			err = invalid("for_staff_id", "no such staff member")
		}
		writeError(w, r, err)
		return
	}
	if err := h.refersToStored(r, "call_id", []string{m.CallID}); err != nil {
		writeError(w, r, err)
		return
	}
	m, created, err := h.cfg.Store.CreateMessage(r.Context(), m)
	if err != nil {
		writeError(w, r, err)
		return
	}
	status := http.StatusOK // a replay: the stored message, unchanged
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/v1/messages/"+m.ID)
	}
	writeJSON(w, status, m)
}

// putMessageAudio stores the audio of a message as Asterisk recorded it.
func (h *Handler) putMessageAudio(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "audio/wav" && mt != "audio/x-wav" && mt != "audio/wave") {
		writeError(w, r, record.Errorf(CodeUnsupportedMediaType, "the request body must be audio/wav"))
		return
	}
	// Refused before a byte of the body is read: too large by its own
	// account, or for a message that does not exist.
	if r.ContentLength > maxAudioBytes {
		writeError(w, r, record.Errorf(record.ETooLarge, "the audio is larger than %d bytes", maxAudioBytes))
		return
	}
	if _, err := h.cfg.Store.GetMessage(r.Context(), id); err != nil {
		if record.IsNotFound(err) {
			err = errNoSuchMessage
		}
		writeError(w, r, err)
		return
	}
	wav, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAudioBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, r, record.Errorf(record.ETooLarge, "the audio is larger than %d bytes", tooBig.Limit))
		return
	case errors.Is(err, errBodyTimeout):
		writeError(w, r, record.Wrap(record.EInvalid, err, errBodyTimeout.Error()))
		return
	case err != nil:
		writeError(w, r, record.Wrap(record.EInvalid, err, "the audio could not be read"))
		return
	}
	if _, err := parseWAV(wav); err != nil {
		writeError(w, r, err)
		return
	}
	if err := h.cfg.Store.PutMessageAudio(r.Context(), id, wav); err != nil {
		if record.IsNotFound(err) {
			err = errNoSuchMessage
		}
		writeError(w, r, err)
		return
	}
	m, err := h.cfg.Store.GetMessage(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (h *Handler) getMessage(w http.ResponseWriter, r *http.Request) {
	m, err := h.visibleMessage(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// getMessageAudio sends the stored audio byte for byte.
func (h *Handler) getMessageAudio(w http.ResponseWriter, r *http.Request) {
	m, err := h.visibleMessage(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	wav, err := h.cfg.Store.MessageAudio(r.Context(), m.ID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Length", strconv.Itoa(len(wav)))
	w.Header().Set("Content-Disposition", `inline; filename="`+m.ID+`.wav"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	// In pieces, each within WriteTimeout: a long message on a slow link
	// gets through, a client that stops reading is let go.
	rw := newRollingWriter(w, h.cfg.WriteTimeout, h.cfg.ExportLimit)
	for len(wav) > 0 {
		n := min(len(wav), 64<<10)
		if _, err := rw.Write(wav[:n]); err != nil {
			return
		}
		wav = wav[n:]
	}
}

func (h *Handler) handleMessage(w http.ResponseWriter, r *http.Request) {
	m, err := h.visibleMessage(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, _ := TokenFrom(r.Context())
	m, err = h.cfg.Store.HandleMessage(r.Context(), m.ID, actor(t))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// listMessages pages through messages, newest first; an agent sees only
// their own, and asking for someone else's is forbidden.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request) {
	p := newParams(r.URL.Query(), "status", "staff_id", "limit", "cursor")
	f := record.MessageFilter{
		Status:     p.oneOf("status", messageStatuses),
		ForStaffID: p.ref("staff_id"),
		Limit:      p.int("limit", defaultLimit, 1, maxLimit),
		Cursor:     p.cursor(),
	}
	if p.err != nil {
		writeError(w, r, p.err)
		return
	}
	var err error
	if f.ForStaffID, err = ownStaffID(r, f.ForStaffID, "messages"); err != nil {
		writeError(w, r, err)
		return
	}
	page, err := h.cfg.Store.ListMessages(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if page.Messages == nil {
		page.Messages = []record.Message{}
	}
	writeJSON(w, http.StatusOK, page)
}
