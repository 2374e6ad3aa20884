package routing_test

import (
	"strings"
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// The scenarios below run against the stand-in and, with
// CALLSVC_TEST_ARI_URL set, a real Asterisk (onEachPBX).
// They assert only what both can show; music on hold is checked where the
// PBX reports it.

// S1, S2: answered at once (first ring, never left ringing) with
// rings_to_answer recorded, greeted with the time-of-day form and the
// company name, then the menu; the caller hangs up during it. On the
// stand-in's virtual clock the answer takes no time at all, however loaded
// the machine.
func TestPBXS1S2AnsweredAndGreeted(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		caller := sc.dial("+8613800138000")
		sc.hear(caller, zhm(prompt.KeyMenuOrder))
		if err := caller.Hangup(sc.ctx); err != nil {
			t.Fatal(err)
		}
		c, evs := sc.done()
		if c.AnsweredAt == nil || c.RingsToAnswer != 1 {
			t.Fatalf("answered %v after %d rings, want ring 1", c.AnsweredAt, c.RingsToAnswer)
		}
		if sc.script != nil && c.AnswerMS != 0 {
			t.Fatalf("answer_ms = %d on the stand-in, want 0 (answered at once)", c.AnswerMS)
		}
		inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyGoodMorning), zhm(prompt.KeyThisIs),
			zhm(prompt.KeyCompanyName), zhm(prompt.KeyMenuOrder))
		inOrder(t, "timeline", types(evs), "arrived", "answered", "greeted", "ended", "outcome")
		if hasType(evs, record.EventRinging) {
			t.Fatal("answered at once, yet the timeline says the call was left ringing")
		}
		if c.Outcome != record.OutcomeCallerHungUp || c.EndedBy != "caller" || c.EndedAt == nil || c.CallerNumber != "+8613800138000" {
			t.Fatalf("closed as %q by %q at %v, caller %q", c.Outcome, c.EndedBy, c.EndedAt, c.CallerNumber)
		}
	})
}

// S3: a caller whose number is on file is identified, greeted by surname
// and title, and the call is linked to the customer.
func TestPBXS3KnownCustomerGreetedByName(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		cust, err := sc.store.CreateCustomer(sc.ctx, record.Customer{Name: "張偉", Surname: "張", Title: "先生",
			Numbers: []string{"+8613900139000"}})
		if err != nil {
			t.Fatal(err)
		}
		caller := sc.dial("+8613900139000")
		sc.hear(caller, zhm(prompt.KeyMenuOrder))
		caller.Hangup(sc.ctx)
		c, evs := sc.done()
		surname, _ := prompt.SurnameMedia("張")
		inOrder(t, "heard", caller.Heard(), surname, zhm(prompt.KeyTitleMr), zhm(prompt.KeyGoodMorning), zhm(prompt.KeyCompanyName))
		inOrder(t, "timeline", types(evs), "answered", "customer_identified", "greeted")
		if c.CustomerID != cust.ID || eventData(t, evs, "greeted")["named"] != true {
			t.Fatalf("customer %q (want %q), greeted %v", c.CustomerID, cust.ID, eventData(t, evs, "greeted"))
		}
	})
}

// Menu + DTMF, S14: key 2 records the complaint after a beep; # ends it
// (no timeout cuts the caller off); it is kept, the caller hears that it
// was recorded, is asked S8 and says no.
func TestPBXS14ComplaintRecordedEndedWithPound(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		caller := sc.dial("+8613800138000")
		sc.hear(caller, zhm(prompt.KeyMenuDesk))
		sc.press(caller, "2")
		sc.hear(caller, "sound:beep")
		if err := caller.Speak(sc.ctx, 3*time.Second); err != nil {
			t.Fatal(err)
		}
		sc.press(caller, "#")
		sc.hear(caller, zhm(prompt.KeyComplaintRecorded))
		sc.hear(caller, zhm(prompt.KeyAnythingElse))
		sc.press(caller, "2")
		c, evs := sc.done()
		inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyComplaintInstructions), "sound:beep",
			zhm(prompt.KeyComplaintRecorded), zhm(prompt.KeyAnythingElse), zhm(prompt.KeyThanksForCalling))
		kept := eventData(t, evs, "recording_kept")
		name, _ := kept["recording"].(string)
		// Asterisk counts whole seconds of audio in the file, and its
		// RecordingStarted comes before the beep: of 3 s spoken the lab
		// kept 1 to 2 s. Some speech must be there.
		if d, _ := kept["duration_s"].(float64); d < 1 {
			t.Fatalf("recording lasted %v s, want some of the ~3 s spoken", kept["duration_s"])
		}
		if _, err := sc.client.StoredRecording(sc.ctx, ari.StoredRecordingKey(sc.pbx.NodeID(), name)); err != nil {
			t.Fatalf("recording %q not stored: %v", name, err)
		}
		if c.Intent != record.IntentComplaint || !strings.Contains(c.Notes, name) || c.Outcome != record.OutcomeCompleted {
			t.Fatalf("intent %q outcome %q notes %q", c.Intent, c.Outcome, c.Notes)
		}
		// Stored recordings outlive the call; a real Asterisk keeps them.
		_ = sc.client.DeleteRecording(sc.ctx, ari.StoredRecordingKey(sc.pbx.NodeID(), name))
	})
}

