package pbxtest

import (
	"context"
	"time"
)

// PBX is what a scenario test dials into.
type PBX interface {
	// Dial makes a caller dial in; it returns at once.
	Dial(ctx context.Context, o CallerOptions) (Caller, error)
	// AddPhone makes a staff phone for extension ext; its Endpoint is
	// what the staff directory must hold.
	AddPhone(ext string, o PhoneOptions) Phone
	// Endpoint is the dial string the engine should ring for ext.
	Endpoint(ext string) string
	// URL, WSURL, Username and Password reach the PBX's ARI.
	URL() string
	WSURL() string
	Username() string
	Password() string
	// NodeID is the Asterisk entity id (the node of ARI keys).
	NodeID() string
	// Real reports a real Asterisk: real time, no simulated clock.
	Real() bool
	// Observes reports whether what parties hear includes kind ("moh",
	// "ringing", "beep", "dtmf").
	Observes(kind string) bool
	// Close hangs up what is left and releases the PBX.
	Close()
}

// CallerOptions describe a caller dialling in.
type CallerOptions struct {
	From string // caller number
	Name string // caller name
	To   string // number dialled (default "100")
}

// Party is someone on a channel: what they heard, when they are gone.
type Party interface {
	// ChannelID is the id of the channel the application holds for this
	// party (for a real caller the ";2" half, for a phone the ";1" half).
	ChannelID() string
	// Heard lists what reached the party, in order (media URIs,
	// "dtmf:<d>", "sound:beep", and on the stand-in "moh:<class>").
	Heard() []string
	// WaitHeard waits until media has reached the party.
	WaitHeard(ctx context.Context, media string) error
	// WaitHeardCount waits until media has reached the party n times.
	WaitHeardCount(ctx context.Context, media string, n int) error
	// Hangup hangs the party up.
	Hangup(ctx context.Context) error
	// Done is closed when the party's channel is gone.
	Done() <-chan struct{}
}

// Caller is a person who dialled in.
type Caller interface {
	Party
	// Press keys DTMF digits.
	Press(ctx context.Context, digits string) error
	// Speak talks for d (a recording hears sound) and returns when done.
	Speak(ctx context.Context, d time.Duration) error
}

// PhoneOptions say how a staff phone behaves when it rings. With none of
// Busy, NoAnswer or Manual set it answers after AnswerAfter.
type PhoneOptions struct {
	AnswerAfter time.Duration // stand-in: simulated time; real: wall time
	Busy        bool          // refuses the call (BUSY)
	NoAnswer    bool          // rings until the engine gives up
	Manual      bool          // rings until the test calls Leg.Answer
}

// Phone is a staff phone.
type Phone interface {
	Endpoint() string
	// WaitRinging waits for the next call ringing this phone.
	WaitRinging(ctx context.Context) (Leg, error)
}

// Leg is one call on a staff phone.
type Leg interface {
	Party
	// Answer picks up (for Manual phones).
	Answer(ctx context.Context) error
	// WaitUp waits until the leg is answered.
	WaitUp(ctx context.Context) error
	// Press keys DTMF digits on the phone (transfer feature codes).
	Press(ctx context.Context, digits string) error
}
