package api

import (
	"context"

	"callsvc/api/record"
)

// Live is what the API needs from a call engine to act on live calls: an
// agent's transfer and a note that travels with the call (S11). The API
// does not import the engine; cmd hands it one (routing's *Engine has
// these methods). Without one, transfers answer 503 and notes go to the
// call's timeline only.
type Live interface {
	Transfer(ctx context.Context, req record.TransferRequest) (record.TransferResult, error)
	AddNote(ctx context.Context, callID, staffID, text string) error
}

// AgentEvents is where screen-pop events are read from (api/postgres's
// agent_events table), so any API instance can serve any person's stream
// whichever engine wrote it.
type AgentEvents interface {
	AgentEventsAfter(ctx context.Context, staffID string, after int64, limit int) ([]record.AgentEvent, error)
}
