package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"callsvc/api/record"
)

// AppendAgentEvents stores screen-pop events in order and returns them with
// the ids the store gave them (the SSE ids).
func (s *Store) AppendAgentEvents(ctx context.Context, evs []record.AgentEvent) ([]record.AgentEvent, error) {
	out := make([]record.AgentEvent, 0, len(evs))
	for _, e := range evs {
		// A presence change is about the person, not a call: it alone
		// has no call id.
		if e.StaffID == "" || e.Type == "" || (e.CallID == "" && e.Type != record.AgentEventPresence) {
			return out, fmt.Errorf("append agent events: %w", invalid("staff_id, call_id and type are required"))
		}
		ctxJSON, err := json.Marshal(e.Context)
		if err != nil {
			return out, fmt.Errorf("append agent events: encode context: %w", err)
		}
		if err := s.pool.QueryRow(ctx, `INSERT INTO agent_events (staff_id, call_id, type, at, context)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, e.StaffID, e.CallID, e.Type, e.At.UTC(), ctxJSON).Scan(&e.ID); err != nil {
			return out, fmt.Errorf("append agent events: %w", translate(err))
		}
		out = append(out, e)
	}
	return out, nil
}

// AgentEventsAfter returns up to limit of staffID's screen-pop events with
// ids above after, oldest first (a reconnecting stream resumes from its
// Last-Event-ID).
func (s *Store) AgentEventsAfter(ctx context.Context, staffID string, after int64, limit int) ([]record.AgentEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.pool.Query(ctx, `SELECT id, staff_id, call_id, type, at, context FROM agent_events
		WHERE staff_id = $1 AND id > $2 ORDER BY id LIMIT $3`, staffID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("agent events: %w", translate(err))
	}
	return scanAgentEvents(rows)
}

// AgentEventsTail returns staffID's newest n screen-pop events (n 1..1000),
// oldest first: what is on the person's screen now, for a page opened
// mid-call.
func (s *Store) AgentEventsTail(ctx context.Context, staffID string, n int) ([]record.AgentEvent, error) {
	if n <= 0 || n > 1000 {
		n = 1000
	}
	rows, err := s.pool.Query(ctx, `SELECT id, staff_id, call_id, type, at, context FROM (
		SELECT id, staff_id, call_id, type, at, context FROM agent_events
		WHERE staff_id = $1 ORDER BY id DESC LIMIT $2) t ORDER BY id`, staffID, n)
	if err != nil {
		return nil, fmt.Errorf("agent events tail: %w", translate(err))
	}
	return scanAgentEvents(rows)
}

// scanAgentEvents reads rows of (id, staff_id, call_id, type, at, context).
func scanAgentEvents(rows pgx.Rows) ([]record.AgentEvent, error) {
	defer rows.Close()
	var out []record.AgentEvent
	for rows.Next() {
		var e record.AgentEvent
		var raw []byte
		if err := rows.Scan(&e.ID, &e.StaffID, &e.CallID, &e.Type, &e.At, &raw); err != nil {
			return nil, fmt.Errorf("agent events: %w", translate(err))
		}
		e.At = e.At.UTC()
		if err := json.Unmarshal(raw, &e.Context); err != nil {
			return nil, fmt.Errorf("agent events: decode context: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agent events: %w", translate(err))
	}
	return out, nil
}
