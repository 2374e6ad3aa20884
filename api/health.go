package api

import (
	"context"
	"net/http"
	"time"

	"callsvc/api/record"
)

// Status is the body of /healthz and /readyz.
type Status struct {
	Status string `json:"status"`
}

// healthz says the process is up and serving; it touches nothing else, so
// an orchestrator restarts only a process that is truly stuck.
func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, Status{Status: "ok"})
}

// readyz says whether requests can be served: the database answers.
func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := h.cfg.Store.Ping(ctx); err != nil {
		writeError(w, r, record.Wrap(record.EUnavailable, err, "the database is not reachable"))
		return
	}
	writeJSON(w, http.StatusOK, Status{Status: "ready"})
}
