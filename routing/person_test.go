package routing

import (
	"errors"
	"fmt"
	"testing"
)

// The reasons are stored on the timeline and read by the API's clients:
// their strings never change.
func TestRingFailureReasons(t *testing.T) {
	for _, tc := range []struct {
		name      string
		up, ended bool
		ev        Event
		want      string
	}{
		{"RingingGoesOn", false, false, Event{Kind: EvDialResult, DialStatus: "RINGING"}, ""},
		{"AnsweredIsNoFailure", true, false, Event{Kind: EvStart}, ""},
		{"AsteriskRingTimeoutIsNoAnswer", false, false, Event{Kind: EvDialResult, DialStatus: "NOANSWER"}, "no_answer"},
		{"BusyAsItIs", false, false, Event{Kind: EvDialResult, DialStatus: "BUSY"}, "BUSY"},
		{"UnregisteredAsItIs", false, false, Event{Kind: EvDialResult, DialStatus: "CHANUNAVAIL"}, "CHANUNAVAIL"},
		{"GoneWithDialStatus", false, true, Event{Kind: EvEnd, DialStatus: "CONGESTION", Cause: "Circuit/channel congestion"}, "CONGESTION"},
		{"GoneWithOnlyACause", false, true, Event{Kind: EvEnd, Cause: "Call Rejected"}, "Call Rejected"},
		{"GoneWithNothingSaid", false, true, Event{Kind: EvEnd}, "no_answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &person{up: tc.up, ended: tc.ended}
			if got := ringFailure(p, tc.ev); string(got) != tc.want {
				t.Fatalf("reason %q, want %q", got, tc.want)
			}
		})
	}
	for r, want := range map[FailReason]string{FailNoAnswer: "no_answer", FailBusy: "BUSY", FailUnreachable: "CHANUNAVAIL",
		FailOriginate: "originate_failed", FailWhisperHangup: "hung_up_during_whisper", FailBeforeBridge: "hung_up_before_bridge",
		FailTargetLeft: "target_left", FailCancelled: "cancelled"} {
		if string(r) != want {
			t.Errorf("reason %q, want %q", r, want)
		}
	}
}

// A phase's error says whether only a person did not take the call (the
// next is tried) or the call itself ended.
func TestFailedTellsAReasonFromAnEnd(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{FailBusy, true},
		{fmt.Errorf("ring: %w", FailNoAnswer), true},
		{errHangup, false},
		{errors.New("create bridge: boom"), false},
		{nil, false},
	} {
		if got := failed(tc.err); got != tc.want {
			t.Errorf("failed(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
