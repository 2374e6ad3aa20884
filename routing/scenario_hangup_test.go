package routing_test

import (
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// A caller hanging up at any step leaves a closed, correct record, and no
// leg of the call behind.
func TestCallerHangsUpAtEveryStep(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		ring    int
		steps   func(sc *scenario, c pbxtest.Caller)
		outcome string
	}{
		{"WhileRingingBeforeAnswer", 3, func(sc *scenario, c pbxtest.Caller) { sc.waitEvent("ringing") }, record.OutcomeAbandoned},
		{"DuringGreeting", 1, func(sc *scenario, c pbxtest.Caller) { sc.hear(c, zhm(prompt.KeyThisIs)) }, record.OutcomeCallerHungUp},
		{"DuringMenu", 1, func(sc *scenario, c pbxtest.Caller) { sc.hear(c, zhm(prompt.KeyMenuOrder)) }, record.OutcomeCallerHungUp},
		{"DuringExtensionEntry", 1, func(sc *scenario, c pbxtest.Caller) {
			sc.hear(c, zhm(prompt.KeyMenuDesk))
			sc.press(c, "4")
			sc.hear(c, zhm(prompt.KeyEnterExtension))
			sc.press(c, "20")
		}, record.OutcomeCallerHungUp},
		{"DuringComplaintRecording", 1, func(sc *scenario, c pbxtest.Caller) {
			sc.hear(c, zhm(prompt.KeyMenuDesk))
			sc.press(c, "2")
			sc.hear(c, "sound:beep")
			c.Speak(sc.ctx, 3*time.Second)
		}, record.OutcomeCallerHungUp},
		{"WhileStaffPhoneRings", 1, func(sc *scenario, c pbxtest.Caller) {
			sc.hear(c, zhm(prompt.KeyMenuDesk))
			sc.press(c, "0")
			sc.waitEvent("ringing_staff")
			sc.hear(c, "moh:default")
		}, record.OutcomeCallerHungUp},
		{"WhileConnected", 1, func(sc *scenario, c pbxtest.Caller) {
			sc.hear(c, zhm(prompt.KeyMenuDesk))
			sc.press(c, "0")
			sc.waitEvent("connected")
		}, record.OutcomeConnected},
		{"AtAnythingElse", 1, func(sc *scenario, c pbxtest.Caller) {
			sc.hear(c, zhm(prompt.KeyMenuDesk))
			sc.press(c, "3")
			sc.hear(c, "sound:beep")
			sc.press(c, "#")
			sc.hear(c, zhm(prompt.KeyAnythingElse))
		}, record.OutcomeCallerHungUp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := newScenario(t, scenarioOptions{answerRing: tc.ring})
			sc.addStaff("李服務", "2001", "desk")
			phone := sc.phone("2001", pbxtest.PhoneOptions{Manual: tc.name == "WhileStaffPhoneRings"})
			caller := sc.dial("+8613800138000")
			tc.steps(sc, caller)
			if err := caller.Hangup(sc.ctx); err != nil {
				t.Fatal(err)
			}
			c, evs := sc.done()
			if c.EndedAt == nil || c.EndedBy != "caller" || c.Outcome != tc.outcome {
				t.Fatalf("closed: ended_at %v by %q outcome %q; want by caller, %q", c.EndedAt, c.EndedBy, c.Outcome, tc.outcome)
			}
			tl := types(evs)
			if len(tl) < 2 || tl[len(tl)-2] != "ended" || tl[len(tl)-1] != "outcome" {
				t.Fatalf("timeline does not close with ended, outcome: %v", tl)
			}
			if tc.outcome == record.OutcomeAbandoned && c.AnsweredAt != nil {
				t.Fatal("abandoned call marked answered")
			}
			if sc.eng.Active() != 0 {
				t.Fatalf("%d calls still active", sc.eng.Active())
			}
			if tc.name == "WhileStaffPhoneRings" || tc.name == "WhileConnected" {
				leg, err := phone.WaitRinging(sc.ctx)
				if err != nil {
					t.Fatal(err)
				}
				sc.waitGone(leg, "staff leg left behind")
			}
		})
	}
}

// S1 with a slow database: the customer lookup is stuck behind a lock, yet
// the call is answered on the first ring and greeted; the customer is
// linked once the lookup lands (S3: used afterwards).
func TestS1SlowDatabaseDoesNotDelayAnswer(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{stall: true})
	cust, err := sc.store.CreateCustomer(sc.ctx, record.Customer{Name: "張偉", Surname: "張", Title: "先生", Numbers: []string{"+8613900139000"}})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := sc.store.Pool().Begin(sc.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(sc.ctx)
	if _, err := tx.Exec(sc.ctx, "LOCK TABLE customers IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	caller := sc.dial("+8613900139000")
	sc.hear(caller, zhm(prompt.KeyThisIs))      // greeting under way without the name
	if err := tx.Rollback(sc.ctx); err != nil { // the database catches up
		t.Fatal(err)
	}
	sc.stall.release()
	sc.waitEvent("customer_identified")
	sc.hear(caller, zhm(prompt.KeyMenuOrder))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	if c.RingsToAnswer != 1 {
		t.Fatalf("rings_to_answer = %d with a slow database, want 1", c.RingsToAnswer)
	}
	if eventData(t, evs, "greeted")["named"] != false {
		t.Fatal("greeting waited for the stuck lookup")
	}
	inOrder(t, "timeline", types(evs), "answered", "customer_identified")
	if c.CustomerID != cust.ID {
		t.Fatalf("customer_id = %q, want %q", c.CustomerID, cust.ID)
	}
}

// S1 with the database down: the call is answered at once and handled
// (nobody can be looked up: a callback is promised), the record is spooled,
// and it reaches the database complete once it is back.
func TestS1DatabaseDownCallHandledRecordReplayed(t *testing.T) {
	t.Parallel()
	st := pgtest.NewStore(t)
	sc := newScenario(t, scenarioOptions{store: st})
	restore := pgtest.Outage(t, st)
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "0")
	sc.hear(caller, zhm(prompt.KeyCallbackPromise))
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "2")
	if err := sc.waitCalls(); err != nil {
		t.Fatal(err)
	}
	if files, _ := sc.writer.SpoolFiles(); len(files) == 0 {
		t.Fatal("nothing spooled while the database was down")
	}
	restore()
	c, evs := sc.done()
	if c.RingsToAnswer != 1 || c.Outcome != record.OutcomeCallbackRequested || c.EndedAt == nil {
		t.Fatalf("call = rings %d outcome %q ended %v", c.RingsToAnswer, c.Outcome, c.EndedAt)
	}
	inOrder(t, "timeline", types(evs), "arrived", "answered", "greeted", "menu_choice", "routed", "callback_promised", "anything_else", "ended", "outcome")
}

// A caller who hangs up while the event socket is down is not left as a
// call in progress forever: after the reconnect the engine checks its calls
// against Asterisk and closes the lost one.
func TestHangupMissedDuringSocketLossIsResynced(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	states := sc.client.WatchState(sc.ctx)
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuOrder))
	sc.srv.DropWebSockets()
	for st := range states {
		if st.State == ari.StateDisconnected {
			break
		}
	}
	caller.Hangup(sc.ctx) // Asterisk cannot tell us: the socket is down
	c, evs := sc.done()
	if !hasType(evs, record.EventChannelLost) || c.EndedAt == nil || c.Outcome != record.OutcomeFailed {
		t.Fatalf("outcome %q ended %v timeline %v", c.Outcome, c.EndedAt, types(evs))
	}
}
