package aritest

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PhoneOptions scripts how an endpoint's phone behaves when called. With
// none of Busy, NoAnswer, Unregistered or Manual set it answers after
// AnswerAfter (simulated time; zero answers at once).
type PhoneOptions struct {
	AnswerAfter  time.Duration
	Busy         bool // refuses: Dial BUSY, cause 17
	NoAnswer     bool // rings until the caller's timeout: Dial NOANSWER
	Unregistered bool // no contact: Dial CHANUNAVAIL, endpoint offline
	Manual       bool // rings until the test calls Leg.Answer or Leg.Hangup
}

// Phone is a scripted SIP phone registered at an endpoint such as
// "PJSIP/2001".
type Phone struct {
	s        *Server
	endpoint string
	opts     PhoneOptions
	pending  []*Leg
	changed  chan struct{}
}

// AddPhone registers (or reconfigures) the phone at endpoint, e.g.
// "PJSIP/2001". Originating or dialling that endpoint rings it.
func (s *Server) AddPhone(endpoint string, opts PhoneOptions) *Phone {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.phones[endpoint]; p != nil {
		s.setPhoneOptsLocked(p, opts)
		return p
	}
	p := &Phone{s: s, endpoint: endpoint, opts: opts, changed: make(chan struct{})}
	s.phones[endpoint] = p
	return p
}

// Endpoint is the phone's endpoint name, e.g. "PJSIP/2001".
func (p *Phone) Endpoint() string { return p.endpoint }

// Set changes how the phone behaves on its next calls.
func (p *Phone) Set(opts PhoneOptions) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	p.s.setPhoneOptsLocked(p, opts)
}

// setPhoneOptsLocked reconfigures p; registering or unregistering sends
// EndpointStateChange to those watching the endpoint.
func (s *Server) setPhoneOptsLocked(p *Phone, opts PhoneOptions) {
	changed := p.opts.Unregistered != opts.Unregistered
	p.opts = opts
	if !changed {
		return
	}
	tech, res, _ := strings.Cut(p.endpoint, "/")
	e, _ := s.endpointJSON(tech, res)
	var to []*app
	for _, a := range s.st.apps {
		if a.all || a.endpoints[p.endpoint] || a.endpoints[tech] {
			to = append(to, a)
		}
	}
	s.deliver(to, "EndpointStateChange", kv{"endpoint", e})
	s.emitDeviceState(p.endpoint, s.deviceStateLocked(p.endpoint))
}

// WaitRinging waits for the next call to this phone and returns its leg
// (already answered when the phone answers by itself).
func (p *Phone) WaitRinging(ctx context.Context) (*Leg, error) {
	for {
		p.s.mu.Lock()
		if len(p.pending) > 0 {
			l := p.pending[0]
			p.pending = p.pending[1:]
			p.s.mu.Unlock()
			return l, nil
		}
		ch := p.changed
		p.s.mu.Unlock()
		if err := p.s.idleUntil(ctx, ch); err != nil {
			return nil, fmt.Errorf("wait for %s to ring: %w", p.endpoint, err)
		}
	}
}

func (p *Phone) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// ringPhoneLocked delivers the outgoing call on ch to phone ph.
func (s *Server) ringPhoneLocked(ph *Phone, ch *channel) {
	op := ch.dial
	switch {
	case ph.opts.Unregistered:
		s.emitDial(ch, "", op.first)
		s.dialFailedLocked(ch, "CHANUNAVAIL", 20)
		return
	case ph.opts.Busy:
		s.emitDial(ch, "", op.first)
		s.dialFailedLocked(ch, "BUSY", 17)
		return
	}
	leg := &Leg{party: newParty(s, ch)}
	s.setStateLocked(ch, "Ringing")
	s.emitDial(ch, "", op.first)
	s.emitDial(ch, "RINGING", op.later)
	s.emitDeviceState(ch.device, "RINGING")
	ph.pending = append(ph.pending, leg)
	ph.notifyLocked()
	if ph.opts.NoAnswer || ph.opts.Manual {
		return
	}
	s.after(ph.opts.AnswerAfter, func() { s.answerLegLocked(ch) })
}

// answerLegLocked: the called phone on ch picks up.
func (s *Server) answerLegLocked(ch *channel) {
	if ch.dead || ch.hanging || ch.dial == nil {
		return
	}
	s.setStateLocked(ch, "Up")
	s.emitDeviceState(ch.device, "INUSE")
	s.answeredLocked(ch)
}

// Leg is a call reaching a scripted phone.
type Leg struct{ *party }

// Answer picks the ringing phone up.
func (l *Leg) Answer(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	ch := l.ch
	if ch.dead || ch.hanging {
		return fmt.Errorf("answer %s: %w", ch.id, ErrHungUp)
	}
	if ch.dial == nil {
		return nil // already answered
	}
	s := l.s
	s.answerLegLocked(ch)
	return nil
}

// Hangup hangs the phone up; while it rings that rejects the call (busy).
func (l *Leg) Hangup(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("hang up: %w", err)
	}
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	ch := l.ch
	if ch.dead || ch.hanging {
		return nil
	}
	if ch.dial != nil {
		l.s.dialFailedLocked(ch, "BUSY", 17)
		return nil
	}
	l.s.hangupLocked(ch, 16, false, 16)
	return nil
}

// endpointsJSON lists endpoints: the phones plus the "pstn" trunk callers
// come in on.
func (s *Server) endpointJSON(tech, resource string) (obj, bool) {
	name := tech + "/" + resource
	st := "online"
	switch {
	case strings.EqualFold(name, "PJSIP/pstn"):
	case s.phones[name] != nil:
		if s.phones[name].opts.Unregistered {
			st = "offline"
		}
	default:
		return nil, false
	}
	ids := []string{}
	for _, ch := range s.st.channelsInOrder() {
		if ch.device == name {
			ids = append(ids, ch.id)
		}
	}
	return obj{{"technology", tech}, {"resource", resource}, {"state", st}, {"channel_ids", ids}}, true
}

func (s *Server) endpointNames() []string {
	names := []string{"PJSIP/pstn"}
	names = append(names, sortedKeys(s.phones)...)
	return names
}

// deviceStateLocked is the state of a phone's device.
func (s *Server) deviceStateLocked(name string) string {
	if v, found := s.st.devices[name]; found {
		return v
	}
	if ph := s.phones[name]; ph != nil && ph.opts.Unregistered {
		return "UNAVAILABLE"
	}
	for _, ch := range s.st.channels {
		if ch.device == name {
			if ch.state == "Ringing" {
				return "RINGING"
			}
			return "INUSE"
		}
	}
	return "NOT_INUSE"
}
