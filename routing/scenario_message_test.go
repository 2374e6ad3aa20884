package routing_test

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"callsvc/api/apitest"
	"callsvc/api/record"
	"callsvc/routing/prompt"
)

// Messages (S15): a beep, the message until #, read back, 1 keeps it; the
// caller id is confirmed as the callback number; the message and its
// audio are stored, the person's screen and webhook are told, and the
// audio downloaded through the API is what Asterisk recorded.
func TestMessageKeptAndDownloadedThroughAPI(t *testing.T) {
	t.Parallel()
	sc, kit, s, _, caller := awayCall(t, 0, record.PresenceMeeting)
	sc.press(caller, "1")
	name := sc.message(caller, 1, pcmOf(8000, 1))
	sc.press(caller, "#")
	sc.hear(caller, "recording:"+name)
	sc.hear(caller, zhm(prompt.KeyMessageConfirm))
	sc.press(caller, "1")
	sc.hear(caller, zhm(prompt.KeyCallbackConfirm))
	sc.press(caller, "1")
	sc.hear(caller, zhm(prompt.KeyMessageSaved))
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	sc.press(caller, "2")
	c, evs := sc.done()
	if err := kit.messages.Flush(sc.ctx); err != nil {
		t.Fatal(err)
	}

	inOrder(t, "heard", caller.Heard(), zhm(prompt.KeyMessageInstructions), "sound:beep", zhm(prompt.KeyMessageReadBack),
		"recording:"+name, zhm(prompt.KeyMessageConfirm), zhm(prompt.KeyCallbackNumberIs), prompt.Digits("+8613800138000"),
		zhm(prompt.KeyMessageSaved), zhm(prompt.KeyThanksForCalling))
	if c.Outcome != record.OutcomeMessageTaken || !c.MessageTaken {
		t.Fatalf("outcome %q message_taken %v", c.Outcome, c.MessageTaken)
	}
	inOrder(t, "timeline", types(evs), "away", "away_choice", "message_recording", "message_taken", "outcome")
	msgs := sc.messagesFor(s.ID)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.CallID != c.ID || m.Partial || m.RecordingName != name || m.CallbackNumber != "+8613800138000" ||
		m.Status != record.MessageNew || m.AudioBytes == 0 || m.DurationMS <= 0 {
		t.Fatalf("message %+v", m)
	}
	want, ok := sc.srv.Recording(name)
	if !ok {
		t.Fatal("the stand-in has no such recording")
	}
	api := apitest.NewOn(t, sc.store)
	resp := api.Do(t, http.MethodGet, "/v1/messages/"+m.ID+"/audio", record.RoleSupervisor, nil)
	if resp.Status != http.StatusOK || !bytes.Equal(resp.Body, want) {
		t.Fatalf("audio over the API: status %d, %d bytes; want %d bytes as recorded", resp.Status, len(resp.Body), len(want))
	}
	if got := kit.screen.types(s.ID); !slices.Contains(got, "message") {
		t.Fatalf("screen pops %v: no message", got)
	}
	if got := kit.notices.types(s.ID); !slices.Equal(got, []string{"message.taken"}) {
		t.Fatalf("notices %v", got)
	}
}

