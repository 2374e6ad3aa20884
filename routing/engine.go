package routing

import (
	"context"
	"errors"
	"sync"
	"time"

	"callsvc/api/record"
	"callsvc/routing/clock"
	"callsvc/routing/prompt"
)

// Config is what an Engine runs with. Control and Sink are required; the
// rest have defaults.
type Config struct {
	Control   CallControl
	Sink      Sink      // the call record (a *spool.Writer, so calls never wait on the store)
	Directory Directory // customer lookup and staff list; nil: nobody known
	Notifier  Notifier  // S10 supervisor notices; nil: timeline only
	Router    Router
	Greeter   Greeter
	Answer    AnswerPolicy
	Language  prompt.Lang // default prompt.ZH
	// Clock is the time of day (pin one Now per decision) and the timer
	// behind every wait (ring delay, menu silence, ring limit, urgent
	// hold); default clock.Real. Scenario tests run a virtual clock: a
	// call's goroutine counts as busy on it except while it waits.
	Clock clock.Clock
	Log   LogFunc

	MenuTimeout   time.Duration // silence after the menu before re-prompting; default 6 s
	DigitTimeout  time.Duration // between extension digits; default 5 s
	MaxRecording  time.Duration // complaint/suggestion limit; default 30 min (S14: never cut short)
	RingTimeout   time.Duration // a staff phone rings this long; default the cadence's 3-ring limit
	LookupTimeout time.Duration // customer / staff lookups; default 2 s
	// GreetWait is how long the greeting, once the call is answered, may
	// wait for a customer lookup already under way (S3), default 300 ms.
	// The answer itself never waits for it (S1).
	GreetWait  time.Duration
	MaxMatters int // S8 loops ("anything else?" -> yes) per call; default 3

	// MaxAttempts is how many people one transfer rings before the caller
	// is offered something else (S15); default 3.
	MaxAttempts int
	// Reserver holds people across engines sharing a database; nil: this
	// engine's own view only.
	Reserver Reserver
	// ReserveLease bounds a shared reservation (renewed while the person
	// talks); default 15 min.
	ReserveLease time.Duration
	// Screen receives screen-pop events for the people a call reaches;
	// nil: none are sent.
	Screen ScreenSink
	// NobodyFree runs when the call cannot be put through to anyone (no
	// one free, or the person did not answer). It returns true when it
	// handled the caller (a message, a callback booking); false, or nil,
	// lets the engine promise a callback (S12) and go on to S8.
	NobodyFree func(ctx context.Context, c *CallInfo) bool

	// Away handling (S16-S19): what the caller hears and may do when the
	// person asked for cannot take the call.
	Away AwayConfig
}

// AwayConfig is how the engine handles a person who is away. The zero
// value works: everyone active counts as available unless Presence says
// otherwise, and a message is offered only with Messages set.
type AwayConfig struct {
	// Presence is where people's statuses come from; nil: everyone active
	// is available.
	Presence PresenceSource
	// Phones says whether a person's phone is reachable (the "unreachable"
	// wording); nil: not checked.
	Phones PhoneStates
	// Messages takes the messages callers leave; nil: option 1 (leave a
	// message) is not offered.
	Messages MessageSink
	// Notifier tells the person of urgent calls (their screen pop is
	// always sent); nil: the screen pop only.
	Notifier PersonNotifier
	// Location reads return times as times of day (default
	// Greeter.Location, else UTC).
	Location *time.Location
	// UrgentTimeout is how long an urgent caller holds for the person's
	// answer (accept or decline) before being offered the options again;
	// default 60 s.
	UrgentTimeout time.Duration
	// MessageMax and MessageSilence end a message's recording (besides
	// #); defaults 3 min and 10 s.
	MessageMax     time.Duration
	MessageSilence time.Duration
	// CallbackAfter is when a callback is promised: this long after the
	// person is back (or after now when no return time is known);
	// default 30 min.
	CallbackAfter time.Duration
}

// CallInfo is the read-only view of a call handed to NobodyFree and
// listed by Live.
type CallInfo struct {
	ID       string
	Leg      Leg
	Intent   string
	Customer *record.Customer
	Decision Decision
}

// Engine runs calls: one goroutine per call, each driven by its own legs'
// events. A panic in one call is recovered and ends that call politely.
type Engine struct {
	cfg  Config
	root context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu    sync.Mutex
	busy  map[string]string    // staff id -> call id
	idle  map[string]time.Time // staff id -> when their last call ended
	calls map[string]*call     // call id -> call
}

// NewEngine checks cfg and fills its defaults.
func NewEngine(cfg Config) (*Engine, error) {
	if cfg.Control == nil {
		return nil, errors.New("new engine: no call control")
	}
	if cfg.Sink == nil {
		return nil, errors.New("new engine: no record sink")
	}
	cfg.fill()
	cfg.Away.fill(cfg.Greeter.Location)
	root, stop := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, root: root, stop: stop,
		busy: map[string]string{}, idle: map[string]time.Time{}, calls: map[string]*call{}}, nil
}

