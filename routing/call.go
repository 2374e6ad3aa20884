package routing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// errHangup means the caller left; errTimeout that nothing came in time.
var (
	errHangup  = errors.New("caller hung up")
	errTimeout = errors.New("timed out")
)

// call is one call's state, owned by its goroutine.
type call struct {
	e      *Engine
	leg    Leg
	arr    Arrival
	ctx    context.Context
	cancel context.CancelFunc
	lang   prompt.Lang

	events  <-chan Event // the caller leg
	agent   *agentLeg    // the person being rung or talked to
	lookup  chan lookupResult
	typed   []string // digits pressed ahead of a prompt (type-ahead)
	rec     record.Call
	lastUpd time.Time
	cust    *record.Customer
	looking bool   // a lookup is under way
	playing string // the playback in progress, if any
	greeted bool
	lost    atomic.Bool // set by Engine.Resync: the channel is gone
	matters int

	// The context that travels with the call (S11).
	path       []string // intents chosen at the menu, in order
	reasonClip string   // the last recording the caller left
	chain      []string // people who took the call, in order
	attempts   int      // people rung so far
	notesMu    sync.Mutex
	notes      []string // typed by agents (Engine.AddNote, another goroutine)

	// Agent transfers (Engine.Transfer, feature codes).
	reqs    chan *transferCmd
	phase   string       // phaseTalk or phaseConsult when requests are taken
	consult *agentLeg    // the target of an attended transfer
	request *transferCmd // the request behind the last evRequest from next

	urg urgentWait // an urgent caller holding for a person's answer
}

type agentLeg struct {
	leg    Leg
	events <-chan Event
	cancel context.CancelFunc // ends the watch
	up     bool               // in the application (answered)
	ended  bool
}

type lookupResult struct {
	cust record.Customer
	err  error
}

func (e *Engine) newCall(a Arrival) *call {
	ctx, cancel := context.WithCancel(e.root)
	now := e.cfg.Clock.Now().UTC()
	c := &call{e: e, leg: a.Leg, arr: a, ctx: ctx, cancel: cancel, lang: e.cfg.Language,
		lookup: make(chan lookupResult, 1), reqs: make(chan *transferCmd)}
	c.urg.answers = make(chan bool)
	c.rec = record.Call{
		ID:           ulid.Make().String(),
		Node:         a.Leg.Node,
		ChannelID:    a.Leg.ID,
		CallerNumber: a.CallerNumber,
		CallerName:   a.CallerName,
		DialedNumber: a.Dialed,
		Language:     string(c.lang),
		Outcome:      record.OutcomeInProgress,
		ArrivedAt:    now,
	}
	// Watch first: nothing the caller does from here on is missed.
	c.events = e.cfg.Control.Watch(ctx, a.Leg)
	e.mu.Lock()
	e.calls[c.rec.ID] = c
	e.mu.Unlock()
	return c
}

func (c *call) now() time.Time { return c.e.cfg.Clock.Now().UTC() }

// idle marks the call's goroutine as waiting (time may move on a virtual
// clock) until the returned func marks it busy again.
func (c *call) idle() (busy func()) {
	c.e.cfg.Clock.Idle()
	return c.e.cfg.Clock.Busy
}

func (c *call) log(level, msg string, kv ...any) {
	f := map[string]any{"call_id": c.rec.ID, "channel_id": c.leg.ID}
	for i := 0; i+1 < len(kv); i += 2 {
		f[fmt.Sprint(kv[i])] = kv[i+1]
	}
	c.e.cfg.Log(level, msg, f)
}

// event appends one step to the call's timeline.
func (c *call) event(typ, staffID string, data map[string]any) {
	ev := record.Event{ID: ulid.Make().String(), CallID: c.rec.ID, At: c.now(), Type: typ, StaffID: staffID}
	if len(data) > 0 {
		b, err := json.Marshal(data)
		if err == nil {
			ev.Data = b
		}
	}
	c.e.cfg.Sink.Event(ev)
}

