package api

import (
	"context"
	"net/http"
	"sync"
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

// readyz says whether requests can be served: the database answers. The
// answer is shared for readyTTL, and probes arriving meanwhile wait for the
// one ping under way, so a flood of probes costs the database one ping a
// second.
func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	if err := h.ready.check(r.Context(), h.cfg.Store.Ping); err != nil {
		writeError(w, r, record.Wrap(record.EUnavailable, err, "the database is not reachable"))
		return
	}
	writeJSON(w, http.StatusOK, Status{Status: "ready"})
}

// readyTTL is how long a readiness answer is reused.
const readyTTL = time.Second

// readiness remembers the last database ping.
type readiness struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

func (rd *readiness) check(ctx context.Context, ping func(context.Context) error) error {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if !rd.at.IsZero() && time.Since(rd.at) < readyTTL {
		return rd.err
	}
	// Not the first prober's own context: the answer is everyone's.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	rd.err, rd.at = ping(pctx), time.Now()
	return rd.err
}
