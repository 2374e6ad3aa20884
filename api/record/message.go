package record

import "time"

// Message is a message a caller left for a person who was away. The engine
// chooses the ID (a ULID), so writing it again is a no-op. Its audio is
// kept by callsvc (not only by Asterisk) and fetched separately.
type Message struct {
	ID             string `json:"id"`
	CallID         string `json:"call_id"`
	ForStaffID     string `json:"for_staff_id"`
	CallerNumber   string `json:"caller_number,omitempty"` // normalised
	CallerName     string `json:"caller_name,omitempty"`
	CallbackNumber string `json:"callback_number,omitempty"` // normalised; caller id by default
	RecordingName  string `json:"recording_name,omitempty"`  // Asterisk's stored recording
	DurationMS     int    `json:"duration_ms"`
	// Partial marks a message whose caller hung up while recording: what
	// was said is kept all the same.
	Partial   bool       `json:"partial"`
	Status    string     `json:"status"` // see Message* constants
	CreatedAt time.Time  `json:"created_at"`
	HandledAt *time.Time `json:"handled_at,omitempty"`
	HandledBy string     `json:"handled_by,omitempty"` // staff id, or "token:<id>"
	// AudioBytes is the size of the stored audio; 0 until it is uploaded.
	AudioBytes int `json:"audio_bytes"`
}

// Message statuses.
const (
	MessageNew     = "new"
	MessageHandled = "handled"
)

// MessageFilter selects messages, newest first. Zero fields do not filter.
type MessageFilter struct {
	ForStaffID string
	Status     string
	// Limit is the page size (1..1000); Cursor is NextCursor of the
	// previous page.
	Limit  int
	Cursor string
}

// MessagePage is one page of messages, newest first.
type MessagePage struct {
	Messages   []Message `json:"messages"`
	NextCursor string    `json:"next_cursor,omitempty"`
}
