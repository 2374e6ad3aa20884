package api

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"callsvc/api/record"
)

// keepAlive is how often an idle screen-pop stream sends a comment, so
// proxies and browsers do not take it for dead.
const keepAlive = 15 * time.Second

// agentStream serves a person's screen pops as Server-Sent Events: each
// event's id is its agent_events id, its name the type (offered,
// connected, ended, missed), its data the JSON record.AgentEvent with the
// call's context. A client resumes with Last-Event-ID (or ?last_event_id=).
// Events are read from the store, so any API instance serves any stream,
// whichever engine wrote them; the stream polls every StreamPoll and ends
// after StreamLimit (EventSource reconnects by itself).
func (h *Handler) agentStream(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !isRef(id) {
		writeError(w, r, invalid("id", "not a valid staff reference"))
		return
	}
	if t, _ := TokenFrom(r.Context()); t.Role == record.RoleAgent && t.StaffID != id {
		writeError(w, r, record.Errorf(record.EForbidden, "an agent may only read their own events"))
		return
	}
	last, err := lastEventID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	src := h.cfg.AgentEvents
	if src == nil {
		writeError(w, r, record.Errorf(record.EUnavailable, "screen pops are not available here"))
		return
	}
	// The first read happens before the 200, so a store that is down is a
	// plain 503 rather than a stream that ends at once.
	evs, err := src.AgentEventsAfter(r.Context(), id, last, 100)
	if err != nil {
		writeError(w, r, err)
		return
	}
	// A stream lasts StreamLimit; each write must get through within
	// WriteTimeout, so a client that stops reading is let go.
	rw := newRollingWriter(w, h.cfg.WriteTimeout, h.cfg.StreamLimit+h.cfg.WriteTimeout)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := io.WriteString(rw, "retry: 2000\n\n"); err != nil {
		return
	}

	end := time.NewTimer(h.cfg.StreamLimit)
	defer end.Stop()
	lastWrite := time.Now()
	// The token is checked again at least every cache lifetime, so a
	// revoked one (or its person's deactivation) ends the stream as soon
	// as it would refuse a new request.
	tok, _ := TokenFrom(r.Context())
	recheck := h.cfg.TokenCacheTTL
	if recheck <= 0 {
		recheck = h.cfg.StreamPoll
	}
	nextCheck := time.Now().Add(recheck)
	for {
		for _, e := range evs {
			if err := writeSSE(rw, e); err != nil {
				return
			}
			last = e.ID
			lastWrite = time.Now()
		}
		if time.Since(lastWrite) >= keepAlive {
			if _, err := io.WriteString(rw, ": keep-alive\n\n"); err != nil {
				return
			}
			lastWrite = time.Now()
		}
		if err := rw.Flush(); err != nil {
			return
		}
		if len(evs) < 100 {
			poll := time.NewTimer(h.cfg.StreamPoll)
			select {
			case <-r.Context().Done():
				poll.Stop()
				return
			case <-end.C:
				poll.Stop()
				return
			case <-poll.C:
			}
		}
		if !time.Now().Before(nextCheck) {
			if _, err := h.cfg.Store.TokenByHash(r.Context(), tok.Hash); err != nil {
				// Revoked (or the store is down): the client reconnects
				// and Authenticate answers it.
				logFrom(r.Context()).Info().Err(err).Str("token_id", tok.ID).Msg("screen-pop stream ended: token no longer valid")
				return
			}
			nextCheck = time.Now().Add(recheck)
		}
		evs, err = src.AgentEventsAfter(r.Context(), id, last, 100)
		if err != nil {
			// The client reconnects from its last id once the store is back.
			h.cfg.Logger.Warn().Err(err).Str("request_id", RequestID(r.Context())).Msg("screen-pop stream ended")
			return
		}
	}
}

// lastEventID is where a reconnecting stream resumes: the Last-Event-ID
// header, else the last_event_id query parameter, else 0.
func lastEventID(r *http.Request) (int64, error) {
	v := strings.TrimSpace(r.Header.Get("Last-Event-ID"))
	if v == "" {
		v = strings.TrimSpace(r.URL.Query().Get("last_event_id"))
	}
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, invalid("Last-Event-ID", "must be a non-negative integer")
	}
	return n, nil
}

func writeSSE(w io.Writer, e record.AgentEvent) error {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	// JSON has no raw newlines, so the data fits one "data:" line.
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, sseName(e.Type), data)
	return err
}

// sseName keeps an event name on one line of safe characters.
func sseName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ':' {
			return '_'
		}
		return r
	}, s)
}