// 2 records again: only the kept take becomes the message; a number other
// than the caller id can be given.
func TestMessageRecordedAgainWithAnotherNumber(t *testing.T) {
	t.Parallel()
	sc, kit, s, _, caller := awayCall(t, 0, record.PresenceVisitor)
	sc.press(caller, "1")
	first := sc.message(caller, 1, nil)
	sc.press(caller, "#")
	sc.hear(caller, zhm(prompt.KeyMessageConfirm))
	sc.press(caller, "2")
	second := sc.message(caller, 2, pcmOf(4000, 9))
	sc.press(caller, "#")
	sc.hear(caller, "recording:"+second)
	sc.hear(caller, zhm(prompt.KeyMessageConfirm))
	sc.press(caller, "1")
	sc.hear(caller, zhm(prompt.KeyCallbackConfirm))
	sc.press(caller, "2")
	sc.hear(caller, zhm(prompt.KeyEnterCallbackNumber))
	sc.press(caller, "13900139000#")
	sc.hear(caller, zhm(prompt.KeyMessageSaved))
	caller.Hangup(sc.ctx)
	_, evs := sc.done()
	// The message writer stores off the call's path: wait for it.
	if err := kit.messages.Flush(sc.ctx); err != nil {
		t.Fatal(err)
	}
	msgs := sc.messagesFor(s.ID)
	if len(msgs) != 1 || msgs[0].RecordingName != second || msgs[0].RecordingName == first {
		t.Fatalf("messages %+v, want one of %s", msgs, second)
	}
	if msgs[0].CallbackNumber == "+8613800138000" || msgs[0].CallbackNumber == "" {
		t.Fatalf("callback number %q, want the one typed", msgs[0].CallbackNumber)
	}
	inOrder(t, "timeline", types(evs), "message_recording", "message_rerecord", "message_recording", "message_taken")
}

// 3 cancels: nothing is stored and the call is not marked as a message.
func TestMessageCancelled(t *testing.T) {
	t.Parallel()
	sc, kit, s, _, caller := awayCall(t, 0, record.PresenceEvent)
	sc.press(caller, "1")
	sc.message(caller, 1, nil)
	sc.press(caller, "#")
	sc.hear(caller, zhm(prompt.KeyMessageConfirm))
	sc.press(caller, "3")
	sc.hear(caller, zhm(prompt.KeyMessageCancelled))
	sc.hear(caller, zhm(prompt.KeyAnythingElse))
	caller.Hangup(sc.ctx)
	c, evs := sc.done()
	// Nothing pending either: a cancelled message must not arrive later.
	if err := kit.messages.Flush(sc.ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(sc.messagesFor(s.ID)); n != 0 {
		t.Fatalf("%d messages stored after cancel", n)
	}
	if c.MessageTaken || c.Outcome == record.OutcomeMessageTaken || !hasType(evs, record.EventMessageCancelled) {
		t.Fatalf("outcome %q message_taken %v timeline %v", c.Outcome, c.MessageTaken, types(evs))
	}
}

// A caller who hangs up mid-message still leaves it, marked partial, with
// what was said; one who hangs up during the read-back leaves it whole.
func TestMessageHangups(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		during  string
		partial bool
		ended   string
	}{
		{"DuringRecordingIsPartial", "recording", true, "hung_up_recording"},
		{"DuringReadBackIsKept", "read_back", false, "hung_up_read_back"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc, kit, s, _, caller := awayCall(t, 0, record.PresenceMeeting)
			sc.press(caller, "1")
			name := sc.message(caller, 1, pcmOf(2000, 3))
			if tc.during == "read_back" {
				sc.press(caller, "#")
				sc.hear(caller, zhm(prompt.KeyMessageReadBack))
			}
			caller.Hangup(sc.ctx)
			c, evs := sc.done()
			if err := kit.messages.Flush(sc.ctx); err != nil {
				t.Fatal(err)
			}
			msgs := sc.messagesFor(s.ID)
			if len(msgs) != 1 {
				t.Fatalf("%d messages, want 1", len(msgs))
			}
			m := msgs[0]
			if m.Partial != tc.partial || m.RecordingName != name || m.AudioBytes == 0 || m.CallbackNumber != "+8613800138000" {
				t.Fatalf("message %+v", m)
			}
			if d := eventData(t, evs, "message_taken"); d["ended"] != tc.ended {
				t.Fatalf("message_taken %v, want ended %s", d, tc.ended)
			}
			if c.Outcome != record.OutcomeMessageTaken || c.EndedBy != "caller" {
				t.Fatalf("outcome %q ended by %q", c.Outcome, c.EndedBy)
			}
			audio, err := sc.store.MessageAudio(sc.ctx, m.ID)
			want, _ := sc.srv.Recording(name)
			if err != nil || !bytes.Equal(audio, want) {
				t.Fatalf("stored audio %d bytes (%v), want %d", len(audio), err, len(want))
			}
		})
	}
}
