package routing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// S8: after one matter, "anything else?"; 1 brings the menu back.
func TestS8AnythingElseBackToMenu(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "3")
	sc.hear(caller, "sound:beep")
	sc.press(caller, "#")
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "1")
	sc.waitEvent("anything_else")
	sc.hear(caller, zhm(prompt.KeySuggestionThanks))
	// The menu again, then a second suggestion and no more.
	if err := sc.tap.wait(sc.ctx, "menu_choice", 1); err != nil {
		t.Fatal(err)
	}
	sc.hearCount(caller, zhm(prompt.KeyMenuDesk), 2)
	sc.press(caller, "3")
	sc.hearCount(caller, "sound:beep", 2)
	sc.press(caller, "#")
	sc.hearCount(caller, zhm(prompt.KeyAnythingElse), 2)
	sc.press(caller, "2")
	c, evs := sc.done()
	if n := strings.Count(strings.Join(types(evs), " "), "recording_kept"); n != 2 {
		t.Fatalf("%d recordings kept, want 2", n)
	}
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyAnythingElse), zhm(prompt.KeyMenuOrder), zhm(prompt.KeyAnythingElse),
		zhm(prompt.KeyThanksForCalling), zhm(prompt.KeyGoodbye))
	if c.Outcome != record.OutcomeCompleted || c.EndedBy != "system" {
		t.Fatalf("outcome %q ended by %q", c.Outcome, c.EndedBy)
	}
}

// S8 is asked after each matter, up to the engine's limit (MaxMatters,
// default 3): after the third matter the caller is thanked and the line
// closed without a fourth "anything else?".
func TestS8AskedAfterEachMatterUpToTheLimit(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	caller := sc.dial("+8613800138000")
	for n := 1; n <= 3; n++ {
		sc.hearCount(caller, zhm(prompt.KeyMenuDesk), n)
		sc.press(caller, "3")
		sc.hearCount(caller, "sound:beep", n)
		sc.press(caller, "#")
		if n < 3 {
			sc.hearCount(caller, zhm(prompt.KeyAnythingElse), n)
			sc.press(caller, "1")
		}
	}
	sc.hear(caller, zhm(prompt.KeyGoodbye))
	c, evs := sc.done()
	if n := count(types(evs), "recording_kept"); n != 3 {
		t.Fatalf("%d matters recorded, want 3: %v", n, types(evs))
	}
	if n := count(types(evs), "anything_else"); n != 2 {
		t.Fatalf("asked S8 %d times, want 2 (after matters 1 and 2): %v", n, types(evs))
	}
	if n := count(caller.Heard(), zhm(prompt.KeyAnythingElse)); n != 2 {
		t.Fatalf("heard S8 %d times, want 2: %v", n, caller.Heard())
	}
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyAnythingElse), zhm(prompt.KeyAnythingElse),
		zhm(prompt.KeySuggestionThanks), zhm(prompt.KeyThanksForCalling), zhm(prompt.KeyGoodbye))
	if c.Outcome != record.OutcomeCompleted || c.EndedBy != "system" {
		t.Fatalf("outcome %q ended by %q", c.Outcome, c.EndedBy)
	}
}

// S10: "the general manager" -> the desk takes the call and the supervisor
// is told; the record says which rule and why.
func TestS10GeneralManagerToDeskWithSupervisorNotice(t *testing.T) {
	t.Parallel()
	n := &notices{}
	sc := newScenario(t, scenarioOptions{notifier: n})
	desk := sc.addStaff("李服務", "2001", "desk", "zh")
	phone := sc.phone("2001", pbxtest.PhoneOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "9")
	leg, err := phone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyGeneralManagerNotice), zhm(prompt.KeyConnecting), "moh:default")
	routed := eventData(t, evs, "routed")
	if routed["rule"] != routing.RuleGeneralManager || routed["staff_id"] != desk.ID || routed["target"] != string(routing.TargetDesk) {
		t.Fatalf("routed = %v", routed)
	}
	if eventData(t, evs, "supervisor_notice")["kind"] != "general_manager_request" {
		t.Fatal("no supervisor notice on the timeline")
	}
	n.mu.Lock()
	got := len(n.list)
	n.mu.Unlock()
	if got != 1 {
		t.Fatalf("supervisor notified %d times, want 1", got)
	}
	if c.Intent != record.IntentGeneralManager || c.EndedBy != "caller" || c.Outcome != record.OutcomeConnected {
		t.Fatalf("intent %q ended by %q outcome %q", c.Intent, c.EndedBy, c.Outcome)
	}
	// The person's leg does not outlive the caller.
	sc.waitGone(leg, "staff leg still up after the caller hung up")
}

