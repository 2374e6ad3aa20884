package routing

import (
	"context"
	"encoding/json"
	"time"

	"callsvc/api/record"
)

// PresenceSource reads what people have said about where they are
// (S16-S19): api/postgres's Store and the API's Go client implement it.
type PresenceSource interface {
	GetPresence(ctx context.Context, staffID string) (record.Presence, error)
	ListPresence(ctx context.Context, q record.ListQuery) ([]record.Presence, string, error)
}

// PhoneStates says whether Asterisk can reach a person's phone now (its
// endpoint offline, or no device registered). routing/arictl implements
// it over the ARI client. "On a call" is the engine's own knowledge.
type PhoneStates interface {
	Unreachable(ctx context.Context, node, endpoint string) (bool, error)
}

// MessageSink takes a message the engine has just taken, with the node
// whose Asterisk holds its recording. It never blocks the call for long
// (spool.MessageWriter spools it to disk and stores it off the call's
// path).
type MessageSink interface {
	Message(m record.Message, node string)
}

// Notice is something a person must hear about now: a message left for
// them, or a caller holding with an urgent matter. ID is unique per
// notice, so a receiver drops repeats of a retried delivery.
type Notice struct {
	ID      string
	Type    string // NoticeMessage, NoticeUrgent
	StaffID string
	At      time.Time
	Data    json.RawMessage
}

// Notice types (the webhook's own names, so an adapter passes them on).
const (
	NoticeMessage = "message.taken"
	NoticeUrgent  = "call.urgent"
)

// PersonNotifier delivers notices beyond the screen pop (a webhook, with
// its own retries); routing/notifyctl adapts api/notify's Webhook.
type PersonNotifier interface {
	NotifyPerson(ctx context.Context, n Notice) error
}
