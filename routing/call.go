package routing

import (
	"context"
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
	typed   typeAhead    // the caller's keys not yet read
	playing string       // the playback in progress, if any
	with    *person      // the person being rung or talked to
	lookup  chan lookupResult
	looking bool // a lookup is under way
	rec     record.Call
	lastUpd time.Time
	cust    *record.Customer
	greeted bool
	lost    atomic.Bool // set by Engine.Resync: the channel is gone
	matters int

	carried carried    // the context that travels with the call (S11)
	xfer    transfers  // agent transfers (Engine.Transfer, feature codes)
	urg     urgentWait // an urgent caller holding for a person's answer
}

// typeAhead is keys the caller pressed before a prompt asked for them, in
// order: the next prompt that reads keys takes them first.
type typeAhead []string

func (t *typeAhead) push(d string) { *t = append(*t, d) }

// pop takes the first key waiting ("" and false when none is).
func (t *typeAhead) pop() (string, bool) {
	if len(*t) == 0 {
		return "", false
	}
	d := (*t)[0]
	*t = (*t)[1:]
	return d, true
}

// clear drops the keys waiting (a # pressed during instructions must not
// end the recording that follows at once).
func (t *typeAhead) clear() { *t = nil }

// carried is the context that travels with the call to every person it
// reaches (S11), besides what the record holds.
type carried struct {
	path       []string // intents chosen at the menu, in order
	reasonClip string   // the last recording the caller left
	chain      []string // people who took the call, in order
	attempts   int      // people rung so far
	notesMu    sync.Mutex
	notes      []string // typed by agents (Engine.AddNote, another goroutine)

	// Who takes part (Engine.TakesPart, another goroutine): everyone the
	// call has been offered to.
	peopleMu sync.Mutex
	people   map[string]bool
}

// addNote keeps a note (already tidied) for whoever takes the call next.
func (k *carried) addNote(text string) {
	k.notesMu.Lock()
	k.notes = append(k.notes, text)
	k.notesMu.Unlock()
}

func (k *carried) notesNow() []string {
	k.notesMu.Lock()
	defer k.notesMu.Unlock()
	return append([]string(nil), k.notes...)
}

// transfers is the call's side of agent transfers.
type transfers struct {
	reqs   chan *transferCmd // from Engine.Transfer
	open   bool              // the caller is with a person: requests are taken
	target *person           // an attended transfer's target
}

type lookupResult struct {
	cust record.Customer
	err  error
}

func (e *Engine) newCall(a Arrival) *call {
	ctx, cancel := context.WithCancel(e.root)
	now := e.cfg.Clock.Now().UTC()
	c := &call{e: e, leg: a.Leg, arr: a, ctx: ctx, cancel: cancel, lang: e.cfg.Language,
		lookup: make(chan lookupResult, 1), xfer: transfers{reqs: make(chan *transferCmd)}}
	c.urg.answers = make(chan bool)
	// The caller's number and name are as the network gives them, cleaned
	// so the record is never refused for a control character in them (S4).
	c.rec = record.Call{
		ID:           ulid.Make().String(),
		Node:         a.Leg.Node,
		ChannelID:    a.Leg.ID,
		CallerNumber: record.CleanText(a.CallerNumber, 200),
		CallerName:   record.CleanText(a.CallerName, 200),
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

// event appends one step to the call's timeline; the payload names the step.
func (c *call) event(staffID string, d record.EventData) {
	ev := record.Event{ID: ulid.Make().String(), CallID: c.rec.ID, At: c.now(), Type: d.EventType(), StaffID: staffID}
	ev.Data, _ = record.EncodeEventData(d) // plain structs: cannot fail
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

// A wake is what ended a wait on the call (next): an event on the
// caller's leg, an event on a person's leg, an agent's transfer request,
// or a person's answer to an urgent caller.
type wake interface{ wake() }

type (
	// callerEvent happened on the caller's leg.
	callerEvent struct{ Event }
	// personEvent happened on the leg of a person on the call (the one
	// talked to, or the target of an attended transfer).
	personEvent struct {
		Event
		on *person
	}
	// transferAsk is an agent's transfer request (Engine.Transfer).
	transferAsk struct{ cmd *transferCmd }
	// urgentAnswer is a person's answer to an urgent caller (Engine.AnswerUrgent).
	urgentAnswer struct{ accept bool }
)

func (callerEvent) wake()  {}
func (personEvent) wake()  {}
func (transferAsk) wake()  {}
func (urgentAnswer) wake() {}

// next waits up to d (0: no limit but the call's) for the next thing that
// happens to the call. A caller hangup is errHangup, nothing in time
// errTimeout. Customer lookups landing meanwhile are taken in (S3: used
// once known); transfer requests while nobody can act on them are refused.
func (c *call) next(d time.Duration) (wake, error) {
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
		w, err := c.take(timeout)
		if w != nil || err != nil {
			return w, err
		}
	}
}

// take waits for one thing; nil, nil for what next deals with itself.
func (c *call) take(timeout <-chan time.Time) (wake, error) {
	select {
	case <-c.ctx.Done():
		return nil, fmt.Errorf("call ended: %w", c.ctx.Err())
	case <-timeout:
		return nil, errTimeout
	case r := <-c.lookup:
		c.tookLookup(r)
	case ok := <-c.urg.answers:
		return urgentAnswer{ok}, nil
	case cmd := <-c.xfer.reqs:
		if c.xfer.open {
			return transferAsk{cmd}, nil
		}
		cmd.answer(record.TransferResult{}, record.Errorf(record.EConflict, "the call is not with a person now"))
	case ev, ok := <-c.events:
		if !ok {
			return nil, c.closedErr()
		}
		if ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
			return nil, errHangup
		}
		return callerEvent{ev}, nil
	case ev, ok := <-c.with.stream():
		return c.with.took(ev, ok), nil
	case ev, ok := <-c.xfer.target.stream():
		return c.xfer.target.took(ev, ok), nil
	}
	return nil, nil
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
		c.typed.push(ev.Digit)
	}
	return nil
}

// play plays media to the caller and waits for it to finish. With
// interrupt, the first key pressed stops it and is returned; otherwise keys
// are kept for the next prompt that reads digits (type-ahead).
func (c *call) play(interrupt bool, media ...string) (string, error) {
	if interrupt {
		if d, ok := c.typed.pop(); ok {
			return d, nil
		}
	}
	id := ulid.Make().String()
	if err := c.e.cfg.Control.Play(c.ctx, c.leg, id, media...); err != nil {
		return "", c.controlErr("play", err)
	}
	c.playing = id
	defer func() { c.playing = "" }()
	c.heard(media)
	for {
		w, err := c.next(0)
		if err != nil {
			return "", err
		}
		ev, ok := w.(callerEvent)
		switch {
		case !ok:
			continue
		case ev.Kind == EvPlaybackFinished && ev.PlaybackID == id:
			if ev.Failed {
				c.log("warn", "prompt did not play", "media", strings.Join(media, ","))
			}
			return "", nil
		case ev.Kind == EvDTMF:
			if !interrupt {
				c.typed.push(ev.Digit)
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
	if d, ok := c.typed.pop(); ok {
		return d, nil
	}
	deadline := c.now().Add(d)
	for {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return "", errTimeout
		}
		w, err := c.next(left)
		if err != nil {
			return "", err
		}
		if ev, ok := w.(callerEvent); ok && ev.Kind == EvDTMF {
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
	c.event("", record.CustomerIdentifiedData{CustomerID: cust.ID, VIP: cust.VIP})
	c.save()
}
