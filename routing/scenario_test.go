package routing_test

import (
	"testing"
	"time"

	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// S1: ANSWER_RING=2 lets it ring one cadence period (cn: 5 s, na: 6 s),
// exactly: on the virtual clock the answer comes at the start of ring 2.
func TestS1AnswerRingTwo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		cadence string
		period  time.Duration
	}{{"CN", "cn", 5 * time.Second}, {"NA", "na", 6 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc := newScenario(t, scenarioOptions{answerRing: 2, cadence: tc.cadence})
			caller := sc.dial("+8613800138000")
			sc.hear(caller, zhm(prompt.KeyThisIs))
			caller.Hangup(sc.ctx)
			c, _ := sc.done()
			if c.RingsToAnswer != 2 {
				t.Fatalf("rings_to_answer = %d, want 2", c.RingsToAnswer)
			}
			if c.AnswerMS != int(tc.period/time.Millisecond) {
				t.Fatalf("answer_ms = %d, want %d: the start of ring 2", c.AnswerMS, tc.period/time.Millisecond)
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