// S6/S24: an order goes to sales (not the desk); the caller is on hold
// while the phone rings, the person answers and is bridged with the call's
// id on their leg (S11); when they hang up the caller is asked S8, thanked
// (S20) and the line hangs up.
func TestPBXS6OrderBridgedToSales(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		seller := sc.addStaff("王小明", "3001", "sales")
		sc.addStaff("李服務", "2001", "desk")
		phone := sc.pbx.AddPhone("3001", pbxtest.PhoneOptions{AnswerAfter: 2 * time.Second})
		caller := sc.dial("+8613800138000")
		sc.hear(caller, zhm(prompt.KeyMenuDesk))
		sc.press(caller, "1")
		leg, err := phone.WaitRinging(sc.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := leg.WaitUp(sc.ctx); err != nil {
			t.Fatal(err)
		}
		sc.waitEvent("connected")
		sc.hear(leg, zhm(prompt.KeyWhisperIntro))
		callID, err := sc.client.Variable(sc.ctx, ari.ChannelKey(sc.pbx.NodeID(), leg.ChannelID()), routing.VarCallID)
		if err != nil || callID == "" {
			t.Fatalf("%s on the staff leg = %q, %v", routing.VarCallID, callID, err)
		}
		if err := leg.Hangup(sc.ctx); err != nil {
			t.Fatal(err)
		}
		sc.hear(caller, zhm(prompt.KeyAnythingElse))
		sc.press(caller, "2")
		c, evs := sc.done()
		if callID != c.ID {
			t.Fatalf("%s = %q, want the call id %q", routing.VarCallID, callID, c.ID)
		}
		inOrder(t, "heard", caller.Heard(), sc.observable(zhm(prompt.KeyConnecting), "moh:default", "moh:stop",
			zhm(prompt.KeyAnythingElse), zhm(prompt.KeyThanksForCalling), zhm(prompt.KeyGoodbye))...)
		routed := eventData(t, evs, "routed")
		if routed["rule"] != routing.RuleOrder || routed["staff_id"] != seller.ID {
			t.Fatalf("routed = %v", routed)
		}
		inOrder(t, "timeline", types(evs), "menu_choice", "routed", "ringing_staff", "staff_answered", "connected",
			"staff_left", "anything_else", "ended", "outcome")
		if c.Outcome != record.OutcomeConnected || c.OwnerStaffID != seller.ID || c.Intent != record.IntentOrder || c.EndedBy != "system" {
			t.Fatalf("outcome %q owner %q intent %q ended by %q", c.Outcome, c.OwnerStaffID, c.Intent, c.EndedBy)
		}
	})
}

// S12, S15: the person asked for by extension does not answer within three
// rings: the caller hears "對不起, 請稍等" and a callback promise, and the
// unanswered phone stops ringing.
func TestPBXS15NoAnswerApologyAndCallback(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		person := sc.addStaff("陳經理", "3005", "sales")
		phone := sc.pbx.AddPhone("3005", pbxtest.PhoneOptions{NoAnswer: true})
		caller := sc.dial("+8613800138000")
		sc.hear(caller, zhm(prompt.KeyMenuDesk))
		sc.press(caller, "4")
		sc.hear(caller, zhm(prompt.KeyEnterExtension))
		sc.press(caller, "3005#")
		leg, err := phone.WaitRinging(sc.ctx)
		if err != nil {
			t.Fatal(err)
		}
		sc.hear(caller, zhm(prompt.KeyCallbackPromise))
		sc.hear(caller, zhm(prompt.KeyAnythingElse))
		sc.press(caller, "2")
		c, evs := sc.done()
		routed := eventData(t, evs, "routed")
		if routed["rule"] != routing.RuleExtension || routed["staff_id"] != person.ID {
			t.Fatalf("routed = %v", routed)
		}
		inOrder(t, "timeline", types(evs), "ringing_staff", "staff_no_answer", "callback_promised")
		inOrder(t, "heard", caller.Heard(), sc.observable("moh:default", "moh:stop",
			zhm(prompt.KeySorryPleaseWait), zhm(prompt.KeyCallbackPromise))...)
		if c.Outcome != record.OutcomeCallbackRequested {
			t.Fatalf("outcome %q", c.Outcome)
		}
		sc.waitGone(leg, "the unanswered phone still up when the call ended")
	})
}

// A caller hanging up in the middle of the flow (entering an extension)
// leaves a closed record and nothing behind.
func TestPBXCallerHangsUpMidFlow(t *testing.T) {
	onEachPBX(t, func(t *testing.T, sc *scenario) {
		caller := sc.dial("+8613800138000")
		sc.hear(caller, zhm(prompt.KeyMenuDesk))
		sc.press(caller, "4")
		sc.hear(caller, zhm(prompt.KeyEnterExtension))
		sc.press(caller, "20")
		if err := caller.Hangup(sc.ctx); err != nil {
			t.Fatal(err)
		}
		sc.waitGone(caller, "the caller still up when the call ended")
		c, evs := sc.done()
		if c.Outcome != record.OutcomeCallerHungUp || c.EndedBy != "caller" || c.EndedAt == nil {
			t.Fatalf("closed as %q by %q at %v", c.Outcome, c.EndedBy, c.EndedAt)
		}
		if evs[len(evs)-1].Type != record.EventOutcome {
			t.Fatalf("timeline does not end with the outcome: %v", types(evs))
		}
		chans, err := sc.client.Channels(sc.ctx, sc.pbx.NodeID())
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range chans {
			if strings.HasPrefix(ch.ID, strings.TrimSuffix(caller.ChannelID(), ";2")) || ch.ID == caller.ChannelID() {
				t.Fatalf("channel %s (%s) left behind", ch.ID, ch.State)
			}
		}
	})
}
