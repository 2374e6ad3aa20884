package aritest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrHungUp reports that the scripted party's channel is gone.
var ErrHungUp = errors.New("aritest: channel hung up")

// party is the person on one channel: what they heard, when it changed.
type party struct {
	s       *Server
	ch      *channel
	id      string
	heard   []string
	changed chan struct{}
	done    chan struct{}
	ended   bool
}

func newParty(s *Server, ch *channel) *party {
	p := &party{s: s, ch: ch, id: ch.id, changed: make(chan struct{}), done: make(chan struct{})}
	ch.party = p
	return p
}

func (p *party) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *party) hearLocked(what string) {
	p.heard = append(p.heard, what)
	p.notifyLocked()
}

func (p *party) endLocked() {
	if p.ended {
		return
	}
	p.ended = true
	close(p.done)
	p.notifyLocked()
}

// ChannelID is the Asterisk id of the party's channel.
func (p *party) ChannelID() string { return p.id }

// State is the channel state: "Ring", "Ringing", "Up", ...
func (p *party) State() string {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return p.ch.state
}

// Variable reads a channel variable as the party's phone would see it
// (e.g. the call context a transfer set on an agent's leg).
func (p *party) Variable(name string) (string, bool) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return p.s.readVarLocked(p.ch, name)
}

// CallerID is the caller name and number presented on the channel.
func (p *party) CallerID() (name, number string) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return p.ch.caller.Name, p.ch.caller.Number
}

// Done is closed when the channel is gone.
func (p *party) Done() <-chan struct{} { return p.done }

// Heard lists, in order, what reached this party: media URIs played to its
// channel or its bridge ("sound:hello-world"), "moh:<class>" and
// "moh:stop" for music on hold, "dtmf:<digit>" for digits sent to it,
// "sound:beep" for a recording's beep and "ringing" for each ringback
// indication (POST /channels/{id}/ring).
func (p *party) Heard() []string {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	return slices.Clone(p.heard)
}

// wait blocks until cond (checked under the server lock) holds.
func (p *party) wait(ctx context.Context, what string, cond func() bool) error {
	for {
		p.s.mu.Lock()
		if cond() {
			p.s.mu.Unlock()
			return nil
		}
		ended := p.ended
		ch := p.changed
		p.s.mu.Unlock()
		if ended {
			return fmt.Errorf("wait for %s on %s: %w", what, p.id, ErrHungUp)
		}
		if err := p.s.idleUntil(ctx, ch); err != nil {
			return fmt.Errorf("wait for %s on %s: %w", what, p.id, err)
		}
	}
}

// WaitHeard waits until media (e.g. "sound:callsvc/zh/greeting",
// "moh:default") has reached the party.
func (p *party) WaitHeard(ctx context.Context, media string) error {
	return p.wait(ctx, media, func() bool { return slices.Contains(p.heard, media) })
}

// WaitHeardCount waits until media has reached the party n times (a
// prompt played again).
func (p *party) WaitHeardCount(ctx context.Context, media string, n int) error {
	return p.wait(ctx, fmt.Sprintf("%s %d times", media, n), func() bool {
		got := 0
		for _, h := range p.heard {
			if h == media {
				got++
			}
		}
		return got >= n
	})
}

// WaitState waits until the channel is in state ("Up", "Ringing", ...).
func (p *party) WaitState(ctx context.Context, state string) error {
	return p.wait(ctx, "state "+state, func() bool { return p.ch.state == state })
}

// sleep waits simulated duration d.
func (p *party) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	up := make(chan struct{})
	t := p.s.clock.AfterFunc(d, func() { close(up) })
	defer t.Stop()
	p.s.clock.Idle()
	defer p.s.clock.Busy()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-up:
		return nil
	case <-p.done:
		return ErrHungUp
	}
}

// idleUntil waits, as an idle party of the clock, for ch to close or ctx
// to end.
func (s *Server) idleUntil(ctx context.Context, ch <-chan struct{}) error {
	s.clock.Idle()
	defer s.clock.Busy()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-ch:
		return nil
	}
}

// Press sends DTMF digits (0-9, *, #, A-D) as the party keys them: each
// lasts 100 ms with 150 ms between, in simulated time.
func (p *party) Press(ctx context.Context, digits string) error {
	for i, d := range digits {
		if !strings.ContainsRune("0123456789*#ABCDabcd", d) {
			return fmt.Errorf("press %q: not a DTMF digit", d)
		}
		if i > 0 {
			if err := p.sleep(ctx, 150*time.Millisecond); err != nil {
				return fmt.Errorf("press %q: %w", digits, err)
			}
		}
		if err := p.sleep(ctx, 100*time.Millisecond); err != nil {
			return fmt.Errorf("press %q: %w", digits, err)
		}
		p.s.mu.Lock()
		if p.ch.dead || p.ch.hanging {
			p.s.mu.Unlock()
			return fmt.Errorf("press %q: %w", digits, ErrHungUp)
		}
		p.s.dtmfReceivedLocked(p.ch, string(d), 100)
		p.s.mu.Unlock()
	}
	return nil
}