// fill sets the defaults of what is unset.
func (cfg *Config) fill() {
	if cfg.Language == "" {
		cfg.Language = prompt.ZH
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Log == nil {
		cfg.Log = func(string, string, map[string]any) {}
	}
	orDefault(&cfg.MenuTimeout, 6*time.Second)
	orDefault(&cfg.DigitTimeout, 5*time.Second)
	orDefault(&cfg.MaxRecording, 30*time.Minute)
	orDefault(&cfg.RingTimeout, cfg.Answer.Limit())
	orDefault(&cfg.LookupTimeout, 2*time.Second)
	orDefault(&cfg.GreetWait, 300*time.Millisecond)
	orDefault(&cfg.MaxMatters, 3)
	orDefault(&cfg.MaxAttempts, 3)
	orDefault(&cfg.ReserveLease, 15*time.Minute)
}

// fill sets the defaults of what is unset; return times are read in the
// greeting's location unless told otherwise.
func (a *AwayConfig) fill(greeting *time.Location) {
	if a.Location == nil {
		a.Location = greeting
	}
	if a.Location == nil {
		a.Location = time.UTC
	}
	orDefault(&a.UrgentTimeout, 60*time.Second)
	orDefault(&a.MessageMax, 3*time.Minute)
	orDefault(&a.MessageSilence, 10*time.Second)
	orDefault(&a.CallbackAfter, 30*time.Minute)
}

// orDefault sets *v to def unless it is positive.
func orDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Inbound starts handling a new call. It returns at once. The call's work
// does not end with ctx (a server shutting down lets live calls finish);
// Close ends them.
func (e *Engine) Inbound(ctx context.Context, a Arrival) {
	c := e.newCall(a)
	e.cfg.Clock.Busy() // the call acts until it first waits
	e.wg.Go(func() {
		defer e.cfg.Clock.Idle()
		c.run()
	})
}

// Active is the number of calls in progress.
func (e *Engine) Active() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.calls)
}

// Live lists the calls in progress, each entry a copy.
func (e *Engine) Live() []CallInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]CallInfo, 0, len(e.calls))
	for id, c := range e.calls {
		out = append(out, CallInfo{ID: id, Leg: c.leg})
	}
	return out
}

// Resync ends the calls on node whose caller channel is not among live
// (the channels Asterisk still holds in the application after the event
// socket came back): their hangup was missed while it was down. Each such
// call is closed as lost; nothing is played to a channel that is gone.
// It returns how many calls were ended.
func (e *Engine) Resync(node string, live []string) int {
	alive := make(map[string]bool, len(live))
	for _, id := range live {
		alive[id] = true
	}
	e.mu.Lock()
	var lost []*call
	for _, c := range e.calls {
		if c.leg.Node == node && !alive[c.leg.ID] {
			lost = append(lost, c)
		}
	}
	e.mu.Unlock()
	for _, c := range lost {
		c.lost.Store(true)
		c.cancel()
	}
	return len(lost)
}

// Wait blocks until every call has ended, or ctx ends.
func (e *Engine) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close ends every live call (each is closed politely and recorded) and
// waits for them.
func (e *Engine) Close() {
	e.stop()
	e.wg.Wait()
}

// candidates gives the directory's people with the engine's view of who is
// on a call and for how long each has been idle.
func (e *Engine) candidates(ctx context.Context, staff []record.Staff, taken map[string]bool) []Candidate {
	out := e.available(ctx, staff)
	e.mark(out, taken)
	return out
}

// available is who of staff is at their desk now, by their presence. It
// reads the store, so a decision calls it once and marks the result again
// (mark) on each reservation retry.
func (e *Engine) available(ctx context.Context, staff []record.Staff) []Candidate {
	out := make([]Candidate, 0, len(staff))
	presence := e.presenceAll(ctx)
	now := e.cfg.Clock.Now()
	for _, s := range staff {
		avail := s.Active
		if p, ok := presence[s.ID]; ok && avail {
			// What the person said decides here; the phone's own state
			// is found out by ringing it.
			avail = record.Effective(p, record.Derived{}, now).Reachable()
		}
		out = append(out, Candidate{Staff: s, Available: avail})
	}
	return out
}

// mark sets who of cands is on a call (here or in taken) and how long each
// has been idle, from the engine's own state: no I/O.
func (e *Engine) mark(cands []Candidate, taken map[string]bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range cands {
		id := cands[i].Staff.ID
		_, busy := e.busy[id]
		cands[i].Busy = busy || taken[id]
		cands[i].IdleSince = e.idle[id] // zero (never rung) is idle longest
	}
}
