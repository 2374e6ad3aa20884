package api

import (
	"net/http"
	"slices"

	"callsvc/api/record"
)

// WriteResult answers a write of calls or events: how many records the
// request held and, for events, how many were new (replays are skipped).
type WriteResult struct {
	Received int  `json:"received"`
	Inserted *int `json:"inserted,omitempty"`
}

// CallWithEvents is a call and its timeline, oldest event first.
type CallWithEvents struct {
	Call   record.Call    `json:"call"`
	Events []record.Event `json:"events"`
}

func (h *Handler) upsertCall(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := readJSON(w, r, h.cfg.MaxBody, func(data []byte) (record.Call, error) {
		return decodeCall(data, id, h.cfg.Now())
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := h.cfg.Store.UpsertCalls(r.Context(), []record.Call{c}); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, WriteResult{Received: 1})
}

func (h *Handler) upsertCalls(w http.ResponseWriter, r *http.Request) {
	calls, err := readJSON(w, r, h.cfg.MaxBatchBody, func(data []byte) ([]record.Call, error) {
		return decodeCalls(data, h.cfg.Now())
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := h.cfg.Store.UpsertCalls(r.Context(), calls); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, WriteResult{Received: len(calls)})
}

func (h *Handler) appendCallEvents(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	h.writeEvents(w, r, id)
}

func (h *Handler) appendEvents(w http.ResponseWriter, r *http.Request) { h.writeEvents(w, r, "") }

func (h *Handler) writeEvents(w http.ResponseWriter, r *http.Request, callID string) {
	events, err := readJSON(w, r, h.cfg.MaxBatchBody, func(data []byte) ([]record.Event, error) {
		return decodeEvents(data, callID, h.cfg.Now())
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	var ids []string
	for _, e := range events {
		if !slices.Contains(ids, e.CallID) {
			ids = append(ids, e.CallID)
		}
	}
	if err := h.refersToStored(r, "call_id", ids); err != nil {
		writeError(w, r, err)
		return
	}
	n, err := h.cfg.Store.AppendEvents(r.Context(), events)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, WriteResult{Received: len(events), Inserted: &n})
}

func (h *Handler) listCalls(w http.ResponseWriter, r *http.Request) {
	f, err := h.scopedFilter(r, true)
	if err != nil {
		writeError(w, r, err)
		return
	}
	page, err := h.cfg.Store.ListCalls(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if page.Calls == nil {
		page.Calls = []record.Call{}
	}
	buf := getJSONBuffer()
	defer putJSONBuffer(buf)
	b, err := appendCallPage(*buf, &page)
	if err != nil {
		writeError(w, r, err)
		return
	}
	*buf = append(b, '\n')
	writeJSONBody(w, http.StatusOK, *buf)
}

// scopedFilter reads the call log's filters and limits an agent to the
// calls they took part in (S22): asking for someone else's is forbidden.
func (h *Handler) scopedFilter(r *http.Request, paged bool) (record.CallFilter, error) {
	f, err := callFilter(r.URL.Query(), paged, h.cfg.CountryCode)
	if err != nil {
		return f, err
	}
	f.StaffID, err = ownStaffID(r, f.StaffID, "calls")
	return f, err
}

func (h *Handler) getCall(w http.ResponseWriter, r *http.Request) {
	id, err := pathULID(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, events, err := h.cfg.Store.GetCall(r.Context(), id)
	if err != nil {
		writeError(w, r, callErr(err))
		return
	}
	t, _ := TokenFrom(r.Context())
	if err := callVisible(t, c); err != nil {
		writeError(w, r, err)
		return
	}
	if events == nil {
		events = []record.Event{}
	}
	writeJSON(w, http.StatusOK, CallWithEvents{Call: c, Events: events})
}