// Speak makes the party talk for simulated duration d (a recording hears
// it, maxSilenceSeconds does not cut it) and returns when done.
func (p *party) Speak(ctx context.Context, d time.Duration) error {
	p.s.mu.Lock()
	if p.ch.dead || p.ch.hanging {
		p.s.mu.Unlock()
		return fmt.Errorf("speak: %w", ErrHungUp)
	}
	now := p.s.simNow()
	p.ch.talk = append(p.ch.talk, interval{now, now + d})
	p.s.mu.Unlock()
	if err := p.sleep(ctx, d); err != nil {
		return fmt.Errorf("speak: %w", err)
	}
	return nil
}

// CallerOptions describes a caller dialling in.
type CallerOptions struct {
	From    string   // caller number, e.g. "+15551234567"
	Name    string   // caller name
	To      string   // dialled number (extension), e.g. "100"
	Context string   // dialplan context; default "from-pstn"
	Args    []string // Stasis args when the dialplan has no entry for To
	// Endpoint is the PJSIP endpoint the call arrives on; default "pstn".
	Endpoint string
}

// Call is a scripted caller.
type Call struct{ *party }

// Dial makes a caller dial in: a PJSIP channel that runs the dialplan of
// To@Context, by default Stasis(Options.Application, Args...). It returns
// at once; the application sees StasisStart.
func (s *Server) Dial(ctx context.Context, opts CallerOptions) *Call {
	_ = ctx // nothing here waits; ctx is for symmetry with the other script calls
	if opts.Context == "" {
		opts.Context = "from-pstn"
	}
	if opts.Endpoint == "" {
		opts.Endpoint = "pstn"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.newChannelLocked("", "PJSIP", s.channelNameLocked("PJSIP", opts.Endpoint))
	ch.device = "PJSIP/" + opts.Endpoint
	ch.state = "Ring"
	ch.caller = callerJSON{Name: opts.Name, Number: opts.From}
	ch.protoID = fmt.Sprintf("%d-%s@127.0.0.1", ch.seq+1, strings.ReplaceAll(newUUID()[:8], "-", ""))
	ch.vars["PJSIP_HEADER(read,Call-ID)"] = ch.protoID
	ch.vars["CHANNEL(pjsip,remote_addr)"] = "127.0.0.1:5062"
	c := &Call{party: newParty(s, ch)}
	if s.closed {
		c.endLocked()
		return c
	}
	steps, found := s.lookupExten(opts.To, opts.Context)
	if !found {
		data := strings.Join(append([]string{s.opts.Application}, opts.Args...), ",")
		steps = []dpStep{{app: "Stasis", data: data}}
	}
	s.emitChannel("ChannelCreated", ch)
	s.runDialplanLocked(ch, opts.To, opts.Context, steps)
	return c
}

// Hangup hangs the caller up (the far end hangs up: cause 16).
func (c *Call) Hangup(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("hang up: %w", err)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	c.s.hangupLocked(c.ch, 16, false, 16)
	return nil
}

// dtmfReceivedLocked: digit arrives on ch from its far end.
func (s *Server) dtmfReceivedLocked(ch *channel, digit string, ms int) {
	s.emitChannel("ChannelDtmfReceived", ch, kv{"digit", digit}, kv{"duration_ms", ms})
	s.recordingDTMFLocked(ch, digit)
}

// sendDTMFFromLocked is SendDTMF() on ch: the digits reach the other half
// of a Local channel one by one, then next runs.
func (s *Server) sendDTMFFromLocked(ch *channel, digits string, next func()) {
	target := ch.partner
	var send func(i int)
	send = func(i int) {
		if ch.dead || ch.hanging {
			return
		}
		if i >= len(digits) {
			next()
			return
		}
		gap := 250 * time.Millisecond
		if i == 0 {
			gap = 100 * time.Millisecond
		}
		s.after(gap, func() {
			if target != nil && !target.dead && !target.hanging {
				s.dtmfReceivedLocked(target, digits[i:i+1], 100)
			}
			send(i + 1)
		})
	}
	send(0)
}
