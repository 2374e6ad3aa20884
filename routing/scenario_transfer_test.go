package routing_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// screenLog collects screen-pop events: a hand-written ScreenSink.
type screenLog struct {
	mu   sync.Mutex
	list []record.AgentEvent
}

func (s *screenLog) AgentEvent(e record.AgentEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, e)
}

func (s *screenLog) types(staffID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, e := range s.list {
		if e.StaffID == staffID {
			out = append(out, e.Type)
		}
	}
	return out
}

// byID returns people in the order the engine rings equally idle people
// (smaller id first).
func byID(people ...record.Staff) []record.Staff {
	slices.SortFunc(people, func(a, b record.Staff) int { return strings.Compare(a.ID, b.ID) })
	return people
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// S15: the first person does not answer within the ring limit, the second
// is busy, the third takes the call; the caller hears "對不起, 請稍等" once
// per failed attempt, each failure is on the timeline with its reason, and
// the third person hears the whisper before being bridged.
func TestS15NoAnswerThenBusyThenNextPerson(t *testing.T) {
	t.Parallel()
	screen := &screenLog{}
	sc := newScenario(t, scenarioOptions{screen: screen})
	p := byID(sc.addStaff("甲", "2001", "desk"), sc.addStaff("乙", "2002", "desk"), sc.addStaff("丙", "2003", "desk"))
	sc.phone(p[0].Extension, pbxtest.PhoneOptions{NoAnswer: true})
	sc.phone(p[1].Extension, pbxtest.PhoneOptions{Busy: true})
	third := sc.phone(p[2].Extension, pbxtest.PhoneOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	leg, err := third.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	sc.hear(leg, zhm(prompt.KeyWhisperIntro))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()

	if n := count(caller.Heard(), zhm(prompt.KeySorryPleaseWait)); n != 2 {
		t.Fatalf("caller heard the apology %d times, want 2 (one per failed attempt): %v", n, caller.Heard())
	}
	for _, h := range caller.Heard() {
		if strings.Contains(h, "whisper") {
			t.Fatalf("the caller heard the whisper %q", h)
		}
	}
	var reasons []string
	for _, e := range evs {
		if e.Type == record.EventStaffNoAnswer {
			var d map[string]any
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			reasons = append(reasons, e.StaffID+":"+d["reason"].(string))
		}
	}
	want := []string{p[0].ID + ":" + string(routing.FailNoAnswer), p[1].ID + ":BUSY"}
	if !slices.Equal(reasons, want) {
		t.Fatalf("failures %v, want %v", reasons, want)
	}
	inOrder(t, "timeline", types(evs), "ringing_staff", "staff_no_answer", "transfer_next", "ringing_staff", "staff_no_answer",
		"transfer_next", "ringing_staff", "staff_answered", "whisper_played", "connected")
	if c.OwnerStaffID != p[2].ID || c.Outcome != record.OutcomeConnected {
		t.Fatalf("owner %q outcome %q", c.OwnerStaffID, c.Outcome)
	}
	inOrder(t, "whisper", leg.Heard(), zhm(prompt.KeyWhisperIntro), prompt.Digits("+8613800138000"), zhm(prompt.KeyWhisperDesk))
	if got := screen.types(p[0].ID); !slices.Equal(got, []string{"offered", "missed"}) {
		t.Fatalf("first person's screen: %v", got)
	}
	if got := screen.types(p[2].ID); !slices.Equal(got, []string{"offered", "connected", "ended"}) {
		t.Fatalf("third person's screen: %v", got)
	}
}

// An unregistered phone is skipped at once with its reason; with nobody
// else free the caller hears one apology and a callback promise.
func TestS15UnregisteredThenNobodyFree(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	s := sc.addStaff("甲", "2001", "desk")
	sc.srv.AddPhone(s.Endpoint, aritest.PhoneOptions{Unregistered: true})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	sc.hear(caller, zhm(prompt.KeyCallbackPromise))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if r := eventData(t, evs, "staff_no_answer")["reason"]; r != "CHANUNAVAIL" {
		t.Fatalf("reason %v, want CHANUNAVAIL", r)
	}
	if n := count(caller.Heard(), zhm(prompt.KeySorryPleaseWait)); n != 1 {
		t.Fatalf("apologies %d, want 1", n)
	}
	if c.Outcome != record.OutcomeCallbackRequested {
		t.Fatalf("outcome %q", c.Outcome)
	}
}

// The person hangs up while the whisper plays: that attempt fails with its
// reason and the next person takes the call.
func TestS15TargetHangsUpDuringWhisper(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	p := byID(sc.addStaff("甲", "2001", "desk"), sc.addStaff("乙", "2002", "desk"))
	first := sc.phone(p[0].Extension, pbxtest.PhoneOptions{Manual: true})
	second := sc.phone(p[1].Extension, pbxtest.PhoneOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	leg, err := first.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := leg.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.hear(leg, zhm(prompt.KeyWhisperIntro))
	if err := leg.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := second.WaitRinging(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if r := eventData(t, evs, "staff_no_answer")["reason"]; r != string(routing.FailWhisperHangup) {
		t.Fatalf("reason %v", r)
	}
	if c.OwnerStaffID != p[1].ID {
		t.Fatalf("owner %q, want the second person %q", c.OwnerStaffID, p[1].ID)
	}
	if n := count(caller.Heard(), zhm(prompt.KeySorryPleaseWait)); n != 1 {
		t.Fatalf("apologies %d, want 1", n)
	}
}

// S11: the context rides on the person's leg as channel variables (JSON
// and a summary line) and, for a SIP phone, as INVITE headers; the whisper
// names the customer on file and says they are a VIP.
func TestS11ContextOnTheTargetLeg(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	cust, err := sc.store.CreateCustomer(sc.ctx, record.Customer{Numbers: []string{"+8613800138000"}, Name: "張三",
		Surname: "張", Title: "先生", Company: "華南貿易", VIP: true})
	if err != nil {
		t.Fatal(err)
	}
	s := sc.addStaff("甲", "2001", "sales")
	// The stand-in's phone: what the SIP phone itself sees (headers).
	phone := sc.srv.AddPhone(s.Endpoint, aritest.PhoneOptions{Manual: true})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "1")
	leg, err := phone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := leg.Variable(routing.VarContext)
	if !ok {
		t.Fatal("no context variable on the person's leg")
	}
	var cc record.CallContext
	if err := json.Unmarshal([]byte(raw), &cc); err != nil {
		t.Fatalf("context %q: %v", raw, err)
	}
	if cc.CustomerID != cust.ID || !cc.VIP || cc.Company != "華南貿易" || cc.Intent != record.IntentOrder ||
		!slices.Equal(cc.MenuPath, []string{record.IntentOrder}) || cc.Attempts != 1 {
		t.Fatalf("context = %+v", cc)
	}
	sum, _ := leg.Variable(routing.VarSummary)
	hdr, _ := leg.Variable(routing.VarHeaderSummary)
	if hdr != sum || !strings.Contains(sum, "VIP") || !strings.Contains(sum, "order") || strings.ContainsAny(sum, "\r\n") {
		t.Fatalf("summary %q, header %q", sum, hdr)
	}
	if id, _ := leg.Variable(routing.VarHeaderCallID); id != cc.CallID {
		t.Fatalf("call id header %q, want %q", id, cc.CallID)
	}
	if err := leg.Answer(sc.ctx); err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	caller.Hangup(sc.ctx)
	c, _ := sc.done()
	if c.ID != cc.CallID {
		t.Fatalf("context call id %q, record %q", cc.CallID, c.ID)
	}
	surname, _ := prompt.SurnameMedia("張")
	inOrder(t, "whisper", leg.Heard(), zhm(prompt.KeyWhisperIntro), surname, zhm(prompt.KeyWhisperVIP), zhm(prompt.KeyWhisperOrder))
}

// The caller hangs up while the person's phone rings: the ringing leg is
// ended, no bridge is left, and the record says what happened.
func TestCallerHangsUpWhileTargetRings(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	s := sc.addStaff("甲", "2001", "desk")
	phone := sc.phone(s.Extension, pbxtest.PhoneOptions{Manual: true})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	leg, err := phone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	sc.waitGone(leg, "the person's phone still rings after the caller left")
	if d := eventData(t, evs, "transfer_abandoned"); d["staff_id"] != s.ID {
		t.Fatalf("transfer_abandoned = %v", d)
	}
	if c.Outcome != record.OutcomeCallerHungUp || c.EndedBy != "caller" || c.OwnerStaffID != "" {
		t.Fatalf("outcome %q by %q owner %q", c.Outcome, c.EndedBy, c.OwnerStaffID)
	}
	bridges, err := sc.client.Bridges(sc.ctx, c.Node)
	if err != nil {
		t.Fatal(err)
	}
	if len(bridges) != 0 {
		t.Fatalf("bridges left: %v", bridges)
	}
}

// S15: nobody in the department takes it: after the apology the service
// desk does; the record shows the fallback and the context travels.
func TestS15DepartmentThenDesk(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	sales := sc.addStaff("甲", "3001", "sales")
	desk := sc.addStaff("乙", "2001", "desk")
	sc.phone(sales.Extension, pbxtest.PhoneOptions{Busy: true})
	deskPhone := sc.phone(desk.Extension, pbxtest.PhoneOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "1")
	leg, err := deskPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	cc := legContext(t, sc, leg) // while the leg is up: read through ARI
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if d := eventData(t, evs, "transfer_next"); d["rule"] != "desk_fallback" || d["staff_id"] != desk.ID {
		t.Fatalf("transfer_next %v", d)
	}
	if n := count(caller.Heard(), zhm(prompt.KeySorryPleaseWait)); n != 1 {
		t.Fatalf("apologies %d, want 1", n)
	}
	if c.OwnerStaffID != desk.ID {
		t.Fatalf("owner %q", c.OwnerStaffID)
	}
	if cc.Intent != record.IntentOrder || cc.Attempts != 2 {
		t.Fatalf("context %+v", cc)
	}
	// The record holds the context each person was offered.
	ctxData, ok := eventData(t, evs, "ringing_staff")["context"].(map[string]any)
	if !ok || ctxData["intent"] != record.IntentOrder || ctxData["call_id"] != c.ID {
		t.Fatalf("ringing_staff context %v", ctxData)
	}
}
