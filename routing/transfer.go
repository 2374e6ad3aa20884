package routing

import (
	"context"
	"errors"
	"time"

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
		h, err := c.tryPerson(s, from)
		if h != nil {
			return c.passOn(h)
		}
		if !failed(err) {
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
		c.event(next.ID, record.TransferNextData{Attempt: n + 1, Department: d.Department, StaffID: next.ID, Rule: rule})
		d.Staff = next
	}
	return c.nobodyFree(d, "")
}

// passOn carries out a blind transfer: the caller is put through to its
// target with the context (and the note), or hears why the person asked
// for is away and the options (S16-S19).
func (c *call) passOn(h *handoff) error {
	if h.away {
		return c.away(*h.d.Requested)
	}
	return c.transfer(h.d, h.from)
}

// tryPerson puts the caller through to s (reserved for this call) and
// stays while they talk: ring, answer, whisper, bridge, talk. It returns
// nil when s took the call and has finished, a FailReason when they did
// not take it, a handoff when the call is to be passed on blind; any
// other error ends the call. Whoever is with the caller at the end (an
// attended transfer changes who) is let go.
func (c *call) tryPerson(s record.Staff, from string) (*handoff, error) {
	p := &person{staff: s}
	c.with = p
	talked := false
	defer func() { c.letGo(talked) }()
	c.carried.attempts++
	cc := c.context()
	c.pop(s.ID, "offered", cc)
	setup, err := c.reach(p, cc, from)
	var why FailReason
	if errors.As(err, &why) {
		return nil, c.notAnswered(p, why)
	}
	if err != nil {
		return nil, err
	}
	c.connected(p, from, setup)
	h, err := c.talk()
	p = c.with
	c.rec.TalkSeconds += int(c.now().Sub(p.since) / time.Second)
	c.pop(p.staff.ID, "ended", c.context())
	talked = true
	if err != nil {
		return nil, err // the caller left: finish hangs the person's leg up
	}
	c.left(p, h)
	return h, nil
}

// reach rings p and, once they answer, whispers the context to them and
// bridges them with the caller. It returns the engine's own share of the
// time from answer to bridge: everything but the whisper's playing time
// (the benchmark's figure).
func (c *call) reach(p *person, cc record.CallContext, from string) (time.Duration, error) {
	if err := c.ring(p, cc, from); err != nil {
		return 0, err
	}
	if err := c.waitAnswer(p); err != nil {
		return 0, c.abandoned(p, "ringing", err)
	}
	answered := c.now()
	c.event(p.staff.ID, record.StaffAnsweredData{})
	// S11: the person hears who is calling and why before the caller is
	// put through; the caller keeps hearing music meanwhile.
	started, err := c.whisper(p, cc)
	if err != nil {
		return 0, c.abandoned(p, "whisper", err)
	}
	whispered := c.now()
	c.event(p.staff.ID, record.WhisperPlayedData{WhisperMS: new(whispered.Sub(started).Milliseconds())})
	if err := c.bridgeWith(p); err != nil {
		return 0, err
	}
	return started.Sub(answered) + p.since.Sub(whispered), nil
}

// connected records that p took the call.
func (c *call) connected(p *person, from string, setup time.Duration) {
	c.rec.Outcome = record.OutcomeConnected
	if c.rec.OwnerStaffID == "" {
		c.rec.OwnerStaffID = p.staff.ID // S5: the first person who takes the call owns it
	}
	if from != "" {
		c.rec.Transferred = true
	}
	c.takenBy(p)
	c.event(p.staff.ID, record.ConnectedData{StaffID: p.staff.ID, Extension: p.staff.Extension, Bridge: p.bridge,
		AnswerToBridgeUS: new(setup.Microseconds()), Chain: append([]string(nil), c.carried.chain...)})
	c.save()
	c.pop(p.staff.ID, "connected", c.context())
}

// takenBy adds p to the people who took the call.
func (c *call) takenBy(p *person) {
	c.addStaff(p.staff.ID)
	c.carried.chain = append(c.carried.chain, p.staff.ID)
}

// left records that p has left the call; with h (a blind transfer) they
// are let go at once, for the caller to be passed on with the context.
func (c *call) left(p *person, h *handoff) {
	if h == nil {
		c.event(p.staff.ID, record.StaffLeftData{})
		c.save()
		return
	}
	c.destroyBridge(p.bridge)
	p.bridge = ""
	c.hangUp(p)
	if h.away { // the person asked for is away: d.Staff is nobody yet
		c.event(p.staff.ID, record.StaffLeftData{TransferredTo: h.d.Requested.ID, Away: true})
	} else {
		c.event(p.staff.ID, record.StaffLeftData{TransferredTo: h.d.Staff.ID})
	}
	c.save()
}

// letGo ends the attempt with whoever is with the caller: the bridge and
// their leg end, their screen closes (missed, unless talked closed it as
// ended) and they are released.
func (c *call) letGo(talked bool) {
	p := c.with
	c.with = nil
	c.destroyBridge(p.bridge)
	c.hangUp(p)
	if !talked {
		c.pop(p.staff.ID, "missed", c.context())
	}
	c.e.release(p.staff.ID, c.rec.ID, c.now())
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

// abandoned records that the caller left (or the call failed) while p was
// being reached; a FailReason passes as it is.
func (c *call) abandoned(p *person, during string, err error) error {
	if !failed(err) {
		c.event(p.staff.ID, record.TransferAbandonedData{StaffID: p.staff.ID, During: during})
	}
	return err
}