// S14: a complaint is recorded in full: long pauses do not cut the caller
// off; only # ends it. It is kept and the caller told it will be followed up.
func TestS14ComplaintRecordedInFull(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "2")
	sc.hear(caller, "sound:beep")
	// Talk, fall silent for a long while (thinking), talk again.
	if err := caller.Speak(sc.ctx, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if !sc.sleep(30*time.Second, caller.Done()) {
		t.Fatal("caller cut off during a pause")
	}
	if err := caller.Speak(sc.ctx, 10*time.Second); err != nil {
		t.Fatalf("cut off: %v", err)
	}
	sc.press(caller, "#")
	sc.hear(caller, zhm(prompt.KeyComplaintRecorded))
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "2")
	c, evs := sc.done()
	kept := eventData(t, evs, "recording_kept")
	if d, _ := kept["duration_s"].(float64); d < 55 {
		t.Fatalf("recording lasted %v s, want the whole ~60 s", kept["duration_s"])
	}
	name, _ := kept["recording"].(string)
	if _, ok := sc.srv.Recording(name); !ok {
		t.Fatalf("recording %q not stored", name)
	}
	if c.Intent != record.IntentComplaint || !strings.Contains(c.Notes, name) {
		t.Fatalf("intent %q notes %q", c.Intent, c.Notes)
	}
}

// S20 and the menu rule: silence and a wrong key are re-prompted twice,
// then the desk takes the call; standard phrases close it.
func TestS20MenuRepromptsThenDesk(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	sc.addStaff("李服務", "2001", "desk", "zh")
	phone := sc.phone("2001", pbxtest.PhoneOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	// Silence: no_choice; then a wrong key: invalid_choice; then silence: desk.
	sc.hear(caller, zhm(prompt.KeyNoChoice))
	sc.hearCount(caller, zhm(prompt.KeyMenuDesk), 2)
	sc.press(caller, "7")
	sc.hear(caller, zhm(prompt.KeyInvalidChoice))
	leg, err := phone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	sc.waitEvent("connected")
	leg.Hangup(sc.ctx)
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	caller.Press(sc.ctx, "2")
	_, evs := sc.done()
	if got := eventData(t, evs, "routed")["rule"]; got != routing.RuleMenuFallback {
		t.Fatalf("rule = %v, want %s", got, routing.RuleMenuFallback)
	}
	if !hasType(evs, record.EventMenuFallback) {
		t.Fatal("no menu_fallback event")
	}
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyNoChoice), zhm(prompt.KeyInvalidChoice), zhm(prompt.KeyConnecting),
		zhm(prompt.KeyThanksForCalling), zhm(prompt.KeyGoodbye))
}

// Outside business hours an order gets the after-hours answer; the
// record names the rule.
func TestAfterHoursOrder(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{at: time.Date(2026, 11, 27, 20, 0, 0, 0, shanghai)})
	sc.addStaff("王小明", "3001", "sales")
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "1")
	sc.hear(caller, zhm(prompt.KeyAfterHours))
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "2")
	_, evs := sc.done()
	routed := eventData(t, evs, "routed")
	if routed["rule"] != routing.RuleBusinessHours || routed["target"] != string(routing.TargetAfterHours) {
		t.Fatalf("routed = %v", routed)
	}
}

// A panic while handling one call ends that call politely (apology,
// goodbye, hang up, outcome failed); the engine goes on taking calls.
func TestPanicEndsOnlyThatCallPolitely(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{away: func(*scenario) routing.AwayConfig {
		return routing.AwayConfig{Presence: explodingPresence{}}
	}})
	sc.addStaff("李服務", "2001", "desk")
	first := sc.dial("+8613800138000")
	sc.hear(first, zhm(prompt.KeyMenuDesk))
	sc.press(first, "0")
	sc.hear(first, zhm(prompt.KeySorryError))
	sc.waitGone(first, "call not hung up after the panic")
	calls := sc.doneAll()
	if len(calls) != 1 || calls[0].Outcome != record.OutcomeFailed || calls[0].EndedAt == nil {
		t.Fatalf("calls = %+v", calls)
	}
	// The engine still answers the next caller.
	second := sc.dial("+8613800138001")
	sc.hear(second, zhm(prompt.KeyMenuDesk))
	second.Hangup(sc.ctx)
	if calls := sc.doneAll(); len(calls) != 2 {
		t.Fatalf("%d calls recorded, want 2", len(calls))
	}
}

