package routing

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// run is the call, start to end.
func (c *call) run() {
	endedBy := "system"
	defer func() {
		if p := recover(); p != nil {
			c.log("error", "call handling panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			c.event("error", "", map[string]any{"error": "internal error"})
			c.rec.Outcome = record.OutcomeFailed
			c.politeEnd(prompt.KeySorryError)
		}
		c.finish(endedBy)
	}()
	err := c.flow()
	switch {
	case errors.Is(err, errHangup):
		endedBy = "caller"
	case err != nil && c.ctx.Err() != nil:
		// The engine is closing: apologise, say goodbye, hang up; the
		// record says the matter was not finished.
		c.event("shutdown", "", nil)
		if c.rec.Outcome == record.OutcomeInProgress {
			c.rec.Outcome = record.OutcomeFailed
		}
		c.politeEnd(prompt.KeySorryError)
	case err != nil:
		c.log("error", "call failed", "error", err.Error())
		c.event("error", "", map[string]any{"error": err.Error()})
		c.rec.Outcome = record.OutcomeFailed
		c.politeEnd(prompt.KeySorryError)
	}
}

func (c *call) flow() error {
	c.event("arrived", "", map[string]any{"caller_number": c.arr.CallerNumber, "dialed": c.arr.Dialed})
	c.save()
	c.startLookup()
	if err := c.answer(); err != nil {
		return err
	}
	// S3 with S1: the answer never waited for the lookup; the greeting
	// gives one under way a moment, then uses what has arrived.
	if err := c.awaitLookup(c.e.cfg.GreetWait); err != nil {
		return err
	}
	if err := c.greet(); err != nil {
		return err
	}
	for {
		intent, ext, fallback, err := c.menu()
		if err != nil {
			return err
		}
		if err := c.handle(intent, ext, fallback); err != nil {
			return err
		}
		c.matters++
		more, err := c.anythingElse()
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if c.rec.Outcome == record.OutcomeInProgress {
		c.rec.Outcome = record.OutcomeCompleted
	}
	if _, err := c.play(false, c.media(prompt.KeyThanksForCalling), c.media(prompt.KeyGoodbye)); err != nil {
		return err
	}
	return nil
}

func (c *call) media(k prompt.Key) string { return prompt.Media(c.lang, k) }

// answer lets it ring per the S1 policy, then answers. Nothing else
// (database, lookups) is waited on.
func (c *call) answer() error {
	if err := c.e.cfg.Control.Ring(c.ctx, c.leg); err != nil {
		return c.controlErr("ring", err)
	}
	c.event("ringing", "", nil)
	if d := c.e.cfg.Answer.Delay(); d > 0 {
		deadline := c.now().Add(d)
		for {
			left := deadline.Sub(c.now())
			if left <= 0 {
				break
			}
			ev, err := c.next(left)
			if errors.Is(err, errTimeout) {
				break
			}
			if err != nil {
				return err
			}
			if ev.Kind == EvDTMF {
				c.typed = append(c.typed, ev.Digit)
			}
		}
	}
	if err := c.e.cfg.Control.Answer(c.ctx, c.leg); err != nil {
		return c.controlErr("answer", err)
	}
	at := c.now()
	elapsed := at.Sub(c.rec.ArrivedAt)
	c.rec.AnsweredAt = &at
	c.rec.AnswerMS = int(elapsed / time.Millisecond)
	c.rec.RingsToAnswer = c.e.cfg.Answer.Cadence.RingsAt(elapsed)
	c.event("answered", "", map[string]any{"rings_to_answer": c.rec.RingsToAnswer, "answer_ms": c.rec.AnswerMS})
	c.save()
	return nil
}

func (c *call) greet() error {
	c.greeted = true
	g := c.e.cfg.Greeter.Greet(c.now(), c.lang, c.cust)
	// Keys pressed during the greeting go to the menu (type-ahead).
	if _, err := c.play(false, g.Media...); err != nil {
		return err
	}
	data := map[string]any{"form": string(g.Form), "named": g.Named}
	if g.Holiday != "" {
		data["holiday"] = g.Holiday
	}
	if g.Text != "" {
		data["text"] = g.Text
	}
	c.event("greeted", "", data)
	return nil
}

// menuKeys is the menu, in the order it is read out.
var menuKeys = []struct {
	digit  string
	key    prompt.Key
	intent string
}{
	{"1", prompt.KeyMenuOrder, record.IntentOrder},
	{"2", prompt.KeyMenuComplaint, record.IntentComplaint},
	{"3", prompt.KeyMenuSuggestion, record.IntentSuggestion},
	{"4", prompt.KeyMenuExtension, record.IntentPerson},
	{"9", prompt.KeyMenuGeneralManager, record.IntentGeneralManager},
	{"0", prompt.KeyMenuDesk, record.IntentDesk},
}

// menu asks what the caller wants: no input or a wrong key is re-prompted
// twice, then the desk takes the call.
func (c *call) menu() (intent, ext string, fallback bool, err error) {
	media := make([]string, 0, len(menuKeys))
	for _, m := range menuKeys {
		media = append(media, c.media(m.key))
	}
	var bad []string
	for attempt := 0; attempt < 3; attempt++ {
		d, err := c.play(true, media...)
		if err != nil {
			return "", "", false, err
		}
		if d == "" {
			d, err = c.digit(c.e.cfg.MenuTimeout)
			if err != nil && !errors.Is(err, errTimeout) {
				return "", "", false, err
			}
		}
		for _, m := range menuKeys {
			if d != m.digit {
				continue
			}
			intent = m.intent
			if intent == record.IntentPerson {
				ext, err = c.extension()
				if err != nil {
					return "", "", false, err
				}
			}
			c.choose(intent, d, ext, attempt, false)
			return intent, ext, false, nil
		}
		bad = append(bad, d)
		if attempt == 2 {
			break
		}
		k := prompt.KeyInvalidChoice
		if d == "" {
			k = prompt.KeyNoChoice
		}
		if _, err := c.play(true, c.media(k)); err != nil {
			return "", "", false, err
		}
	}
	c.choose(record.IntentDesk, "", "", 3, true)
	c.event("menu_fallback", "", map[string]any{"inputs": bad})
	return record.IntentDesk, "", true, nil
}

func (c *call) choose(intent, digit, ext string, attempt int, fallback bool) {
	data := map[string]any{"intent": intent, "attempt": attempt + 1}
	if digit != "" {
		data["digit"] = digit
	}
	if ext != "" {
		data["extension"] = ext
	}
	if fallback {
		data["fallback"] = true
	}
	c.event("menu_choice", "", data)
	if c.rec.Intent == "" {
		c.rec.Intent = intent
	}
	c.save()
}

// extension collects digits up to # (or a pause).
func (c *call) extension() (string, error) {
	d, err := c.play(true, c.media(prompt.KeyEnterExtension))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for len(b.String()) < 12 {
		if d == "" {
			d, err = c.digit(c.e.cfg.DigitTimeout)
			if errors.Is(err, errTimeout) {
				break
			}
			if err != nil {
				return "", err
			}
		}
		if d == "#" {
			break
		}
		b.WriteString(d)
		d = ""
	}
	return b.String(), nil
}

// handle routes one matter and carries it out.
func (c *call) handle(intent, ext string, fallback bool) error {
	now := c.now()
	staff := c.staff()
	d := c.e.decide(c, RouteRequest{Now: now, Intent: intent, Fallback: fallback, Extension: ext,
		Customer: c.cust, Language: string(c.lang)}, staff)
	data := map[string]any{"rule": d.Rule, "reason": d.Reason, "target": string(d.Kind)}
	if d.Department != "" {
		data["department"] = d.Department
	}
	staffID := ""
	if d.Staff != nil {
		staffID = d.Staff.ID
		data["staff_id"] = d.Staff.ID
	}
	if d.Requested != nil {
		data["requested_staff_id"] = d.Requested.ID
	}
	c.event("routed", staffID, data)
	if d.NotifySupervisor {
		text := fmt.Sprintf("caller %s asked for the general manager; the desk is handling it", c.rec.CallerNumber)
		c.event("supervisor_notice", "", map[string]any{"kind": "general_manager_request", "text": text})
		if n := c.e.cfg.Notifier; n != nil {
			n.NotifySupervisor(c.ctx, c.rec.ID, "general_manager_request", text)
		}
		if _, err := c.play(false, c.media(prompt.KeyGeneralManagerNotice)); err != nil {
			if d.Staff != nil {
				c.e.release(d.Staff.ID, c.now())
			}
			return err
		}
	}
	switch d.Kind {
	case TargetRecording:
		return c.takeRecording(intent)
	case TargetAfterHours:
		k := prompt.KeyAfterHours
		if d.Rule == RuleHoliday {
			k = prompt.KeyHolidayShut
		}
		_, err := c.play(false, c.media(k))
		return err
	}
	if d.Staff == nil {
		return c.nobodyFree(d, prompt.KeyDeskBusy)
	}
	return c.connect(d)
}

// staff lists the directory (bounded wait; an empty list routes to the
// machine's own handling rather than holding the caller).
func (c *call) staff() []record.Staff {
	dir := c.e.cfg.Directory
	if dir == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.e.cfg.LookupTimeout)
	defer cancel()
	var all []record.Staff
	q := record.ListQuery{Limit: 1000}
	for range 20 {
		page, next, err := dir.ListStaff(ctx, q)
		if err != nil {
			c.log("warn", "staff list failed", "error", err.Error())
			return all
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		q.Cursor = next
	}
	return all
}

// decide runs the router on the engine's view of who is free and reserves
// the person chosen, so two calls never ring the same free person.
func (e *Engine) decide(c *call, req RouteRequest, staff []record.Staff) Decision {
	for range 5 {
		req.Staff = e.candidates(c.ctx, staff)
		d := e.cfg.Router.Decide(req)
		if d.Staff == nil || e.reserve(d.Staff.ID, c.rec.ID) {
			return d
		}
	}
	req.Staff = nil
	return e.cfg.Router.Decide(req)
}

// takeRecording records a complaint (S14) or suggestion (S7) in full: the
// caller ends it with # (or by hanging up); the only limit is a generous
// maximum, never a short silence timeout.
func (c *call) takeRecording(intent string) error {
	instr, thanks := prompt.KeyComplaintInstructions, prompt.KeyComplaintRecorded
	if intent == record.IntentSuggestion {
		instr, thanks = prompt.KeySuggestionInstructions, prompt.KeySuggestionThanks
	}
	if _, err := c.play(false, c.media(instr)); err != nil {
		return err
	}
	c.typed = nil // a # pressed during the instructions must not end the recording at once
	// One call may leave several (S8 loops): the matter's number keeps names unique.
	name := fmt.Sprintf("callsvc-%s-%s-%d", strings.ToLower(c.rec.ID), intent, c.matters+1)
	err := c.e.cfg.Control.Record(c.ctx, c.leg, RecordOptions{Name: name, Format: "wav",
		MaxDuration: c.e.cfg.MaxRecording, Beep: true, TerminateOn: "#"})
	if err != nil {
		return c.controlErr("record", err)
	}
	c.event("recording_started", "", map[string]any{"recording": name, "intent": intent})
	for {
		ev, err := c.next(c.e.cfg.MaxRecording + time.Minute)
		if errors.Is(err, errHangup) {
			// The caller said it all and hung up: Asterisk keeps what was
			// recorded; the record says so.
			c.event("recording_kept", "", map[string]any{"recording": name, "intent": intent, "ended": "caller_hung_up"})
			c.keepNote(intent, name)
			return err
		}
		if err != nil {
			return err
		}
		switch {
		case ev.Kind == EvRecordingFinished && ev.RecordingName == name:
			c.event("recording_kept", "", map[string]any{"recording": name, "intent": intent,
				"duration_s": int(ev.Duration / time.Second)})
			c.keepNote(intent, name)
			_, err := c.play(false, c.media(thanks))
			return err
		case ev.Kind == EvRecordingFailed && ev.RecordingName == name:
			c.event("recording_failed", "", map[string]any{"recording": name, "cause": ev.Cause})
			return c.nobodyFree(Decision{Rule: "recording_failed"}, prompt.KeySorryPleaseWait)
		}
	}
}

func (c *call) keepNote(intent, name string) {
	line := fmt.Sprintf("%s recorded: %s", intent, name)
	if c.rec.Notes == "" {
		c.rec.Notes = line
	} else {
		c.rec.Notes += "\n" + line
	}
	c.save()
}

// nobodyFree is the call's answer when no person can take it now. The
// NobodyFree hook (messages, callbacks: later issues) may take over;
// otherwise the caller is promised a callback (S12).
func (c *call) nobodyFree(d Decision, first prompt.Key) error {
	if h := c.e.cfg.Hooks.NobodyFree; h != nil {
		if h(c.ctx, &CallInfo{ID: c.rec.ID, Leg: c.leg, Intent: c.rec.Intent, Customer: c.cust, Decision: d}) {
			return nil
		}
	}
	c.event("callback_promised", "", map[string]any{"rule": d.Rule})
	c.rec.Outcome = record.OutcomeCallbackRequested
	c.save()
	_, err := c.play(false, c.media(first), c.media(prompt.KeyCallbackPromise))
	return err
}

// anythingElse is S8: after a matter, ask; 1 = yes (back to the menu).
func (c *call) anythingElse() (bool, error) {
	if c.matters >= c.e.cfg.MaxMatters {
		return false, nil
	}
	d, err := c.play(true, c.media(prompt.KeyAnythingElse))
	if err != nil {
		return false, err
	}
	if d == "" {
		d, err = c.digit(c.e.cfg.MenuTimeout)
		if err != nil && !errors.Is(err, errTimeout) {
			return false, err
		}
	}
	c.event("anything_else", "", map[string]any{"answer": d})
	return d == "1", nil
}

// politeEnd says a last sentence and hangs up, on a fresh short context
// (the call's own may be over).
func (c *call) politeEnd(k prompt.Key) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c.rec.AnsweredAt != nil {
		// The call's own watch may be over: watch again for these last words.
		events := c.events
		if c.ctx.Err() != nil {
			events = c.e.cfg.Control.Watch(ctx, c.leg)
		}
		if c.playing != "" {
			if err := c.e.cfg.Control.StopPlayback(ctx, c.leg.Node, c.playing); err != nil {
				c.log("warn", "stop playback", "error", err.Error())
			}
		}
		id := fmt.Sprintf("bye-%s", c.rec.ID)
		if err := c.e.cfg.Control.Play(ctx, c.leg, id, c.media(k), c.media(prompt.KeyGoodbye)); err == nil {
			c.waitPlayback(ctx, events, id, 8*time.Second)
		}
	}
	if err := c.e.cfg.Control.Hangup(ctx, c.leg, "normal"); err != nil {
		c.log("warn", "hangup", "error", err.Error())
	}
}

// waitPlayback waits for one playback's end on the caller's events without
// the call's context (used while ending).
func (c *call) waitPlayback(ctx context.Context, events <-chan Event, id string, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok || ev.Kind == EvEnd || ev.Kind == EvHangupRequest || (ev.Kind == EvPlaybackFinished && ev.PlaybackID == id) {
				return
			}
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// finish closes the record: who ended it, the outcome, the times. It runs
// for every call, however it ended.
func (c *call) finish(endedBy string) {
	defer func() {
		c.cancel()
		c.e.mu.Lock()
		delete(c.e.calls, c.rec.ID)
		c.e.mu.Unlock()
	}()
	c.hangupAgent()
	if endedBy == "system" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := c.e.cfg.Control.Hangup(ctx, c.leg, "normal"); err != nil {
			c.log("warn", "hangup", "error", err.Error())
		}
		cancel()
	}
	now := c.now()
	c.rec.EndedAt = &now
	c.rec.EndedBy = endedBy
	switch {
	case c.rec.AnsweredAt == nil:
		c.rec.Outcome = record.OutcomeAbandoned
	case c.rec.Outcome == record.OutcomeInProgress:
		c.rec.Outcome = record.OutcomeCallerHungUp
		if endedBy != "caller" {
			c.rec.Outcome = record.OutcomeCompleted
		}
	}
	c.event("ended", "", map[string]any{"by": endedBy})
	c.event("outcome", "", map[string]any{"outcome": c.rec.Outcome})
	c.save()
}
