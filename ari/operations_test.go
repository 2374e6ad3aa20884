package ari_test

import (
	"slices"
	"testing"
	"time"

	"callsvc/ari"
	"callsvc/ari/aritest"
)

// TestOperationsAgainstAritest runs the rest of the REST surface against
// the stand-in Asterisk, one answered call at a time, and checks what the
// caller experienced where aritest lets us see it.
func TestOperationsAgainstAritest(t *testing.T) {
	srv := newNode(t, "node-a")
	srv.AddPhone("PJSIP/2001", aritest.PhoneOptions{AnswerAfter: time.Second})
	c := connect(t, srv)
	ctx := testCtx(t)
	starts := c.StasisStarts(ctx, "")
	call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", Name: "Alice", To: "100", Args: []string{"inbound"}})
	ch := nextOf[*ari.StasisStart](t, ctx, starts).Channel.Key()
	node := ch.Node

	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("ring", c.Ring(ctx, ch))
	step("ring stop", c.RingStop(ctx, ch))
	step("answer", c.Answer(ctx, ch))
	if err := call.WaitState(ctx, "Up"); err != nil {
		t.Fatal(err)
	}
	step("mute", c.Mute(ctx, ch, ari.DirectionIn))
	step("unmute", c.Unmute(ctx, ch, ari.DirectionIn))
	step("hold", c.Hold(ctx, ch))
	step("unhold", c.Unhold(ctx, ch))
	step("moh", c.StartMOH(ctx, ch, "default"))
	if err := call.WaitHeard(ctx, "moh:default"); err != nil {
		t.Fatal(err)
	}
	step("stop moh", c.StopMOH(ctx, ch))
	step("silence", c.StartSilence(ctx, ch))
	step("stop silence", c.StopSilence(ctx, ch))
	step("dtmf", c.SendDTMF(ctx, ch, "12", ari.DTMFOptions{Between: 100}))
	if err := call.WaitHeard(ctx, "dtmf:2"); err != nil {
		t.Fatalf("caller did not hear the DTMF: %v (heard %v)", err, call.Heard())
	}
	step("set variable", c.SetVariable(ctx, ch, "CALLSVC_CALL_ID", "call-9"))
	if v, err := c.Variable(ctx, ch, "CALLSVC_CALL_ID"); err != nil || v != "call-9" {
		t.Fatalf("variable %q %v", v, err)
	}
	step("set global", c.SetGlobalVariable(ctx, node, "CALLSVC_MODE", "day"))
	if v, err := c.GlobalVariable(ctx, node, "CALLSVC_MODE"); err != nil || v != "day" {
		t.Fatalf("global %q %v", v, err)
	}

	// Playback control on a long prompt, then stop: PlaybackFinished "done".
	pb, pbSub, err := c.PlayWatch(ctx, ch, ari.PlayOptions{Media: []string{ari.MediaSound("demo-congrats"), ari.MediaDigits("42")}})
	step("play", err)
	nextOf[*ari.PlaybackStarted](t, ctx, pbSub)
	step("pause playback", c.ControlPlayback(ctx, pb.Key(), ari.PlaybackPause))
	step("unpause playback", c.ControlPlayback(ctx, pb.Key(), ari.PlaybackUnpause))
	if got, err := c.Playback(ctx, pb.Key()); err != nil || got.ID != pb.ID {
		t.Fatalf("get playback %+v %v", got, err)
	}
	step("stop playback", c.StopPlayback(ctx, pb.Key()))
	if f := nextOf[*ari.PlaybackFinished](t, ctx, pbSub); f.Playback.State != ari.PlaybackDone {
		t.Fatalf("stopped playback state %q", f.Playback.State)
	}

	// A live recording paused, muted and stopped by hand.
	name := "op-" + ari.NewID()
	rec, recSub, err := c.RecordWatch(ctx, ch, ari.RecordOptions{Name: name, MaxDurationSeconds: 60})
	step("record", err)
	nextOf[*ari.RecordingStarted](t, ctx, recSub)
	step("pause recording", c.PauseRecording(ctx, rec.Key()))
	step("unpause recording", c.UnpauseRecording(ctx, rec.Key()))
	step("mute recording", c.MuteRecording(ctx, rec.Key()))
	step("unmute recording", c.UnmuteRecording(ctx, rec.Key()))
	if live, err := c.LiveRecording(ctx, rec.Key()); err != nil || live.Name != name {
		t.Fatalf("live recording %+v %v", live, err)
	}
	step("stop recording", c.StopRecording(ctx, rec.Key()))
	nextOf[*ari.RecordingFinished](t, ctx, recSub)
	cp, err := c.CopyRecording(ctx, rec.StoredKey(), name+"-copy")
	if err != nil || cp.Name != name+"-copy" {
		t.Fatalf("copy %+v %v", cp, err)
	}
	step("delete copy", c.DeleteRecording(ctx, cp.Key()))

	// Snoop: a spy channel enters the application.
	snoop, snoopSub, err := c.SnoopWatch(ctx, ch, ari.SnoopOptions{Spy: "both", AppArgs: []string{"snoop"}})
	step("snoop", err)
	if st := nextOf[*ari.StasisStart](t, ctx, snoopSub); st.Channel.ID != snoop.ID {
		t.Fatalf("snoop StasisStart for %s", st.Channel.ID)
	}
	step("hang up snoop", c.Hangup(ctx, snoop.Key(), ""))

	// Create + Dial: the agent leg rings and answers.
	agent, agentSub, err := c.CreateWatch(ctx, node, ari.CreateRequest{Endpoint: "PJSIP/2001", AppArgs: []string{"agent-dial"}, Originator: ch.ID})
	step("create", err)
	nextOf[*ari.StasisStart](t, ctx, agentSub)
	step("dial", c.Dial(ctx, agent.Key(), ch.ID, 20))
	for {
		d := nextOf[*ari.Dial](t, ctx, agentSub)
		if d.DialStatus == "ANSWER" {
			break
		}
	}
	ep, err := c.Endpoint(ctx, ari.EndpointKey(node, "PJSIP", "2001"))
	if err != nil || ep.State != "online" || !slices.Contains(ep.ChannelIDs, agent.ID) {
		t.Fatalf("endpoint %+v %v", ep, err)
	}
	eps, err := c.Endpoints(ctx, node)
	if err != nil || !slices.ContainsFunc(eps, func(e ari.Endpoint) bool { return e.Resource == "2001" }) {
		t.Fatalf("endpoints %+v %v", eps, err)
	}
	step("hang up agent", c.Hangup(ctx, agent.Key(), ari.HangupNormal))

	// Device states and the node's own description.
	// Asterisk lets ARI control "Stasis:" devices (res_stasis_device_state's scheme).
	dev := ari.DeviceStateKey(node, "Stasis:agent-2001")
	step("set device state", c.SetDeviceState(ctx, dev, ari.DeviceBusy))
	if ds, err := c.DeviceState(ctx, dev); err != nil || ds.State != ari.DeviceBusy {
		t.Fatalf("device state %+v %v", ds, err)
	}
	step("delete device state", c.DeleteDeviceState(ctx, dev))
	info, err := c.Info(ctx, node, "")
	if err != nil || info.System == nil || info.System.EntityID != "node-a" {
		t.Fatalf("info %+v %v", info, err)
	}
	if p, err := c.Ping(ctx, node); err != nil || p.Ping != "pong" {
		t.Fatalf("ping %+v %v", p, err)
	}
	apps, err := c.Applications(ctx, node)
	if err != nil || !slices.ContainsFunc(apps, func(a ari.Application) bool { return a.Name == "callsvc" }) {
		t.Fatalf("applications %+v %v", apps, err)
	}
	chs, err := c.Channels(ctx, node)
	if err != nil || !slices.ContainsFunc(chs, func(x ari.Channel) bool { return x.ID == ch.ID }) {
		t.Fatalf("channels %v %v", chs, err)
	}
	// Continue hands the call back to the dialplan: it leaves the app.
	left := c.Subscribe(ctx, ch)
	step("continue", c.Continue(ctx, ch, ari.ContinueOptions{}))
	nextOf[*ari.StasisEnd](t, ctx, left)
}