// explodingPresence is a PresenceSource that panics when read.
type explodingPresence struct{}

func (explodingPresence) GetPresence(context.Context, string) (record.Presence, error) {
	panic("presence service exploded")
}

func (explodingPresence) ListPresence(context.Context, record.ListQuery) ([]record.Presence, string, error) {
	panic("presence service exploded")
}

// When nobody can take the call, Config.NobodyFree is handed the call and
// may take the caller over: then no callback is promised and the caller
// goes on to S8.
func TestNobodyFreeTakesTheCallerOver(t *testing.T) {
	t.Parallel()
	handed := make(chan routing.CallInfo, 1)
	sc := newScenario(t, scenarioOptions{nobodyFree: func(_ context.Context, c *routing.CallInfo) bool {
		handed <- *c
		return true
	}})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "2")
	c, evs := sc.done()
	got := <-handed
	if got.ID != c.ID || got.Decision.Rule == "" {
		t.Fatalf("NobodyFree was handed %+v, want call %s with its routing decision", got, c.ID)
	}
	if hasType(evs, record.EventCallbackPromised) || c.Outcome == record.OutcomeCallbackRequested {
		t.Fatalf("a callback was promised after NobodyFree took the caller: outcome %q, timeline %v", c.Outcome, types(evs))
	}
	for _, m := range caller.Heard() {
		if m == zhm(prompt.KeyCallbackPromise) {
			t.Fatalf("the caller heard the callback promise: %v", caller.Heard())
		}
	}
}

// Closing the engine ends live calls politely (apology, goodbye, hang up)
// and closes their records.
func TestEngineCloseEndsLiveCallsPolitely(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.script.wait(sc.eng.Close) // the calls end on the clock
	sc.waitGone(caller, "caller not hung up on close")
	c, evs := sc.done()
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeySorryError), zhm(prompt.KeyGoodbye))
	if c.Outcome != record.OutcomeFailed || c.EndedBy != "system" || !hasType(evs, record.EventShutdown) {
		t.Fatalf("outcome %q ended by %q, timeline %v", c.Outcome, c.EndedBy, types(evs))
	}
}

