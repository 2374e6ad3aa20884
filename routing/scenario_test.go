package routing_test

import (
	"slices"
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// S1: answered at once by default; rings_to_answer and answer_ms recorded.
func TestS1AnsweredOnFirstRing(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{speed: s1Speed})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuOrder))
	if err := caller.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	c, evs := sc.done()
	if c.AnsweredAt == nil || c.RingsToAnswer != 1 {
		t.Fatalf("answered %v after %d rings, want ring 1", c.AnsweredAt, c.RingsToAnswer)
	}
	inOrder(t, "timeline", types(evs), "arrived", "answered", "greeted", "ended", "outcome")
	if slices.Contains(types(evs), "ringing") {
		t.Fatal("answered at once, yet the timeline says the call was left ringing")
	}
	if c.Outcome != record.OutcomeCallerHungUp || c.EndedBy != "caller" || c.EndedAt == nil {
		t.Fatalf("closed as %q by %q at %v", c.Outcome, c.EndedBy, c.EndedAt)
	}
}

// S1: ANSWER_RING=2 lets it ring one cadence period (cn: 5 s), never more.
func TestS1AnswerRingTwo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		cadence string
		period  time.Duration
	}{{"CN", "cn", 5 * time.Second}, {"NA", "na", 6 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := newScenario(t, scenarioOptions{answerRing: 2, cadence: tc.cadence, speed: s1Speed})
			caller := sc.dial("+8613800138000")
			sc.hear(caller, zhm(prompt.KeyThisIs))
			caller.Hangup(sc.ctx)
			c, _ := sc.done()
			if c.RingsToAnswer != 2 {
				t.Fatalf("rings_to_answer = %d, want 2", c.RingsToAnswer)
			}
			if c.AnswerMS < int(tc.period/time.Millisecond) {
				t.Fatalf("answer_ms = %d, answered before ring 2 began", c.AnswerMS)
			}
		})
	}
}

// S2: the time-of-day and holiday forms replace 您好.
func TestS2GreetingForm(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		at   time.Time
		form prompt.Key
	}{
		{"Morning", time.Date(2026, 11, 27, 9, 30, 0, 0, shanghai), prompt.KeyGoodMorning},
		{"Afternoon", time.Date(2026, 11, 27, 14, 0, 0, 0, shanghai), prompt.KeyGoodAfternoon},
		{"Evening", time.Date(2026, 11, 27, 19, 0, 0, 0, shanghai), prompt.KeyGoodEvening},
		{"NationalDayHoliday", time.Date(2026, 10, 2, 10, 0, 0, 0, shanghai), prompt.KeyHappyHolidays},
		{"SpringFestival", time.Date(2026, 2, 17, 10, 0, 0, 0, shanghai), prompt.KeyHappyNewYear},
		{"Christmas", time.Date(2026, 12, 25, 10, 0, 0, 0, shanghai), prompt.KeyMerryChristmas},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := newScenario(t, scenarioOptions{at: tc.at})
			caller := sc.dial("+8613800138000")
			sc.hear(caller, zhm(prompt.KeyMenuOrder))
			caller.Hangup(sc.ctx)
			_, evs := sc.done()
			inOrder(t, "heard", caller.Heard(), zhm(tc.form), zhm(prompt.KeyThisIs), zhm(prompt.KeyCompanyName), zhm(prompt.KeyMenuOrder))
			if got := eventData(t, evs, "greeted")["form"]; got != string(tc.form) {
				t.Fatalf("greeted form = %v, want %s", got, tc.form)
			}
		})
	}
}

// S3: a caller whose number is on file is greeted by surname and title,
// and the call is linked to the customer.
func TestS3KnownCustomerGreetedByName(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	cust, err := sc.store.CreateCustomer(sc.ctx, record.Customer{Name: "張偉", Surname: "張", Title: "先生", Numbers: []string{"+8613900139000"}})
	if err != nil {
		t.Fatal(err)
	}
	caller := sc.dial("+8613900139000")
	sc.hear(caller, zhm(prompt.KeyMenuOrder))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	surname, _ := prompt.SurnameMedia("張")
	inOrder(t, "heard", caller.Heard(), surname, zhm(prompt.KeyTitleMr), zhm(prompt.KeyGoodMorning), zhm(prompt.KeyCompanyName))
	if c.CustomerID != cust.ID {
		t.Fatalf("customer_id = %q, want %q", c.CustomerID, cust.ID)
	}
	inOrder(t, "timeline", types(evs), "answered", "customer_identified", "greeted")
	if eventData(t, evs, "greeted")["named"] != true {
		t.Fatal("greeting not marked as named")
	}
}

// S6/S24: an order goes to the sales person idle longest; the caller hears
// music on hold while the phone rings, then they are bridged; when the
// person hangs up the caller is asked S8 and thanked (S20).
func TestS6OrderConnectedToSales(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	seller := sc.addStaff("王小明", "3001", "sales", "zh")
	sc.addStaff("李服務", "2001", "desk", "zh")
	phone := sc.phone("3001", pbxtest.PhoneOptions{AnswerAfter: 3 * time.Second})
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
	// S11: the call's context travels with the person's leg.
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

	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyConnecting), "moh:default", "moh:stop",
		zhm(prompt.KeyAnythingElse), zhm(prompt.KeyThanksForCalling), zhm(prompt.KeyGoodbye))
	routed := eventData(t, evs, "routed")
	if routed["rule"] != routing.RuleOrder || routed["staff_id"] != seller.ID {
		t.Fatalf("routed = %v", routed)
	}
	inOrder(t, "timeline", types(evs), "menu_choice", "routed", "ringing_staff", "connected", "staff_left", "anything_else", "ended", "outcome")
	if c.Outcome != record.OutcomeConnected || c.OwnerStaffID != seller.ID || c.Intent != record.IntentOrder || c.EndedBy != "system" {
		t.Fatalf("call = outcome %q owner %q intent %q ended by %q", c.Outcome, c.OwnerStaffID, c.Intent, c.EndedBy)
	}
}

// S7: a suggestion is recorded in full (ended with #), kept, and the caller
// thanked.
func TestS7SuggestionRecordedAndThanked(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "3")
	sc.hear(caller, "sound:beep")
	if err := caller.Speak(sc.ctx, 4*time.Second); err != nil {
		t.Fatal(err)
	}
	sc.press(caller, "#")
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "2")
	c, evs := sc.done()
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeySuggestionInstructions), "sound:beep",
		zhm(prompt.KeySuggestionThanks), zhm(prompt.KeyAnythingElse), zhm(prompt.KeyThanksForCalling))
	kept := eventData(t, evs, "recording_kept")
	name, _ := kept["recording"].(string)
	if _, ok := sc.srv.Recording(name); !ok {
		t.Fatalf("recording %q not stored", name)
	}
	if c.Intent != record.IntentSuggestion || c.Outcome != record.OutcomeCompleted {
		t.Fatalf("intent %q outcome %q", c.Intent, c.Outcome)
	}
}