// save sends the call summary. UpdatedAt strictly increases (at the
// store's microsecond precision) so a later summary always wins.
func (c *call) save() {
	u := c.now().Truncate(time.Microsecond)
	if !u.After(c.lastUpd) {
		u = c.lastUpd.Add(time.Microsecond)
	}
	c.lastUpd = u
	c.rec.UpdatedAt = u
	rec := c.rec
	rec.StaffIDs = append([]string(nil), c.rec.StaffIDs...)
	c.e.cfg.Sink.Call(rec)
}

// next waits for the next event on the caller's or the agent's leg, up to
// d (0: no limit but the call's). A caller hangup is errHangup. Customer
// lookups landing meanwhile are taken in (S3: used once known).
func (c *call) next(d time.Duration) (Event, error) {
	var timeout <-chan time.Time
	if d > 0 {
		t := c.e.cfg.Clock.NewTimer(d)
		defer t.Stop()
		timeout = t.C()
	}
	// Waiting: the clock may move. What the loop does between receives
	// stays in memory (no I/O a virtual clock could not see).
	defer c.idle()()
	for {
		var agentEvents, consultEvents <-chan Event
		if c.agent != nil && !c.agent.ended {
			agentEvents = c.agent.events
		}
		if c.consult != nil && !c.consult.ended {
			consultEvents = c.consult.events
		}
		select {
		case <-c.ctx.Done():
			return Event{}, fmt.Errorf("call ended: %w", c.ctx.Err())
		case <-timeout:
			return Event{}, errTimeout
		case r := <-c.lookup:
			c.tookLookup(r)
		case ok := <-c.urg.answers:
			c.urg.got = ok
			return Event{Kind: evUrgent}, nil
		case cmd := <-c.reqs:
			if c.phase == "" {
				cmd.reply <- transferReply{err: record.Errorf(record.EConflict, "the call is not with a person now")}
				continue
			}
			c.request = cmd
			return Event{Kind: evRequest}, nil
		case ev, ok := <-c.events:
			if !ok {
				return Event{}, c.closedErr()
			}
			if ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
				return ev, errHangup
			}
			return ev, nil
		case ev, ok := <-agentEvents:
			if !ok {
				c.agent.ended = true
				continue
			}
			c.agent.saw(ev)
			return ev, nil
		case ev, ok := <-consultEvents:
			if !ok {
				c.consult.ended = true
				continue
			}
			c.consult.saw(ev)
			return ev, nil
		}
	}
}

// saw updates a person's leg state from one of its events.
func (a *agentLeg) saw(ev Event) {
	if ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
		a.ended = true
	}
	if ev.Kind == EvStart {
		a.up = true
	}
}

// closedErr is why the caller's event stream closed: it ends with the
// call's context, so that is the engine closing, not the caller leaving.
func (c *call) closedErr() error {
	if err := c.ctx.Err(); err != nil {
		return fmt.Errorf("call ended: %w", err)
	}
	return errHangup
}

// aside takes a caller event (ok false: the stream closed) that came while
// waiting for something else: a hangup ends the wait; a key is kept for
// the next prompt (type-ahead).
func (c *call) aside(ev Event, ok bool) error {
	switch {
	case !ok:
		return c.closedErr()
	case ev.Kind == EvEnd || ev.Kind == EvHangupRequest:
		return errHangup
	case ev.Kind == EvDTMF:
		c.typed = append(c.typed, ev.Digit)
	}
	return nil
}

func (c *call) fromAgent(ev Event) bool { return c.agent != nil && ev.Leg.ID == c.agent.leg.ID }

