package pbxtest

import (
	"context"
	"time"

	"callsvc/ari/aritest"
)

// StandIn is the PBX of the stand-in Asterisk.
type StandIn struct{ srv *aritest.Server }

var _ PBX = (*StandIn)(nil)

// NewStandIn wraps srv; Close closes it.
func NewStandIn(srv *aritest.Server) *StandIn { return &StandIn{srv: srv} }

// Server is the stand-in itself, for what only it can do (stored
// recordings, restarts, phone state).
func (p *StandIn) Server() *aritest.Server { return p.srv }

// Dial makes a caller dial in to from-pstn.
func (p *StandIn) Dial(ctx context.Context, o CallerOptions) (Caller, error) {
	if o.To == "" {
		o.To = "100"
	}
	c := p.srv.Dial(ctx, aritest.CallerOptions{From: o.From, Name: o.Name, To: o.To, Args: []string{"inbound"}})
	return standInCaller{c}, nil
}

// AddPhone adds a PJSIP phone for ext.
func (p *StandIn) AddPhone(ext string, o PhoneOptions) Phone {
	ph := p.srv.AddPhone(p.Endpoint(ext), aritest.PhoneOptions{AnswerAfter: o.AnswerAfter, Busy: o.Busy,
		NoAnswer: o.NoAnswer, Manual: o.Manual})
	return standInPhone{ph}
}

// Endpoint is PJSIP/<ext>.
func (p *StandIn) Endpoint(ext string) string { return "PJSIP/" + ext }

func (p *StandIn) URL() string      { return p.srv.URL() }
func (p *StandIn) WSURL() string    { return p.srv.WSURL() }
func (p *StandIn) Username() string { return "callsvc" }
func (p *StandIn) Password() string { return "callsvc" }
func (p *StandIn) NodeID() string   { return p.srv.EntityID() }
func (p *StandIn) Real() bool       { return false }

// Observes: the stand-in reports everything.
func (p *StandIn) Observes(string) bool { return true }

// Close closes the stand-in.
func (p *StandIn) Close() { p.srv.Close() }

type standInCaller struct{ c *aritest.Call }

func (c standInCaller) ChannelID() string                             { return c.c.ChannelID() }
func (c standInCaller) Heard() []string                               { return c.c.Heard() }
func (c standInCaller) WaitHeard(ctx context.Context, m string) error { return c.c.WaitHeard(ctx, m) }
func (c standInCaller) WaitHeardCount(ctx context.Context, m string, n int) error {
	return c.c.WaitHeardCount(ctx, m, n)
}
func (c standInCaller) Hangup(ctx context.Context) error                 { return c.c.Hangup(ctx) }
func (c standInCaller) Done() <-chan struct{}                            { return c.c.Done() }
func (c standInCaller) Press(ctx context.Context, digits string) error   { return c.c.Press(ctx, digits) }
func (c standInCaller) Speak(ctx context.Context, d time.Duration) error { return c.c.Speak(ctx, d) }

type standInPhone struct{ p *aritest.Phone }

func (p standInPhone) Endpoint() string { return p.p.Endpoint() }

func (p standInPhone) WaitRinging(ctx context.Context) (Leg, error) {
	l, err := p.p.WaitRinging(ctx)
	if err != nil {
		return nil, err
	}
	return standInLeg{l}, nil
}

type standInLeg struct{ l *aritest.Leg }

func (l standInLeg) ChannelID() string                             { return l.l.ChannelID() }
func (l standInLeg) Heard() []string                               { return l.l.Heard() }
func (l standInLeg) WaitHeard(ctx context.Context, m string) error { return l.l.WaitHeard(ctx, m) }
func (l standInLeg) WaitHeardCount(ctx context.Context, m string, n int) error {
	return l.l.WaitHeardCount(ctx, m, n)
}
func (l standInLeg) Hangup(ctx context.Context) error               { return l.l.Hangup(ctx) }
func (l standInLeg) Done() <-chan struct{}                          { return l.l.Done() }
func (l standInLeg) Answer(ctx context.Context) error               { return l.l.Answer(ctx) }
func (l standInLeg) WaitUp(ctx context.Context) error               { return l.l.WaitState(ctx, "Up") }
func (l standInLeg) Press(ctx context.Context, digits string) error { return l.l.Press(ctx, digits) }
