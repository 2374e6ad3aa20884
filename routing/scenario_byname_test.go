package routing_test

import (
	"fmt"
	"strings"
	"testing"

	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/prompt"
)

// addNamed adds a person with a spelling (dial by name).
func (sc *scenario) addNamed(name, ext, dept, spelling string) record.Staff {
	sc.t.Helper()
	s := sc.addStaff(name, ext, dept)
	s.Spelling = spelling
	s, err := sc.store.UpdateStaff(sc.ctx, s)
	if err != nil {
		sc.t.Fatal(err)
	}
	return s
}

// answer waits for the phone to ring and answers it: Manual phones, so
// the outcome never hangs on a ring timer.
func (sc *scenario) answer(p *aritest.Phone) *aritest.Leg {
	sc.t.Helper()
	leg, err := p.WaitRinging(sc.ctx)
	if err != nil {
		sc.t.Fatal(err)
	}
	if err := leg.Answer(sc.ctx); err != nil {
		sc.t.Fatal(err)
	}
	return leg
}

// checkByName checks the menu choice and the lookups recorded for a person
// asked for by name.
func checkByName(t *testing.T, evs []record.Event, keyed string, lookups ...string) {
	t.Helper()
	mc := eventData(t, evs, "menu_choice")
	if mc["intent"] != record.IntentPerson || mc["by"] != "name" || mc["keyed"] != keyed || mc["digit"] != "5" {
		t.Fatalf("menu_choice %v, want person by name keyed %s", mc, keyed)
	}
	var got []string
	for _, e := range evs {
		if e.Type != record.EventNameLookup {
			continue
		}
		var d map[string]any
		if err := jsonUnmarshal(e.Data, &d); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%v:%v", d["keyed"], d["matches"]))
	}
	if strings.Join(got, " ") != strings.Join(lookups, " ") {
		t.Fatalf("name lookups %v, want %v", got, lookups)
	}
}

// Issue 6: a free person asked for by name is put through as one asked
// for by extension would be: the caller hears the extension found, the
// person hears the whisper, and the record says why.
func TestByNameFreePersonConnected(t *testing.T) {
	t.Parallel()
	sc := newScenario(t, scenarioOptions{})
	fang := sc.addNamed("王芳", "2001", "sales", "wang fang")
	sc.addNamed("王強", "2002", "sales", "wang qiang")
	phone := sc.srv.AddPhone(fang.Endpoint, aritest.PhoneOptions{Manual: true})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "5")
	sc.hear(caller, zhm(prompt.KeyNameInstructions))
	sc.press(caller, "92643#") // w-a-n-g-f
	leg := sc.answer(phone)
	sc.waitEvent("connected")
	sc.hear(leg, zhm(prompt.KeyWhisperPerson))
	if err := caller.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	c, evs := sc.done()

	inOrder(t, "menu", caller.Heard(), zhm(prompt.KeyMenuExtension), zhm(prompt.KeyMenuName), zhm(prompt.KeyMenuGeneralManager), zhm(prompt.KeyMenuDesk))
	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyNameInstructions), zhm(prompt.KeyNameFound), prompt.Digits("2001"), zhm(prompt.KeyConnecting))
	checkByName(t, evs, "92643", "92643:1")
	routed := eventData(t, evs, "routed")
	if routed["rule"] != routing.RuleName || routed["staff_id"] != fang.ID || !strings.Contains(fmt.Sprint(routed["reason"]), "asked for 王芳 by name") {
		t.Fatalf("routed %v", routed)
	}
	inOrder(t, "timeline", types(evs), "name_lookup", "menu_choice", "routed", "ringing_staff", "staff_answered", "connected")
	if c.Intent != record.IntentPerson || c.Outcome != record.OutcomeConnected || c.OwnerStaffID != fang.ID {
		t.Fatalf("call intent %q outcome %q owner %q", c.Intent, c.Outcome, c.OwnerStaffID)
	}
}

// Issue 6, S16: someone asked for by name (given name first) who is in a
// meeting gets the same wording and options as by extension; the caller
// asks for a callback.
func TestByNameInAMeetingS16(t *testing.T) {
	t.Parallel()
	sc, _ := newAwayScenario(t, 0)
	fang := sc.addNamed("王芳", "2001", "sales", "wang fang")
	sc.srv.AddPhone(fang.Endpoint, aritest.PhoneOptions{Manual: true})
	sc.setPresence(record.Presence{StaffID: fang.ID, Status: record.PresenceMeeting})
	caller := sc.dial("+8613800138000")
	sc.hear(caller, zhm(prompt.KeyMenuDesk))
	sc.press(caller, "5")
	sc.hear(caller, zhm(prompt.KeyNameInstructions))
	sc.press(caller, "3264#") // f-a-n-g, given name first
	sc.hear(caller, zhm(prompt.KeyAwayOptCallback))
	sc.press(caller, "4")
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	if err := caller.Hangup(sc.ctx); err != nil {
		t.Fatal(err)
	}
	c, evs := sc.done()

	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyNameFound), prompt.Digits("2001"),
		zhm(prompt.KeyAwayColleague), zhm(prompt.KeyAwayMeeting), zhm(prompt.KeyAwayCanIHelp),
		zhm(prompt.KeyAwayOptMessage), zhm(prompt.KeyAwayOptColleague), zhm(prompt.KeyAwayOptUrgent), zhm(prompt.KeyAwayOptCallback),
		zhm(prompt.KeyCallbackBooked))
	checkByName(t, evs, "3264", "3264:1")
	routed := eventData(t, evs, "routed")
	if routed["rule"] != routing.RulePresence || routed["requested_staff_id"] != fang.ID || !strings.Contains(fmt.Sprint(routed["reason"]), "by name") {
		t.Fatalf("routed %v", routed)
	}
	if d := eventData(t, evs, "away"); d["status"] != record.PresenceMeeting || d["staff_id"] != fang.ID {
		t.Fatalf("away %v", d)
	}
	if d := eventData(t, evs, "callback_requested"); d["staff_id"] != fang.ID {
		t.Fatalf("callback_requested %v", d)
	}
	if c.Outcome != record.OutcomeCallbackRequested || c.Intent != record.IntentPerson {
		t.Fatalf("call outcome %q intent %q", c.Outcome, c.Intent)
	}
}