// play plays media to the caller and waits for it to finish. With
// interrupt, the first key pressed stops it and is returned; otherwise keys
// are kept for the next prompt that reads digits (type-ahead).
func (c *call) play(interrupt bool, media ...string) (string, error) {
	if interrupt && len(c.typed) > 0 {
		d := c.typed[0]
		c.typed = c.typed[1:]
		return d, nil
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.Play(c.ctx, c.leg, id, media...); err != nil {
		return "", c.controlErr("play", err)
	}
	c.playing = id
	defer func() { c.playing = "" }()
	c.heard(media)
	for {
		ev, err := c.next(0)
		if err != nil {
			return "", err
		}
		switch {
		case c.fromAgent(ev):
			continue
		case ev.Kind == EvPlaybackFinished && ev.PlaybackID == id:
			if ev.Failed {
				c.log("warn", "prompt did not play", "media", strings.Join(media, ","))
			}
			return "", nil
		case ev.Kind == EvDTMF:
			if !interrupt {
				c.typed = append(c.typed, ev.Digit)
				continue
			}
			// Stop the prompt; its PlaybackFinished is ignored by id.
			if err := c.e.cfg.Control.StopPlayback(c.ctx, c.leg.Node, id); err != nil {
				c.log("warn", "stop playback", "error", err.Error())
			}
			return ev.Digit, nil
		}
	}
}

// heard is a hook for logs: what the caller was played.
func (c *call) heard(media []string) {
	c.log("debug", "play", "media", strings.Join(media, ","))
}

// digit waits up to d for one key (type-ahead first).
func (c *call) digit(d time.Duration) (string, error) {
	if len(c.typed) > 0 {
		k := c.typed[0]
		c.typed = c.typed[1:]
		return k, nil
	}
	deadline := c.now().Add(d)
	for {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return "", errTimeout
		}
		ev, err := c.next(left)
		if err != nil {
			return "", err
		}
		if ev.Kind == EvDTMF && !c.fromAgent(ev) {
			return ev.Digit, nil
		}
	}
}

// controlErr turns a failed operation into errHangup when the caller has
// just left (the request raced the hangup), else wraps it.
func (c *call) controlErr(step string, err error) error {
	if c.ctx.Err() != nil {
		return fmt.Errorf("%s: %w", step, c.ctx.Err())
	}
	if errors.Is(err, ErrLegGone) {
		return errHangup
	}
	// Give the hangup event a moment to arrive before calling it a failure.
	t := c.e.cfg.Clock.NewTimer(500 * time.Millisecond)
	defer t.Stop()
	defer c.idle()()
	for {
		select {
		case ev, ok := <-c.events:
			if err := c.aside(ev, ok); err != nil {
				return err
			}
		case <-t.C():
			return fmt.Errorf("%s: %w", step, err)
		}
	}
}

// startLookup finds the caller in the customer file without holding up
// anything: the result is taken in whenever it lands.
func (c *call) startLookup() {
	dir := c.e.cfg.Directory
	if dir == nil || strings.TrimSpace(c.arr.CallerNumber) == "" {
		return
	}
	c.looking = true
	c.e.cfg.Clock.Busy() // a lookup in the store is a party of its own
	go func() {
		defer c.e.cfg.Clock.Idle()
		ctx, cancel := context.WithTimeout(c.ctx, c.e.cfg.LookupTimeout)
		defer cancel()
		cust, err := dir.FindCustomerByPhone(ctx, c.arr.CallerNumber)
		c.lookup <- lookupResult{cust, err}
	}()
}

// awaitLookup gives a lookup still under way up to d to land (after the
// answer, before the greeting), without missing the caller's events.
func (c *call) awaitLookup(d time.Duration) error {
	if !c.looking {
		return nil
	}
	t := c.e.cfg.Clock.NewTimer(d)
	defer t.Stop()
	timeout := t.C()
	defer c.idle()()
	for c.looking {
		select {
		case r := <-c.lookup:
			c.tookLookup(r)
		case <-timeout:
			return nil
		case ev, ok := <-c.events:
			if err := c.aside(ev, ok); err != nil {
				return err
			}
		case <-c.ctx.Done():
			return fmt.Errorf("call ended: %w", c.ctx.Err())
		}
	}
	return nil
}

func (c *call) tookLookup(r lookupResult) {
	c.looking = false
	if r.err != nil {
		if !record.IsNotFound(r.err) {
			c.log("warn", "customer lookup failed", "error", r.err.Error())
		}
		return
	}
	cust := r.cust
	c.cust = &cust
	c.rec.CustomerID = cust.ID
	// A customer known to prefer another language hears it from the
	// greeting on (S2: Mandarin unless we know better).
	if l, err := prompt.ParseLang(cust.Language); err == nil && !c.greeted {
		c.lang = l
		c.rec.Language = string(l)
	}
	if c.rec.CallerName == "" {
		c.rec.CallerName = cust.Name
	}
	c.event("customer_identified", "", map[string]any{"customer_id": cust.ID, "vip": cust.VIP})
	c.save()
}
