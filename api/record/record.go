// Package record defines the call record: the calls, their timelines, the
// customer file and the staff directory, as the call engine writes them and
// supervisors read them. It is the contract shared by the engine (routing),
// the store (api/postgres), the HTTP API (api) and its Go client
// (api/client), and it imports none of them.
//
// Times are UTC. Phone numbers are stored normalised (see NormalizePhone).
package record

import (
	"encoding/json"
	"time"
)

// Call is one row per call: the summary the engine upserts as the call goes on.
// An upsert replaces the summary with the newer one (by UpdatedAt), so a
// replayed or reordered write never moves a record backwards.
type Call struct {
	ID            string     `json:"id"`                      // ULID, chosen by the engine
	Node          string     `json:"node,omitempty"`          // Asterisk entity id
	ChannelID     string     `json:"channel_id,omitempty"`    // the caller's channel
	CallerNumber  string     `json:"caller_number,omitempty"` // normalised
	CallerName    string     `json:"caller_name,omitempty"`
	CustomerID    string     `json:"customer_id,omitempty"`
	DialedNumber  string     `json:"dialed_number,omitempty"`
	Language      string     `json:"language,omitempty"`       // zh, en
	Intent        string     `json:"intent,omitempty"`         // see Intent* constants
	OwnerStaffID  string     `json:"owner_staff_id,omitempty"` // S5: first person who took it
	StaffIDs      []string   `json:"staff_ids,omitempty"`      // everyone who took part
	Outcome       string     `json:"outcome,omitempty"`        // see Outcome* constants
	EndedBy       string     `json:"ended_by,omitempty"`       // caller, system, staff
	ArrivedAt     time.Time  `json:"arrived_at"`
	AnsweredAt    *time.Time `json:"answered_at,omitempty"`
	EndedAt       *time.Time `json:"ended_at,omitempty"`
	RingsToAnswer int        `json:"rings_to_answer"`
	AnswerMS      int        `json:"answer_ms"`
	TalkSeconds   int        `json:"talk_seconds"`
	Transferred   bool       `json:"transferred"`
	MessageTaken  bool       `json:"message_taken"`
	Notes         string     `json:"notes,omitempty"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Intents: what the caller wanted.
const (
	IntentOrder          = "order"           // S6, S24
	IntentComplaint      = "complaint"       // S14
	IntentSuggestion     = "suggestion"      // S7
	IntentPerson         = "person"          // a person by extension or name
	IntentDesk           = "desk"            // the service desk (also the fallback)
	IntentGeneralManager = "general_manager" // S10
)

// Outcomes: how the call ended.
const (
	OutcomeInProgress        = "in_progress"
	OutcomeCompleted         = "completed"   // handled by the machine or the desk and closed
	OutcomeConnected         = "connected"   // put through to a person
	OutcomeTransferred       = "transferred" // moved on from one person to another
	OutcomeMessageTaken      = "message_taken"
	OutcomeCallbackRequested = "callback_requested"
	OutcomeAbandoned         = "abandoned" // the caller left before being answered
	OutcomeCallerHungUp      = "caller_hung_up"
	OutcomeFailed            = "failed"
)

// Event is one step on a call's timeline. The engine chooses the ID (a ULID),
// so a replayed event is recognised and ignored.
type Event struct {
	ID      string          `json:"id"`
	CallID  string          `json:"call_id"`
	At      time.Time       `json:"at"`
	Type    EventType       `json:"type"` // one of the declared EventType constants
	StaffID string          `json:"staff_id,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"` // a JSON object: the type's payload (see Timeline)
}

// Customer is an entry of the electronic customer file (S13).
type Customer struct {
	ID        string    `json:"id"`
	Numbers   []string  `json:"numbers"` // normalised
	Name      string    `json:"name"`
	Surname   string    `json:"surname,omitempty"` // for the greeting (S3): 張
	Title     string    `json:"title,omitempty"`   // 先生, 女士, 經理...
	Company   string    `json:"company,omitempty"`
	VIP       bool      `json:"vip"`
	Birthday  string    `json:"birthday,omitempty"` // YYYY-MM-DD
	Language  string    `json:"language,omitempty"`
	Notes     string    `json:"notes,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Staff is a person in the directory.
type Staff struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Extension  string    `json:"extension"`        // dialled internally, e.g. 2001
	Endpoint   string    `json:"endpoint"`         // Asterisk endpoint, e.g. PJSIP/2001
	Department string    `json:"department"`       // desk, sales, support, ...
	Skills     []string  `json:"skills,omitempty"` // e.g. zh, en, orders
	Role       string    `json:"role"`             // agent, supervisor
	Active     bool      `json:"active"`
	Spelling   string    `json:"spelling,omitempty"` // name in letters for dial by name ("wang fang"); see NormalizeSpelling
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Roles of API tokens (and of staff).
const (
	RoleService    = "service"    // the call engine: writes records
	RoleAgent      = "agent"      // own calls, own messages, own presence
	RoleSupervisor = "supervisor" // everything
)

// Token is an API token. Only a hash of the secret is stored.
type Token struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Role      string     `json:"role"`
	StaffID   string     `json:"staff_id,omitempty"` // for agent tokens
	Hash      []byte     `json:"-"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}
