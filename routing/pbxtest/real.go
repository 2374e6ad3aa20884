package pbxtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"callsvc/ari"
)

// RealConfig says how to reach a real Asterisk and which contexts it has.
type RealConfig struct {
	URL, WSURL         string // ARI REST base and event socket ("" derives it)
	Username, Password string
	// Application is the engine's Stasis application (default callsvc);
	// Helper is the tests' own (default Application+"-test").
	Application, Helper string
	// InboundContext is where callers dial (default from-pstn);
	// AgentContext where staff phones are rung (default test-agents).
	InboundContext, AgentContext string
}

func (c *RealConfig) defaults() {
	if c.Application == "" {
		c.Application = ari.DefaultApplication
	}
	if c.Helper == "" {
		c.Helper = c.Application + "-test"
	}
	if c.InboundContext == "" {
		c.InboundContext = "from-pstn"
	}
	if c.AgentContext == "" {
		c.AgentContext = "test-agents"
	}
}

// Real is the PBX of a real Asterisk, driven through the helper
// application.
type Real struct {
	cfg    RealConfig
	c      *ari.Client
	node   string
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	phones  map[string]*realPhone
	parties []*realParty
}

var _ PBX = (*Real)(nil)

// NewReal connects the helper application to the Asterisk of cfg.
func NewReal(ctx context.Context, cfg RealConfig) (*Real, error) {
	cfg.defaults()
	c, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: cfg.URL, WSURL: cfg.WSURL}},
		Username: cfg.Username, Password: cfg.Password, Application: cfg.Helper})
	if err != nil {
		return nil, fmt.Errorf("connect helper %s: %w", cfg.Helper, err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	r := &Real{cfg: cfg, c: c, node: c.Nodes()[0], ctx: rctx, cancel: cancel, phones: map[string]*realPhone{}}
	starts := c.StasisStarts(rctx, r.node)
	r.wg.Add(1)
	go r.serve(starts)
	return r, nil
}

// serve hands the phone legs the dialplan sends to the helper to their
// phones.
func (r *Real) serve(sub *ari.Subscription) {
	defer r.wg.Done()
	defer sub.Close()
	for {
		ev, err := sub.Next(r.ctx)
		if err != nil {
			return
		}
		st, ok := ev.(*ari.StasisStart)
		if !ok || len(st.Args) < 2 || st.Args[0] != "phone" {
			continue
		}
		r.mu.Lock()
		ph := r.phones[st.Args[1]]
		r.mu.Unlock()
		own := ari.ChannelKey(r.node, st.Channel.ID)
		if ph == nil {
			// Nobody plays this extension: refuse it as a number that
			// does not exist would be.
			_ = r.c.Hangup(r.ctx, own, "congestion")
			continue
		}
		ph.ring(own)
	}
}

// Dial creates Local/<To>@<inbound context> in the helper, subscribes to
// both halves, then dials it: the ";2" half runs the inbound dialplan and
// enters the engine's application, the helper keeps ";1". Creating before
// dialling lets the helper watch ";2" before the engine can play anything
// to it (subscribe, then act).
func (r *Real) Dial(ctx context.Context, o CallerOptions) (Caller, error) {
	if o.To == "" {
		o.To = "100"
	}
	id := "pbxtest-" + ari.NewID()
	p := r.newParty(ari.ChannelKey(r.node, id), ari.ChannelKey(r.node, id+";2"))
	fail := func(step string, err error) (Caller, error) {
		_ = r.c.Hangup(context.WithoutCancel(ctx), p.own, "normal")
		p.end()
		return nil, fmt.Errorf("dial %s: %s: %w", o.To, step, err)
	}
	if _, err := r.c.Create(ctx, r.node, ari.CreateRequest{Endpoint: "Local/" + o.To + "@" + r.cfg.InboundContext,
		App: r.cfg.Helper, AppArgs: []string{"caller"}, ChannelID: id}); err != nil {
		return fail("create", err)
	}
	// The new channel enters the helper's Stasis just after the answer to
	// create; variables can be set only once it is there.
	if err := p.wait(ctx, "StasisStart", func() bool { return p.inApp }); err != nil {
		return fail("create", err)
	}
	// A Local ;2 half presents the ;1 half's connected line as its caller
	// id (setting CALLERID on either half before dialling does not reach
	// the dialplan; the lab showed an empty caller).
	for name, v := range map[string]string{"CONNECTEDLINE(num)": o.From, "CONNECTEDLINE(name)": o.Name} {
		if err := r.c.SetVariable(ctx, p.own, name, v); err != nil {
			return fail("caller id", err)
		}
	}
	if _, err := r.c.SubscribeSource(ctx, p.app); err != nil {
		return fail("watch caller", err)
	}
	if err := r.c.Dial(ctx, p.own, "", 30); err != nil {
		return fail("dial", err)
	}
	return &realCaller{p}, nil
}

// AddPhone makes ext a phone the helper plays.
func (r *Real) AddPhone(ext string, o PhoneOptions) Phone {
	ph := &realPhone{r: r, ext: ext, opts: o, legs: make(chan *realLeg, 16)}
	r.mu.Lock()
	r.phones[ext] = ph
	r.mu.Unlock()
	return ph
}

// Endpoint is Local/<ext>@<agent context>.
func (r *Real) Endpoint(ext string) string { return "Local/" + ext + "@" + r.cfg.AgentContext }

func (r *Real) URL() string      { return r.cfg.URL }
func (r *Real) WSURL() string    { return r.cfg.WSURL }
func (r *Real) Username() string { return r.cfg.Username }
func (r *Real) Password() string { return r.cfg.Password }
func (r *Real) NodeID() string   { return r.node }
func (r *Real) Real() bool       { return true }

// Observes: ARI reports no event for channel music on hold or ringback.
func (r *Real) Observes(kind string) bool { return kind != "moh" && kind != "ringing" }

// Close hangs up every channel the helper still holds and disconnects.
func (r *Real) Close() {
	r.mu.Lock()
	parties := slices.Clone(r.parties)
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, p := range parties {
		select {
		case <-p.done:
		default:
			_ = r.c.Hangup(ctx, p.own, "normal")
		}
	}
	r.cancel()
	r.wg.Wait()
	r.c.Close()
}

// realParty follows one Local channel pair: own is the half the helper
// holds, app the half the engine's application holds.
type realParty struct {
	r        *Real
	own, app ari.Key

	mu      sync.Mutex
	heard   []string
	up      bool
	inApp   bool // own is in the helper's Stasis (DTMF and play work)
	ended   bool
	changed chan struct{}
	done    chan struct{}
}

func (r *Real) newParty(own, app ari.Key) *realParty {
	p := &realParty{r: r, own: own, app: app, changed: make(chan struct{}), done: make(chan struct{})}
	// Subscribe before acting: the events of both halves, and of the
	// playbacks and recordings aimed at them.
	sub := r.c.Subscribe(r.ctx, own, app)
	r.mu.Lock()
	r.parties = append(r.parties, p)
	r.mu.Unlock()
	r.wg.Add(1)
	go p.watch(sub)
	return p
}

func (p *realParty) watch(sub *ari.Subscription) {
	defer p.r.wg.Done()
	defer sub.Close()
	for {
		ev, err := sub.Next(p.r.ctx)
		if err != nil {
			p.end()
			return
		}
		if p.apply(ev) {
			return
		}
	}
}

// apply records what ev means for the party; true when the party is gone.
func (p *realParty) apply(ev ari.Event) bool {
	if what, ok := p.heardIn(ev); ok {
		p.hear(what)
		return false
	}
	switch e := ev.(type) {
	case *ari.ChannelStateChange:
		if e.Channel.ID == p.own.ID && e.Channel.State == "Up" {
			p.set(func() { p.up = true })
		}
	case *ari.StasisStart:
		if e.Channel.ID == p.own.ID {
			p.set(func() { p.inApp, p.up = true, e.Channel.State == "Up" || p.up })
		}
	case *ari.StasisEnd:
		return p.endedBy(e.Channel.ID)
	case *ari.ChannelDestroyed:
		return p.endedBy(e.Channel.ID)
	}
	return false
}

// heardIn is what ev made the party hear, if anything: each item of a
// playback list, a recording's beep, a key. Our own "speech" on the other
// half is not something the party hears.
func (p *realParty) heardIn(ev ari.Event) (string, bool) {
	appTarget := "channel:" + p.app.ID
	switch e := ev.(type) {
	case *ari.PlaybackStarted:
		return e.Playback.MediaURI, e.Playback.TargetURI == appTarget
	case *ari.RecordingStarted:
		return "sound:beep", e.Recording.TargetURI == appTarget
	case *ari.ChannelDtmfReceived:
		return "dtmf:" + e.Digit, e.Channel.ID == p.own.ID
	}
	return "", false
}

// endedBy ends the party when channel is its own; true when it did.
func (p *realParty) endedBy(channel string) bool {
	if channel != p.own.ID {
		return false
	}
	p.end()
	return true
}

func (p *realParty) set(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f()
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *realParty) hear(what string) { p.set(func() { p.heard = append(p.heard, what) }) }

func (p *realParty) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ended {
		return
	}
	p.ended = true
	close(p.done)
	close(p.changed)
	p.changed = make(chan struct{})
}

