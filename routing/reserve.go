package routing

import (
	"context"
	"time"
)

// Reserver holds a person for one call at a time across every engine that
// shares it (api/postgres implements it with a row lock, FOR UPDATE SKIP
// LOCKED), so two instances never ring the same free person for two calls.
// A reservation expires after its lease, so a crashed instance cannot hold
// a person for ever.
type Reserver interface {
	// Reserve holds staffID for callID until the lease ends; false when
	// someone else holds them.
	Reserve(ctx context.Context, staffID, callID string, lease time.Duration) (bool, error)
	// Release lets staffID go, if callID still holds them.
	Release(ctx context.Context, staffID, callID string) error
}

// reserve marks s busy with callID, first in this engine, then in the
// shared Reserver; false if someone else holds them. When the shared store
// cannot be reached the engine's own view decides: a call is never held up
// by a database outage.
func (e *Engine) reserve(ctx context.Context, staffID, callID string) bool {
	e.mu.Lock()
	if _, ok := e.busy[staffID]; ok {
		e.mu.Unlock()
		return false
	}
	e.busy[staffID] = callID
	e.mu.Unlock()
	r := e.cfg.Reserver
	if r == nil {
		return true
	}
	rctx, cancel := context.WithTimeout(ctx, e.cfg.LookupTimeout)
	defer cancel()
	ok, err := r.Reserve(rctx, staffID, callID, e.cfg.ReserveLease)
	if err != nil {
		e.cfg.Log("warn", "shared reservation failed; using this engine's view", map[string]any{
			"call_id": callID, "staff_id": staffID, "error": err.Error()})
		return true
	}
	if !ok {
		e.mu.Lock()
		delete(e.busy, staffID)
		e.mu.Unlock()
	}
	return ok
}

// release frees s at now (their idle time starts) here and in the shared
// Reserver.
func (e *Engine) release(staffID, callID string, now time.Time) {
	e.mu.Lock()
	held := e.busy[staffID] == callID
	if held {
		delete(e.busy, staffID)
		e.idle[staffID] = now
	}
	e.mu.Unlock()
	if !held || e.cfg.Reserver == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.LookupTimeout)
	defer cancel()
	if err := e.cfg.Reserver.Release(ctx, staffID, callID); err != nil {
		e.cfg.Log("warn", "release shared reservation", map[string]any{
			"call_id": callID, "staff_id": staffID, "error": err.Error()})
	}
}
