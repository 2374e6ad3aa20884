package routing

import (
	"context"
	"errors"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Channel variables the person's leg carries: the call's context goes with
// it (S11), for the phone's display, the whisper and the screen pop.
const (
	VarCallID   = "CALLSVC_CALL_ID"
	VarIntent   = "CALLSVC_INTENT"
	VarCustomer = "CALLSVC_CUSTOMER_ID"
	VarCaller   = "CALLSVC_CALLER"
	VarContext  = "CALLSVC_CONTEXT" // the compact JSON record.CallContext
	VarSummary  = "CALLSVC_SUMMARY" // one line for people
	// SIP headers on the INVITE to a PJSIP phone, so softphones that show
	// headers show the context (PJSIP_HEADER(add,...) set at originate).
	VarHeaderSummary = "PJSIP_HEADER(add,X-Callsvc-Context)"
	VarHeaderCallID  = "PJSIP_HEADER(add,X-Callsvc-Call-Id)"
)

// Why an attempt to reach a person failed (timeline "staff_no_answer").
const (
	FailNoAnswer      = "no_answer"
	FailOriginate     = "originate_failed"
	FailWhisperHangup = "hung_up_during_whisper"
	FailBeforeBridge  = "hung_up_before_bridge"
)

// connect puts the caller through to d.Staff (already reserved for this
// call), trying the next free person when they do not take it (S15).
func (c *call) connect(d Decision) error {
	if _, err := c.play(false, c.media(prompt.KeyConnecting)); err != nil {
		c.e.release(d.Staff.ID, c.rec.ID, c.now())
		return err
	}
	return c.transfer(d, "")
}

// transfer rings d.Staff and, after each failure, apologises to the caller
// ("對不起, 請稍等", once per failed attempt, S15) and rings the next free
// person in d.Department, up to MaxAttempts people; then one free person
// at the service desk; then the caller is offered something else
// (NobodyFree hook, or a callback). from is the person passing the call on
// ("" for the engine's own routing).
func (c *call) transfer(d Decision, from string) error {
	tried := map[string]bool{}
	desk := c.e.cfg.Router.desk()
	deskTried := d.Department == desk
	for n := 1; ; n++ {
		s := *d.Staff
		tried[s.ID] = true
		why, err := c.tryPerson(s, from)
		if err != nil || why == "" {
			return err
		}
		if _, err := c.play(false, c.media(prompt.KeySorryPleaseWait)); err != nil {
			return err
		}
		var next *record.Staff
		if n < c.e.cfg.MaxAttempts {
			next = c.e.nextPerson(c, d.Department, tried)
		}
		rule := "next_in_department"
		if next == nil && !deskTried {
			// The department could not take it: the service desk does.
			deskTried = true
			next = c.e.nextPerson(c, desk, tried)
			rule = "desk_fallback"
			d.Department = desk
		}
		if next == nil {
			break
		}
		c.event("transfer_next", next.ID, map[string]any{"attempt": n + 1, "department": d.Department, "staff_id": next.ID, "rule": rule})
		d.Staff = next
	}
	return c.nobodyFree(d, "")
}

// tryPerson rings s with the call's context, whispers the context to them
// when they answer, bridges them with the caller and stays until they
// leave. It returns why it failed ("" when they took the call and have
// finished), or an error when the caller left. s is released on return.
func (c *call) tryPerson(s record.Staff, from string) (string, error) {
	cur := s // the person on the call; an attended transfer changes it
	defer func() { c.e.release(cur.ID, c.rec.ID, c.now()) }()
	c.attempts++
	cc := c.context()
	c.pop(s.ID, "offered", cc)
	// Every offer is closed on the person's screen (missed or ended)
	// before they are released, however this attempt ends.
	closed := false
	defer func() {
		if !closed {
			c.pop(cur.ID, "missed", c.context())
		}
	}()

	defer c.hangupAgent()
	if err := c.e.cfg.Control.StartMOH(c.ctx, c.leg); err != nil {
		return "", c.controlErr("music on hold", err)
	}
	data := map[string]any{"endpoint": s.Endpoint, "attempt": c.attempts, "summary": cc.Summary(), "context": cc}
	if from != "" {
		data["from_staff_id"] = from
	}
	c.event("ringing_staff", s.ID, data)
	var err error
	if c.agent, err = c.ringPerson(s, cc); err != nil {
		c.log("warn", "ring staff failed", "staff_id", s.ID, "error", err.Error())
		return c.notAnswered(s, FailOriginate)
	}

	if why, err := c.waitAnswer(); why != "" || err != nil {
		if err != nil {
			c.abandoned(s, "ringing")
			return "", err
		}
		return c.notAnswered(s, why)
	}
	answeredAt := c.now()
	c.event("staff_answered", s.ID, nil)

	// S11: the person hears who is calling and why before the caller is
	// put through; the caller keeps hearing music meanwhile.
	ok, whisperStart, err := c.whisper(cc)
	if err != nil {
		c.abandoned(s, "whisper")
		return "", err
	}
	if !ok {
		return c.notAnswered(s, FailWhisperHangup)
	}
	whisperedAt := c.now()
	c.event("whisper_played", s.ID, map[string]any{"whisper_ms": whisperedAt.Sub(whisperStart).Milliseconds()})

	bridgeID, why, err := c.bridgeWith(s)
	if err != nil || why != "" {
		if err != nil {
			return "", err
		}
		return c.notAnswered(s, why)
	}
	defer func() { c.destroyBridge(bridgeID) }()
	connectedAt := c.now()
	c.rec.Outcome = record.OutcomeConnected
	if c.rec.OwnerStaffID == "" {
		c.rec.OwnerStaffID = s.ID // S5: the first person who takes the call owns it
	}
	if from != "" {
		c.rec.Transferred = true
	}
	c.addStaff(s.ID)
	c.chain = append(c.chain, s.ID)
	// The engine's own share of answer-to-bridge: everything but the
	// whisper's playing time (the benchmark's figure).
	setup := whisperStart.Sub(answeredAt) + connectedAt.Sub(whisperedAt)
	c.event("connected", s.ID, map[string]any{"staff_id": s.ID, "extension": s.Extension, "bridge": bridgeID,
		"answer_to_bridge_us": setup.Microseconds(), "chain": append([]string(nil), c.chain...)})
	c.save()
	c.pop(s.ID, "connected", c.context())

	h, err := c.talk(&cur, &bridgeID, &connectedAt)
	c.rec.TalkSeconds += int(c.now().Sub(connectedAt) / time.Second)
	c.pop(cur.ID, "ended", c.context())
	closed = true
	if err != nil {
		return "", err // the caller left: finish hangs the person's leg up
	}
	if h != nil {
		// A blind transfer: the person leaves and the caller is passed on
		// with the context (and the note) to the next one.
		c.destroyBridge(bridgeID)
		bridgeID = ""
		c.hangupAgent()
		if h.away {
			c.event("staff_left", cur.ID, map[string]any{"transferred_to": h.d.Requested.ID, "away": true})
			c.save()
			c.e.release(cur.ID, c.rec.ID, c.now())
			return "", c.away(*h.d.Requested)
		}
		c.event("staff_left", cur.ID, map[string]any{"transferred_to": h.d.Staff.ID})
		c.save()
		c.e.release(cur.ID, c.rec.ID, c.now())
		return "", c.transfer(h.d, h.from)
	}
	c.event("staff_left", cur.ID, nil)
	c.save()
	return "", nil
}

// ringPerson rings s's phone on a new leg carrying the call's context cc;
// the leg is watched before it is dialled, and once answered it enters the
// application named for this call and s. The leg comes back even when the
// request fails, to be ended like any other.
func (c *call) ringPerson(s record.Staff, cc record.CallContext) (*agentLeg, error) {
	ctx, cancel := context.WithCancel(c.ctx)
	a := &agentLeg{leg: Leg{Node: c.leg.Node, ID: ulid.Make().String()}, cancel: cancel}
	a.events = c.e.cfg.Control.Watch(ctx, a.leg)
	err := c.e.cfg.Control.Originate(c.ctx, OriginateRequest{
		Node: a.leg.Node, LegID: a.leg.ID, Endpoint: s.Endpoint,
		AppArgs:  []string{"agent", c.rec.ID, s.ID},
		CallerID: c.rec.CallerNumber, Timeout: c.e.cfg.RingTimeout, Variables: legVariables(s, cc),
	})
	return a, err
}

// legVariables are the channel variables of a person's leg: the context
// in full (JSON), a summary line, and for SIP phones the same as headers.
func legVariables(s record.Staff, cc record.CallContext) map[string]string {
	vars := map[string]string{VarCallID: cc.CallID, VarIntent: cc.Intent, VarCaller: cc.CallerNumber,
		VarContext: cc.JSON(), VarSummary: cc.Summary()}
	if cc.CustomerID != "" {
		vars[VarCustomer] = cc.CustomerID
	}
	if len(s.Endpoint) > 6 && (s.Endpoint[:6] == "PJSIP/" || s.Endpoint[:6] == "pjsip/") {
		vars[VarHeaderSummary] = cc.Summary()
		vars[VarHeaderCallID] = cc.CallID
	}
	return vars
}

// waitAnswer waits for the person's leg to enter the application
// (answered), up to the ring limit (S1 applied to people). It returns why
// it was not answered, or an error when the caller left.
func (c *call) waitAnswer() (string, error) {
	deadline := c.now().Add(c.e.cfg.RingTimeout)
	for !c.agent.up {
		left := deadline.Sub(c.now())
		if left <= 0 {
			return FailNoAnswer, nil
		}
		ev, err := c.next(left)
		if errors.Is(err, errTimeout) {
			return FailNoAnswer, nil
		}
		if err != nil {
			return "", err
		}
		if !c.fromAgent(ev) {
			continue
		}
		if c.agent.ended && !c.agent.up {
			switch {
			case ev.DialStatus == "NOANSWER":
				return FailNoAnswer, nil // Asterisk's own ring timeout: the same limit
			case ev.DialStatus != "":
				return ev.DialStatus, nil
			case ev.Cause != "":
				return ev.Cause, nil
			}
			return FailNoAnswer, nil
		}
		if ev.Kind == EvDialResult && ev.DialStatus == "NOANSWER" {
			return FailNoAnswer, nil
		}
		if ev.Kind == EvDialResult && dialFailed(ev.DialStatus) {
			return ev.DialStatus, nil
		}
	}
	return "", nil
}

// dialFailed reports whether a dial status says the phone will not be
// answered (BUSY, CHANUNAVAIL...): anything but progress or ANSWER.
func dialFailed(status string) bool {
	switch status {
	case "", "ANSWER", "RINGING", "PROGRESS":
		return false
	}
	return true
}

// whisper plays the context to the person who answered and returns when
// it started; false when they hung up before it ended.
func (c *call) whisper(cc record.CallContext) (bool, time.Time, error) {
	id := ulid.Make().String()
	if err := c.e.cfg.Control.Play(c.ctx, c.agent.leg, id, c.whisperMedia(cc)...); err != nil {
		if c.agentGone() {
			return false, time.Time{}, nil
		}
		return false, time.Time{}, c.controlErr("whisper", err)
	}
	started := c.now()
	for {
		ev, err := c.next(0)
		if err != nil {
			return false, started, err
		}
		if !c.fromAgent(ev) {
			if ev.Kind == EvDTMF {
				c.typed = append(c.typed, ev.Digit)
			}
			continue
		}
		if c.agent.ended {
			return false, started, nil
		}
		if ev.Kind == EvPlaybackFinished && ev.PlaybackID == id {
			return true, started, nil
		}
	}
}

var whisperIntent = map[string]prompt.Key{
	record.IntentOrder:          prompt.KeyWhisperOrder,
	record.IntentComplaint:      prompt.KeyWhisperComplaint,
	record.IntentSuggestion:     prompt.KeyWhisperSuggestion,
	record.IntentPerson:         prompt.KeyWhisperPerson,
	record.IntentDesk:           prompt.KeyWhisperDesk,
	record.IntentGeneralManager: prompt.KeyWhisperManager,
}

// whisperMedia says who is calling (surname when on file, else the number),
// VIP, what they want, a colleague's hand-over, the recorded reason and
// whether notes are waiting on screen.
func (c *call) whisperMedia(cc record.CallContext) []string {
	m := []string{c.media(prompt.KeyWhisperIntro)}
	named := false
	if c.cust != nil {
		if s, ok := prompt.SurnameMedia(c.cust.Surname); ok {
			m = append(m, s)
			named = true
		}
	}
	if !named && cc.CallerNumber != "" {
		m = append(m, prompt.Digits(cc.CallerNumber))
	}
	if cc.VIP {
		m = append(m, c.media(prompt.KeyWhisperVIP))
	}
	if k, ok := whisperIntent[cc.Intent]; ok {
		m = append(m, c.media(k))
	}
	if len(cc.Chain) > 0 {
		m = append(m, c.media(prompt.KeyWhisperTransferred))
	}
	if cc.ReasonClip != "" {
		m = append(m, c.media(prompt.KeyWhisperReason), "recording:"+cc.ReasonClip)
	}
	if len(cc.Notes) > 0 {
		m = append(m, c.media(prompt.KeyWhisperNotes))
	}
	return m
}

// bridgeWith stops the caller's music and bridges them with the person.
func (c *call) bridgeWith(s record.Staff) (bridgeID, why string, err error) {
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return "", "", c.controlErr("stop music on hold", err)
	}
	bridgeID = ulid.Make().String()
	if err := c.e.cfg.Control.CreateBridge(c.ctx, c.leg.Node, bridgeID); err != nil {
		return "", "", c.controlErr("create bridge", err)
	}
	if err := c.e.cfg.Control.AddToBridge(c.ctx, c.leg.Node, bridgeID, c.leg, c.agent.leg); err != nil {
		c.destroyBridge(bridgeID)
		if c.agentGone() {
			// They hung up in the instant between the whisper and the bridge.
			return "", FailBeforeBridge, nil
		}
		return "", "", c.controlErr("bridge", err)
	}
	return bridgeID, "", nil
}