// Longest idle first across calls, and two calls never ring the same free
// person: with two desk people, the one just back from a call waits while
// the other takes the next; with both busy the third caller is promised a
// callback.
func TestPresenceLongestIdleAndNoDoubleBooking(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	a := sc.addStaff("甲", "2001", "desk")
	b := sc.addStaff("乙", "2002", "desk")
	phoneA := sc.phone("2001", pbxtest.PhoneOptions{})
	phoneB := sc.phone("2002", pbxtest.PhoneOptions{})

	// Call 1 takes one of them (never rung: equally idle, smaller id).
	first := sc.dial("+8613800138001")
	sc.hear(first, zhm(prompt.KeyMenuDesk))
	sc.press(first, "0")
	sc.waitEvent("connected")
	firstTaker, other := a, b
	firstPhone, otherPhone := phoneA, phoneB
	if a.ID > b.ID {
		firstTaker, other, firstPhone, otherPhone = b, a, phoneB, phoneA
	}
	legFirst, err := firstPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Call 2 while call 1 talks: the other person.
	second := sc.dial("+8613800138002")
	sc.hear(second, zhm(prompt.KeyMenuDesk))
	sc.press(second, "0")
	if err := sc.tap.wait(sc.ctx, "connected", 2); err != nil {
		t.Fatal(err)
	}
	legOther, err := otherPhone.WaitRinging(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Call 3 while both talk: nobody free, no double booking.
	third := sc.dial("+8613800138003")
	sc.hear(third, zhm(prompt.KeyMenuDesk))
	sc.press(third, "0")
	sc.hear(third, zhm(prompt.KeyCallbackPromise))
	third.Hangup(sc.ctx)
	// The first person finishes; then the second; a fourth caller goes to
	// the first (idle longer).
	legFirst.Hangup(sc.ctx)
	sc.hear(first, zhm(prompt.KeyAnythingElse))
	first.Hangup(sc.ctx)
	if err := sc.tap.wait(sc.ctx, "staff_left", 1); err != nil {
		t.Fatal(err)
	}
	legOther.Hangup(sc.ctx)
	sc.hear(second, zhm(prompt.KeyAnythingElse))
	second.Hangup(sc.ctx)
	if err := sc.tap.wait(sc.ctx, "staff_left", 2); err != nil {
		t.Fatal(err)
	}
	fourth := sc.dial("+8613800138004")
	sc.hear(fourth, zhm(prompt.KeyMenuDesk))
	sc.press(fourth, "0")
	if err := sc.tap.wait(sc.ctx, "connected", 3); err != nil {
		t.Fatal(err)
	}
	fourth.Hangup(sc.ctx)

	calls := sc.doneAll()
	owners := map[string]string{}
	for _, c := range calls {
		owners[c.CallerNumber] = c.OwnerStaffID
	}
	want := map[string]string{"+8613800138001": firstTaker.ID, "+8613800138002": other.ID, "+8613800138003": "", "+8613800138004": firstTaker.ID}
	for num, id := range want {
		if owners[num] != id {
			t.Errorf("call from %s owned by %q, want %q", num, owners[num], id)
		}
	}
}

// A busy phone is noticed at once (not after the ring limit): S15's
// "對不起, 請稍等" and a callback promise, with the reason recorded.
func TestStaffBusyNoticed(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	sc.addStaff("李服務", "2001", "desk")
	sc.phone("2001", pbxtest.PhoneOptions{Busy: true})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	sc.hear(caller, zhm(prompt.KeyCallbackPromise))
	caller.Hangup(sc.ctx)
	_, evs := sc.done()
	reason := eventData(t, evs, "staff_no_answer")["reason"]
	t.Logf("busy phone: staff_no_answer reason %v", reason)
	if reason == "no_answer" {
		t.Fatalf("busy phone reported as %v: waited out the ring limit", reason)
	}
	inOrder(t, "heard", caller.Heard(), "moh:default", "moh:stop", zhm(prompt.KeySorryPleaseWait), zhm(prompt.KeyCallbackPromise))
}

// A caller who knows the menu presses during the greeting: the choice is
// taken without making them listen to the menu.
func TestTypeAheadDuringGreeting(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyThisIs))
	sc.press(caller, "3")
	sc.hear(caller, zhm(prompt.KeySuggestionInstructions))
	caller.Hangup(sc.ctx)
	_, evs := sc.done()
	for _, h := range caller.Heard() {
		if h == zhm(prompt.KeyMenuOrder) {
			t.Fatalf("menu played although the caller had chosen: %v", caller.Heard())
		}
	}
	if got := eventData(t, evs, "menu_choice")["intent"]; got != record.IntentSuggestion {
		t.Fatalf("intent = %v", got)
	}
}

// Many callers at once: each call is handled on its own, answered on the
// first ring (S1: on the virtual clock load cannot delay it), and every
// record is closed.
func TestManyConcurrentCalls(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	const n = 30
	errs := make(chan error, n)
	for i := range n {
		sc.script.spawn(func() {
			c, err := sc.pbx.Dial(sc.ctx, pbxtest.CallerOptions{From: fmt.Sprintf("+86138001%05d", i), Name: "Caller", To: "100"})
			if err == nil {
				err = c.WaitHeard(sc.ctx, zhm(prompt.KeyMenuDesk))
			}
			if err == nil {
				err = c.Hangup(sc.ctx)
			}
			errs <- err
		})
	}
	for range n {
		var err error
		sc.script.wait(func() { err = <-errs })
		if err != nil {
			t.Fatal(err)
		}
	}
	calls := sc.doneAll()
	if len(calls) != n {
		t.Fatalf("%d calls recorded, want %d", len(calls), n)
	}
	for _, c := range calls {
		if c.EndedAt == nil || c.AnsweredAt == nil || c.Outcome != record.OutcomeCallerHungUp {
			t.Fatalf("call %s: answered %v ended %v outcome %q", c.ID, c.AnsweredAt, c.EndedAt, c.Outcome)
		}
		if c.RingsToAnswer != 1 || c.AnswerMS != 0 {
			t.Fatalf("call %s: answered on ring %d after %d ms, want at once", c.ID, c.RingsToAnswer, c.AnswerMS)
		}
	}
	if live := sc.eng.Live(); len(live) != 0 {
		t.Fatalf("%d calls still live", len(live))
	}
}
