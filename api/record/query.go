package record

import "time"

// CallFilter selects calls for the call log. Zero fields do not filter.
type CallFilter struct {
	From         time.Time // arrived_at >= From
	To           time.Time // arrived_at < To
	CallerNumber string    // normalised
	StaffID      string    // took part in the call
	Intent       string
	Outcome      string
	WithinRings  int    // answered within this many rings (1..3); 0 = no filter
	Text         string // free text searched in notes
	// Limit is the page size (1..1000); Cursor is the opaque keyset cursor
	// from the previous page's NextCursor.
	Limit  int
	Cursor string
}

// CallPage is one page of the call log, newest first.
type CallPage struct {
	Calls      []Call `json:"calls"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Report groupings for SummaryQuery.By.
const (
	ByHour   = "hour"
	ByDay    = "day"
	ByWeek   = "week"
	ByMonth  = "month"
	ByStaff  = "staff"
	ByIntent = "intent"
)

// SummaryQuery asks for the S21 figures over [From, To), grouped by By.
type SummaryQuery struct {
	From     time.Time
	To       time.Time
	By       string
	Location *time.Location // day/week/month boundaries; nil = UTC
}

// SummaryRow holds the service-quality figures of one group (S21).
type SummaryRow struct {
	Key                     string  `json:"key"` // 2026-11-27, staff id, intent
	Offered                 int     `json:"offered"`
	Answered                int     `json:"answered"`
	AnsweredWithin3Rings    int     `json:"answered_within_3_rings"`
	AnsweredWithin3RingsPct float64 `json:"answered_within_3_rings_pct"`
	AvgAnswerMS             float64 `json:"avg_answer_ms"`
	P90AnswerMS             float64 `json:"p90_answer_ms"`
	Abandoned               int     `json:"abandoned"`
	AbandonRate             float64 `json:"abandon_rate"`
	Transferred             int     `json:"transferred"`
	MessagesTaken           int     `json:"messages_taken"`
	AvgTalkSeconds          float64 `json:"avg_talk_seconds"`
}

// ListQuery pages through customers or staff.
type ListQuery struct {
	Limit  int
	Cursor string
}