func (c *call) destroyBridge(id string) {
	if id == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.e.cfg.Control.DestroyBridge(ctx, c.leg.Node, id); err != nil {
		c.log("warn", "destroy bridge", "error", err.Error())
	}
}

func (c *call) addStaff(id string) {
	for _, x := range c.rec.StaffIDs {
		if x == id {
			return
		}
	}
	c.rec.StaffIDs = append(c.rec.StaffIDs, id)
}

// abandoned records that the caller left while s was being reached.
func (c *call) abandoned(s record.Staff, during string) {
	c.event("transfer_abandoned", s.ID, map[string]any{"staff_id": s.ID, "during": during})
}

// notAnswered records why s did not take the call, ends their leg and
// takes the caller off hold; the transfer loop apologises (S15).
func (c *call) notAnswered(s record.Staff, why string) (string, error) {
	c.event("staff_no_answer", s.ID, map[string]any{"reason": why, "attempt": c.attempts})
	c.hangupAgent()
	if err := c.e.cfg.Control.StopMOH(c.ctx, c.leg); err != nil {
		return "", c.controlErr("stop music on hold", err)
	}
	return why, nil
}

// agentGone reports whether the person's leg has ended, giving its
// hangup event a moment to arrive after a failed operation.
func (c *call) agentGone() bool {
	a := c.agent
	if a == nil || a.ended {
		return true
	}
	t := c.e.cfg.Clock.NewTimer(500 * time.Millisecond)
	defer t.Stop()
	defer c.idle()()
	for {
		select {
		case ev, ok := <-a.events:
			if !ok || ev.Kind == EvEnd || ev.Kind == EvHangupRequest {
				a.ended = true
				return true
			}
		case <-t.C():
			return false
		}
	}
}

// hangupAgent ends the person's leg if one is up or ringing.
func (c *call) hangupAgent() {
	a := c.agent
	c.agent = nil
	c.hangupLeg(a)
}

// hangupConsult ends an attended transfer's target leg, if any.
func (c *call) hangupConsult() {
	a := c.consult
	c.consult = nil
	c.hangupLeg(a)
}

func (c *call) hangupLeg(a *agentLeg) {
	if a == nil {
		return
	}
	if !a.ended {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := c.e.cfg.Control.Hangup(ctx, a.leg, "normal"); err != nil {
			c.log("warn", "hang up staff leg", "error", err.Error())
		}
		cancel()
	}
	a.cancel()
}
