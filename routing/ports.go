package routing

import (
	"context"
	"errors"
	"time"

	"callsvc/api/record"
)

// Leg is one channel on one Asterisk node.
type Leg struct {
	Node string
	ID   string
}

// EventKind is what happened on a leg.
type EventKind int

// Event kinds the engine reacts to.
const (
	EvUnknown           EventKind = iota
	EvStart                       // the leg entered the application (StasisStart)
	EvEnd                         // the leg left the application or was destroyed (StasisEnd)
	EvHangupRequest               // someone asked to hang the leg up
	EvStateChange                 // State holds the new channel state ("Up", "Ringing"...)
	EvDTMF                        // Digit holds the key pressed
	EvPlaybackFinished            // PlaybackID finished; Failed when it did not play
	EvRecordingFinished           // RecordingName ended; Duration holds its length
	EvRecordingFailed             // RecordingName failed; Cause says why
	EvDialResult                  // DialStatus of a leg being dialled (ANSWER, BUSY, NOANSWER...)
)

// Event is one thing that happened on a leg, in the engine's words (the
// adapter translates ARI's events into these).
type Event struct {
	Kind          EventKind
	Leg           Leg
	At            time.Time
	Args          []string // EvStart: the application arguments
	State         string
	Digit         string
	PlaybackID    string
	Failed        bool
	RecordingName string
	Duration      time.Duration
	Cause         string
	DialStatus    string
}

// Arrival is a new inbound call handed to the engine.
type Arrival struct {
	Leg          Leg
	Args         []string // "inbound", ...
	CallerNumber string
	CallerName   string
	Dialed       string
	At           time.Time // when Asterisk put it in the application
}

// RecordOptions asks for a recording of what the caller says.
type RecordOptions struct {
	Name        string        // unique; becomes the stored recording's name
	Format      string        // "wav"
	MaxDuration time.Duration // generous: never cuts a complaint short (S14)
	MaxSilence  time.Duration // 0 = no silence limit
	Beep        bool
	TerminateOn string // "#"
}

// OriginateRequest rings a staff member's endpoint and brings the answered
// leg into the application with AppArgs naming it.
type OriginateRequest struct {
	Node      string
	LegID     string // chosen by the engine, watched before the request
	Endpoint  string // PJSIP/2001
	AppArgs   []string
	CallerID  string
	Timeout   time.Duration
	Variables map[string]string
}

// ErrLegGone is wrapped by a CallControl error when the leg no longer
// exists (it hung up): the engine then ends the call at once instead of
// waiting for the hangup event to explain the failure.
var ErrLegGone = errors.New("leg gone")

// CallControl is what the engine needs from Asterisk: a handful of
// operations, each with a deadline from ctx. routing/arictl implements it
// over the ARI client; aritest plays Asterisk in tests.
type CallControl interface {
	// Watch delivers the events of a leg — its DTMF, hangup, and the
	// playbacks and recordings aimed at it — until ctx ends. It is
	// registered when Watch returns, so watch first, then act.
	Watch(ctx context.Context, leg Leg) <-chan Event

	Ring(ctx context.Context, leg Leg) error
	Answer(ctx context.Context, leg Leg) error
	Hangup(ctx context.Context, leg Leg, reason string) error
	// Play starts media (in order) on leg under playbackID; EvPlaybackFinished follows.
	Play(ctx context.Context, leg Leg, playbackID string, media ...string) error
	StopPlayback(ctx context.Context, node, playbackID string) error
	// Record starts recording leg; EvRecordingFinished or EvRecordingFailed follows.
	Record(ctx context.Context, leg Leg, o RecordOptions) error
	StartMOH(ctx context.Context, leg Leg) error
	StopMOH(ctx context.Context, leg Leg) error
	SetVariable(ctx context.Context, leg Leg, name, value string) error
	Originate(ctx context.Context, o OriginateRequest) error
	CreateBridge(ctx context.Context, node, bridgeID string) error
	AddToBridge(ctx context.Context, node, bridgeID string, legs ...Leg) error
	DestroyBridge(ctx context.Context, node, bridgeID string) error
}

// Directory looks up customers and staff (api.Store's methods).
type Directory interface {
	FindCustomerByPhone(ctx context.Context, number string) (record.Customer, error)
	ListStaff(ctx context.Context, q record.ListQuery) ([]record.Staff, string, error)
}

// Sink takes records without blocking the call (spool.Writer implements
// it, writing to the store off the call's path).
type Sink interface {
	Call(c record.Call)
	Event(e record.Event)
}

// Notifier tells a supervisor about something the desk must report (S10).
// cmd/callsvc puts the notice on every active supervisor's screen-pop
// stream; nil means the timeline event is the only notice.
type Notifier interface {
	NotifySupervisor(ctx context.Context, callID, kind, text string)
}

// LogFunc receives the engine's log lines; cmd adapts it to zerolog. The
// fields always carry call_id and channel_id for lines about a call.
type LogFunc func(level, msg string, fields map[string]any)

// IsInbound reports whether application args mark a new inbound call:
// "inbound" (the dialplan's Stasis(callsvc,inbound)) or no args at all.
// Legs the engine originates carry "agent,<call id>,...".
func IsInbound(args []string) bool {
	return len(args) == 0 || args[0] == "inbound"
}
