package ari

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// TestRequestShapes checks that each operation sends the method, path and
// query Asterisk expects; the wanted lines are taken from the real traces
// (url.Values sorts parameters as the traces do).
func TestRequestShapes(t *testing.T) {
	s := newStub(t, "node-a")
	var lastBody string
	s.handle("POST /channels", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		lastBody = string(b)
		fmt.Fprint(w, `{"id":"9.9"}`)
	})
	c := connectStub(t, s)
	ctx := context.Background()
	ch := ChannelKey("node-a", "1795737454.88")
	br := BridgeKey("node-a", "84b8f480")
	for _, tc := range []struct {
		name string
		do   func() error
		want string
	}{
		{"Answer", func() error { return c.Answer(ctx, ch) }, "POST /channels/1795737454.88/answer?"},
		{"Ring", func() error { return c.Ring(ctx, ch) }, "POST /channels/1795737454.88/ring?"},
		{"RingStop", func() error { return c.RingStop(ctx, ch) }, "DELETE /channels/1795737454.88/ring?"},
		{"Progress", func() error { return c.Progress(ctx, ch) }, "POST /channels/1795737454.88/progress?"},
		{"HangupNormal", func() error { return c.Hangup(ctx, ch, HangupNormal) }, "DELETE /channels/1795737454.88?reason=normal"},
		{"Continue", func() error {
			return c.Continue(ctx, ch, ContinueOptions{Context: "from-pstn", Extension: "100", Priority: 1})
		}, "POST /channels/1795737454.88/continue?context=from-pstn&extension=100&priority=1"},
		{"Redirect", func() error { return c.Redirect(ctx, ch, "PJSIP/2001") }, "POST /channels/1795737454.88/redirect?endpoint=PJSIP%2F2001"},
		{"PlayWithID", func() error {
			_, err := c.Play(ctx, ch, PlayOptions{Media: []string{MediaSound("hello-world")}, PlaybackID: "dup-pb"})
			return err
		}, "POST /channels/1795737454.88/play?media=sound%3Ahello-world&playbackId=dup-pb"},
		{"PlaySeveral", func() error {
			_, err := c.Play(ctx, br, PlayOptions{Media: []string{MediaNumber(42), MediaDigits("42#"), MediaCharacters("ab"), MediaTone("ring"), MediaRecording("msg")}, Lang: "en"})
			return err
			// One comma-separated parameter: the lab Asterisk plays only the
			// last of repeated "media" parameters.
		}, "POST /bridges/84b8f480/play?lang=en&media=number%3A42%2Cdigits%3A42%23%2Ccharacters%3Aab%2Ctone%3Aring%2Crecording%3Amsg"},
		{"Record", func() error {
			_, err := c.Record(ctx, ch, RecordOptions{Name: "callsvc-msg-maxdur-1795737430", MaxDurationSeconds: 3, Beep: true, TerminateOn: "#", IfExists: "overwrite"})
			return err
		}, "POST /channels/1795737454.88/record?beep=true&format=wav&ifExists=overwrite&maxDurationSeconds=3&name=callsvc-msg-maxdur-1795737430&terminateOn=%23"},
		{"DTMF", func() error { return c.SendDTMF(ctx, ch, "9*", DTMFOptions{Between: 100, Duration: 120}) }, "POST /channels/1795737454.88/dtmf?between=100&dtmf=9%2A&duration=120"},
		{"Mute", func() error { return c.Mute(ctx, ch, DirectionIn) }, "POST /channels/1795737454.88/mute?direction=in"},
		{"Unmute", func() error { return c.Unmute(ctx, ch, "") }, "DELETE /channels/1795737454.88/mute?"},
		{"Hold", func() error { return c.Hold(ctx, ch) }, "POST /channels/1795737454.88/hold?"},
		{"Unhold", func() error { return c.Unhold(ctx, ch) }, "DELETE /channels/1795737454.88/hold?"},
		{"ChannelMOH", func() error { return c.StartMOH(ctx, ch, "default") }, "POST /channels/1795737454.88/moh?mohClass=default"},
		{"BridgeMOHStop", func() error { return c.StopMOH(ctx, br) }, "DELETE /bridges/84b8f480/moh?"},
		{"Silence", func() error { return c.StartSilence(ctx, ch) }, "POST /channels/1795737454.88/silence?"},
		{"SetVariable", func() error { return c.SetVariable(ctx, ch, "CALLSVC_CALL_ID", "call-1") }, "POST /channels/1795737454.88/variable?value=call-1&variable=CALLSVC_CALL_ID"},
		{"Snoop", func() error {
			_, err := c.Snoop(ctx, ch, SnoopOptions{Spy: "both", AppArgs: []string{"snoop"}, SnoopID: "s1"})
			return err
		}, "POST /channels/1795737454.88/snoop?app=callsvc&appArgs=snoop&snoopId=s1&spy=both"},
		{"Dial", func() error { return c.Dial(ctx, ChannelKey("node-a", "1795737451.85"), "1795737451.84", 20) }, "POST /channels/1795737451.85/dial?caller=1795737451.84&timeout=20"},
		{"CreateBridge", func() error {
			_, err := c.CreateBridge(ctx, "node-a", BridgeOptions{Type: "mixing", Name: "xfer-call-1"})
			return err
		}, "POST /bridges?name=xfer-call-1&type=mixing"},
		{"AddChannel", func() error { return c.AddChannel(ctx, br, ch, ChannelKey("node-a", "2.2")) }, "POST /bridges/84b8f480/addChannel?channel=1795737454.88%2C2.2"},
		{"PlaybackControl", func() error { return c.ControlPlayback(ctx, PlaybackKey("node-a", "p1"), PlaybackPause) }, "POST /playbacks/p1/control?operation=pause"},
		{"StopRecording", func() error { return c.StopRecording(ctx, LiveRecordingKey("node-a", "r1")) }, "POST /recordings/live/r1/stop?"},
		{"UnpauseRecording", func() error { return c.UnpauseRecording(ctx, LiveRecordingKey("node-a", "r1")) }, "DELETE /recordings/live/r1/pause?"},
		{"MuteRecording", func() error { return c.MuteRecording(ctx, LiveRecordingKey("node-a", "r1")) }, "POST /recordings/live/r1/mute?"},
		{"CopyRecording", func() error {
			_, err := c.CopyRecording(ctx, StoredRecordingKey("node-a", "r1"), "r2")
			return err
		}, "POST /recordings/stored/r1/copy?destinationRecordingName=r2"},
		{"SetDeviceState", func() error { return c.SetDeviceState(ctx, DeviceStateKey("node-a", "Stasis:agent-2001"), DeviceBusy) }, "PUT /deviceStates/Stasis:agent-2001?deviceState=BUSY"},
		{"SubscribeChannel", func() error {
			_, err := c.SubscribeSource(ctx, ch)
			return err
		}, "POST /applications/callsvc/subscription?eventSource=channel%3A1795737454.88"},
		{"SetGlobal", func() error { return c.SetGlobalVariable(ctx, "node-a", "X", "1") }, "POST /asterisk/variable?value=1&variable=X"},
		{"Originate", func() error {
			_, err := c.Originate(ctx, "node-a", OriginateRequest{Endpoint: "PJSIP/2001", AppArgs: []string{"agent", "1795737462.97", "call-1"}, CallerID: `"CallSvc" <+15550000000>`, Timeout: 30, Variables: map[string]string{"CALLSVC_ROLE": "agent"}})
			return err
		}, "POST /channels?app=callsvc&appArgs=agent%2C1795737462.97%2Ccall-1&callerId=%22CallSvc%22+%3C%2B15550000000%3E&endpoint=PJSIP%2F2001&timeout=30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.do(); err != nil {
				t.Fatal(err)
			}
			log := s.requestLog()
			if got := log[len(log)-1]; got != tc.want {
				t.Fatalf("sent  %s\nwant  %s", got, tc.want)
			}
		})
	}
	if lastBody != `{"variables":{"CALLSVC_ROLE":"agent"}}` {
		t.Fatalf("originate body %s", lastBody)
	}
}
