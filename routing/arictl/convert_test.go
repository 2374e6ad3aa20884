package arictl

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/ari"
	"callsvc/routing"
)

// Events as a real Asterisk sent them (from the project's recorded traces,
// trimmed to the fields that matter).
func TestConvertRealEvents(t *testing.T) {
	const node = "02:fc:00:00:00:01"
	ch := `"channel":{"id":"1795737421.72","name":"Local/100@from-pstn-00000023;2","state":"Up","caller":{"name":"Alice Caller","number":"+15551234567"},"dialplan":{"context":"from-pstn","exten":"100","priority":2},"creationtime":"2026-11-26T23:57:01.344+0000","language":"en"}`
	leg := routing.Leg{Node: node, ID: "1795737421.72"}
	at := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02T15:04:05.000-0700", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		name string
		raw  string
		want routing.Event
		ok   bool
	}{
		{"StasisStartInbound",
			`{"type":"StasisStart","timestamp":"2026-11-26T23:57:01.345+0000","args":["inbound"],` + ch + `,"application":"callsvc"}`,
			routing.Event{Kind: routing.EvStart, Leg: leg, Args: []string{"inbound"}, At: at("2026-11-26T23:57:01.345+0000")}, true},
		{"DTMF",
			`{"type":"ChannelDtmfReceived","timestamp":"2026-11-26T23:57:03.550+0000","digit":"1","duration_ms":100,` + ch + `,"application":"callsvc"}`,
			routing.Event{Kind: routing.EvDTMF, Leg: leg, Digit: "1", At: at("2026-11-26T23:57:03.550+0000")}, true},
		{"PlaybackStoppedIsDone",
			`{"type":"PlaybackFinished","timestamp":"2026-11-26T23:57:03.551+0000","playback":{"id":"ef1ca493","media_uri":"sound:vm-intro","target_uri":"channel:1795737421.72","state":"done"},"application":"callsvc"}`,
			routing.Event{Kind: routing.EvPlaybackFinished, Leg: leg, PlaybackID: "ef1ca493", At: at("2026-11-26T23:57:03.551+0000")}, true},
		{"PlaybackFailedOnHangup",
			`{"type":"PlaybackFinished","timestamp":"2026-11-26T23:56:58.330+0000","playback":{"id":"pb-1","media_uri":"sound:demo-congrats","target_uri":"channel:1795737421.72","state":"failed"},"application":"callsvc"}`,
			routing.Event{Kind: routing.EvPlaybackFinished, Leg: leg, PlaybackID: "pb-1", Failed: true, At: at("2026-11-26T23:56:58.330+0000")}, true},
		{"RecordingFinishedWithDuration",
			`{"type":"RecordingFinished","timestamp":"2026-11-26T23:57:18.924+0000","recording":{"name":"callsvc-msg","format":"wav","state":"done","target_uri":"channel:1795737421.72","duration":1},"application":"callsvc"}`,
			routing.Event{Kind: routing.EvRecordingFinished, Leg: leg, RecordingName: "callsvc-msg", Duration: time.Second, At: at("2026-11-26T23:57:18.924+0000")}, true},
		{"HangupRequest",
			`{"cause":32,"soft":true,"type":"ChannelHangupRequest","timestamp":"2026-11-26T23:57:07.221+0000",` + ch + `,"application":"callsvc"}`,
			routing.Event{Kind: routing.EvHangupRequest, Leg: leg, At: at("2026-11-26T23:57:07.221+0000")}, true},
		{"StasisEnd",
			`{"type":"StasisEnd","timestamp":"2026-11-26T23:57:07.221+0000",` + ch + `,"application":"callsvc"}`,
			routing.Event{Kind: routing.EvEnd, Leg: leg, At: at("2026-11-26T23:57:07.221+0000")}, true},
		{"ChannelDestroyedIsEnd",
			`{"type":"ChannelDestroyed","timestamp":"2026-11-26T23:57:33.576+0000","cause":16,"cause_txt":"Normal Clearing",` + ch + `,"application":"callsvc"}`,
			routing.Event{Kind: routing.EvEnd, Leg: leg, Cause: "Normal Clearing", At: at("2026-11-26T23:57:33.576+0000")}, true},
		{"VarsetIgnored",
			`{"type":"ChannelVarset","timestamp":"2026-11-26T23:57:07.221+0000","variable":"X","value":"1",` + ch + `,"application":"callsvc"}`,
			routing.Event{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := ari.DecodeEvent(node, []byte(tc.raw))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := Convert(ev)
			if ok != tc.ok {
				t.Fatalf("ok = %v", ok)
			}
			if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
				t.Fatalf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestArrivalFromStasisStart(t *testing.T) {
	raw := `{"type":"StasisStart","timestamp":"2026-11-26T23:57:01.345+0000","args":["inbound"],"channel":{"id":"1795737421.72","state":"Ring","caller":{"name":"Alice Caller","number":"+15551234567"},"dialplan":{"context":"from-pstn","exten":"100","priority":2}},"application":"callsvc"}`
	ev, err := ari.DecodeEvent("n1", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	a := arrival(ev.(*ari.StasisStart))
	if a.Leg != (routing.Leg{Node: "n1", ID: "1795737421.72"}) || a.CallerNumber != "+15551234567" || a.CallerName != "Alice Caller" || a.Dialed != "100" {
		t.Fatalf("arrival = %+v", a)
	}
	if !routing.IsInbound(a.Args) || routing.IsInbound([]string{"agent", "call", "staff"}) {
		t.Fatal("inbound args misread")
	}
}
