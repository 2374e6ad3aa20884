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
	// AddNote notes a live call; author is the staff id of the person who
	// wrote it, or "token:<id>" for a token that acts for nobody.
	AddNote(ctx context.Context, callID, author, text string) error
	// TakesPart says whether callID is live here and, if so, whether
	// staffID takes part in it (it has been offered to them).
	TakesPart(callID, staffID string) (live, part bool)
}

// AgentEvents is where screen-pop events are read from (api/postgres's
// agent_events table), so any API instance can serve any person's stream
// whichever engine wrote it.
type AgentEvents interface {
	AgentEventsAfter(ctx context.Context, staffID string, after int64, limit int) ([]record.AgentEvent, error)
}