// ErrHungUp reports that the party's channel is gone.
var ErrHungUp = errors.New("pbxtest: channel hung up")

func (p *realParty) wait(ctx context.Context, what string, cond func() bool) error {
	for {
		p.mu.Lock()
		ok, ended, ch := cond(), p.ended, p.changed
		p.mu.Unlock()
		if ok {
			return nil
		}
		if ended {
			return fmt.Errorf("wait for %s on %s: %w", what, p.own.ID, ErrHungUp)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s on %s: %w", what, p.own.ID, ctx.Err())
		case <-ch:
		}
	}
}

func (p *realParty) Heard() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.heard)
}

func (p *realParty) WaitHeard(ctx context.Context, media string) error {
	return p.wait(ctx, media, func() bool { return slices.Contains(p.heard, media) })
}

func (p *realParty) WaitHeardCount(ctx context.Context, media string, n int) error {
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

func (p *realParty) Done() <-chan struct{} { return p.done }

func (p *realParty) Hangup(ctx context.Context) error {
	if err := p.r.c.Hangup(ctx, p.own, "normal"); err != nil && !ari.IsNotFound(err) {
		return fmt.Errorf("hang up %s: %w", p.own.ID, err)
	}
	return nil
}

// realCaller is a caller: the helper holds ;1, the engine ;2.
type realCaller struct{ *realParty }

func (c *realCaller) ChannelID() string { return c.app.ID }

// Press sends the digits on ;1 once the engine has answered: they arrive
// on ;2 as ChannelDtmfReceived.
func (c *realCaller) Press(ctx context.Context, digits string) error {
	if err := c.wait(ctx, "answer", func() bool { return c.up }); err != nil {
		return fmt.Errorf("press %s: %w", digits, err)
	}
	if err := c.r.c.SendDTMF(ctx, c.own, digits, ari.DTMFOptions{Between: 150, Duration: 100}); err != nil {
		return fmt.Errorf("press %s: %w", digits, err)
	}
	return nil
}

// Speak plays a tone into the call for d: speech as far as a recording
// (and its silence detection) can tell.
func (c *realCaller) Speak(ctx context.Context, d time.Duration) error {
	if err := c.wait(ctx, "answer", func() bool { return c.up }); err != nil {
		return fmt.Errorf("speak: %w", err)
	}
	id := "pbxtest-speak-" + ari.NewID()
	if _, err := c.r.c.Play(ctx, c.own, ari.PlayOptions{Media: []string{"tone:440"}, PlaybackID: id}); err != nil {
		return fmt.Errorf("speak: %w", err)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-c.done:
		return fmt.Errorf("speak: %w", ErrHungUp)
	}
	if err := c.r.c.StopPlayback(context.WithoutCancel(ctx), ari.PlaybackKey(c.r.node, id)); err != nil && !ari.IsNotFound(err) {
		return fmt.Errorf("speak: stop: %w", err)
	}
	return ctx.Err()
}

// realPhone is a staff phone the helper plays.
type realPhone struct {
	r    *Real
	ext  string
	opts PhoneOptions
	legs chan *realLeg
}

func (ph *realPhone) Endpoint() string { return ph.r.Endpoint(ph.ext) }

func (ph *realPhone) WaitRinging(ctx context.Context) (Leg, error) {
	select {
	case l := <-ph.legs:
		return l, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for %s to ring: %w", ph.ext, ctx.Err())
	}
}

// ring takes a new leg (own is the ;2 half in the helper) and behaves as
// the phone's options say.
func (ph *realPhone) ring(own ari.Key) {
	app := ari.ChannelKey(own.Node, strings.TrimSuffix(own.ID, ";2"))
	l := &realLeg{ph.r.newParty(own, app)}
	l.set(func() { l.inApp = true })
	ctx := ph.r.ctx
	// The whisper is played to the engine's half once answered.
	_, _ = ph.r.c.SubscribeSource(ctx, app)
	select {
	case ph.legs <- l:
	default: // nobody waits for this ring; the phone still behaves
	}
	switch {
	case ph.opts.Busy:
		_ = ph.r.c.Hangup(ctx, own, "busy")
		return
	case ph.opts.NoAnswer, ph.opts.Manual:
		_ = ph.r.c.Ring(ctx, own)
		return
	}
	_ = ph.r.c.Ring(ctx, own)
	ph.r.wg.Add(1)
	go func() {
		defer ph.r.wg.Done()
		t := time.NewTimer(ph.opts.AnswerAfter)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-l.done:
		case <-t.C:
			_ = ph.r.c.Answer(ctx, own)
		}
	}()
}

// realLeg is a call ringing a phone: the helper holds ;2, the engine ;1.
type realLeg struct{ *realParty }

func (l *realLeg) ChannelID() string { return l.app.ID }

func (l *realLeg) Answer(ctx context.Context) error {
	if err := l.r.c.Answer(ctx, l.own); err != nil {
		return fmt.Errorf("answer %s: %w", l.own.ID, err)
	}
	return nil
}

// Press sends the digits on the helper's half: they reach the engine's
// half as ChannelDtmfReceived.
func (l *realLeg) Press(ctx context.Context, digits string) error {
	if err := l.r.c.SendDTMF(ctx, l.own, digits, ari.DTMFOptions{Between: 150, Duration: 100}); err != nil {
		return fmt.Errorf("press %s: %w", digits, err)
	}
	return nil
}

func (l *realLeg) WaitUp(ctx context.Context) error {
	return l.wait(ctx, "answer", func() bool { return l.up })
}