// Issue 6: a name several people share asks for more letters once; the
// caller may go on from the letters keyed or key the name again.
func TestByNameSeveralThenMoreLetters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, more, keyed string }{
		{"Continued", "3#", "92643"},
		{"KeyedAgain", "92647#", "92647"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := newScenario(t, scenarioOptions{})
			fang := sc.addNamed("王芳", "2001", "sales", "wang fang")
			qiang := sc.addNamed("王強", "2002", "sales", "wang qiang")
			want := fang
			if tc.name == "KeyedAgain" {
				want = qiang // w-a-n-g-q
			}
			phone := sc.srv.AddPhone(want.Endpoint, aritest.PhoneOptions{Manual: true})
			caller := sc.dial("+8613800138000")
			sc.hear(caller, zhm(prompt.KeyMenuDesk))
			sc.press(caller, "5")
			sc.hear(caller, zhm(prompt.KeyNameInstructions))
			sc.press(caller, "9264#")
			sc.hear(caller, zhm(prompt.KeyNameMore))
			sc.press(caller, tc.more)
			sc.answer(phone)
			sc.waitEvent("connected")
			if err := caller.Hangup(sc.ctx); err != nil {
				t.Fatal(err)
			}
			c, evs := sc.done()
			checkByName(t, evs, tc.keyed, "9264:2", tc.keyed+":1")
			if r := eventData(t, evs, "routed"); r["rule"] != routing.RuleName || r["staff_id"] != want.ID {
				t.Fatalf("routed %v, want %s", r, want.Name)
			}
			if c.OwnerStaffID != want.ID || c.Outcome != record.OutcomeConnected {
				t.Fatalf("owner %q outcome %q", c.OwnerStaffID, c.Outcome)
			}
		})
	}
}

// Issue 6: no one by that name is said and asked again once, then the
// desk takes the call; so does a name still shared after more letters.
// The record says why.
func TestByNameUnresolvedGoesToDesk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, first, second string
		prompt2             prompt.Key // heard before the second keys
		rule                string
		lookups             []string
		keyed               string
	}{
		{"NoneTwice", "7777#", "8888#", prompt.KeyNameUnknown, routing.RuleUnknownName, []string{"7777:0", "8888:0"}, "8888"},
		{"NothingThenNone", "#", "0#", prompt.KeyNoChoice, routing.RuleUnknownName, []string{":0", "0:0"}, "0"},
		{"StillSeveral", "9264#", "#", prompt.KeyNameMore, routing.RuleAmbiguousName, []string{"9264:2", "9264:2"}, "9264"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := newScenario(t, scenarioOptions{})
			sc.addNamed("王芳", "2001", "sales", "wang fang")
			sc.addNamed("王強", "2002", "sales", "wang qiang")
			desk := sc.addNamed("李服務", "2000", "desk", "li fu wu")
			phone := sc.srv.AddPhone(desk.Endpoint, aritest.PhoneOptions{Manual: true})
			caller := sc.dial("+8613800138000")
			sc.hear(caller, zhm(prompt.KeyMenuDesk))
			sc.press(caller, "5")
			sc.hear(caller, zhm(prompt.KeyNameInstructions))
			sc.press(caller, tc.first)
			sc.hear(caller, zhm(tc.prompt2))
			if tc.prompt2 != prompt.KeyNameMore {
				sc.hear(caller, zhm(prompt.KeyNameInstructions)) // asked again from the start
			}
			sc.press(caller, tc.second)
			sc.hear(caller, zhm(prompt.KeyNameToDesk))
			sc.answer(phone)
			sc.waitEvent("connected")
			if err := caller.Hangup(sc.ctx); err != nil {
				t.Fatal(err)
			}
			c, evs := sc.done()
			checkByName(t, evs, tc.keyed, tc.lookups...)
			r := eventData(t, evs, "routed")
			if r["rule"] != tc.rule || r["target"] != string(routing.TargetDesk) || r["staff_id"] != desk.ID {
				t.Fatalf("routed %v, want %s to the desk", r, tc.rule)
			}
			if c.OwnerStaffID != desk.ID || c.Outcome != record.OutcomeConnected {
				t.Fatalf("owner %q outcome %q", c.OwnerStaffID, c.Outcome)
			}
			for _, h := range caller.Heard() {
				if h == zhm(prompt.KeyNameFound) {
					t.Fatalf("caller heard %s: %v", h, caller.Heard())
				}
			}
		})
	}
}
