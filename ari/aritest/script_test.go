package aritest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// inbound dials a caller in and waits for its StasisStart.
func inbound(t *testing.T, srv *Server, c *wsClient) (*Call, map[string]any) {
	t.Helper()
	call := srv.Dial(testCtx(t), CallerOptions{From: "+15551234567", Name: "Alice", To: "100", Args: []string{"inbound"}})
	ev := c.waitEvent(t, "StasisStart", func(e map[string]any) bool {
		return e["channel"].(map[string]any)["id"] == call.ChannelID()
	})
	return call, ev
}

// served starts a stand-in with opts and connects the callsvc application's
// event WebSocket; the server closes when the test ends.
func served(t *testing.T, opts Options) (*Server, *wsClient, rest) {
	t.Helper()
	srv := NewServer(opts)
	t.Cleanup(srv.Close)
	return srv, dialWS(t, srv, "app=callsvc"), rest{t, srv}
}

// answered is served plus one inbound call, answered.
func answered(t *testing.T, opts Options) (*Server, *wsClient, rest, *Call) {
	t.Helper()
	srv, c, r := served(t, opts)
	call, _ := inbound(t, srv, c)
	answerCall(t, r, call)
	return srv, c, r, call
}

func answerCall(t *testing.T, r rest, call *Call) {
	t.Helper()
	if res := r.do("POST", "/channels/"+call.ChannelID()+"/answer", nil, nil); res.status != http.StatusNoContent {
		t.Fatalf("answer: %d %s", res.status, res.body)
	}
	if err := call.WaitState(testCtx(t), "Up"); err != nil {
		t.Fatal(err)
	}
}

func TestCallerEntersStasisWithArgsAndCallerID(t *testing.T) {
	srv := NewServer(Options{Speed: 50, EntityID: "node-a"})
	defer srv.Close()
	c := dialWS(t, srv, "app=callsvc")
	call, ev := inbound(t, srv, c)
	if got := ev["args"].([]any); len(got) != 1 || got[0] != "inbound" {
		t.Errorf("args %v, want [inbound]", got)
	}
	ch := ev["channel"].(map[string]any)
	if ch["caller"].(map[string]any)["number"] != "+15551234567" || ch["state"] != "Ring" {
		t.Errorf("channel %v", ch)
	}
	if ev["asterisk_id"] != "node-a" || ev["application"] != "callsvc" {
		t.Errorf("event ids %v %v", ev["asterisk_id"], ev["application"])
	}
	if _, err := time.Parse(timeLayout, ev["timestamp"].(string)); err != nil {
		t.Errorf("timestamp: %v", err)
	}
	r := rest{t, srv}
	id := ch["id"].(string)
	if res := r.do("POST", "/channels/"+id+"/ring", nil, nil); res.status != http.StatusNoContent {
		t.Fatalf("ring: %d", res.status)
	}
	answerCall(t, r, call)
	r.do("POST", "/channels/"+id+"/dtmf", url.Values{"dtmf": {"9*"}}, nil)
	if h := call.Heard(); !slices.Equal(h, []string{"ringing", "dtmf:9", "dtmf:*"}) {
		t.Errorf("heard %v", h)
	}
}

func TestPressedDigitsArriveInOrder(t *testing.T) {
	_, c, _, call := answered(t, Options{Speed: 50})
	if err := call.Press(testCtx(t), "1#*9"); err != nil {
		t.Fatal(err)
	}
	if err := c.waitFor(testCtx(t), func(evs []map[string]any, _ bool) bool {
		return countType(evs, "ChannelDtmfReceived") >= 4
	}); err != nil {
		t.Fatal(err)
	}
	var digits string
	for _, e := range c.snapshot() {
		if e["type"] == "ChannelDtmfReceived" {
			digits += e["digit"].(string)
			if e["duration_ms"].(float64) <= 0 {
				t.Errorf("duration_ms %v", e["duration_ms"])
			}
		}
	}
	if digits != "1#*9" {
		t.Errorf("digits %q, want 1#*9", digits)
	}
	if err := call.Press(testCtx(t), "x"); err == nil {
		t.Error("pressing x: no error")
	}
}

func countType(evs []map[string]any, typ string) int {
	n := 0
	for _, e := range evs {
		if e["type"] == typ {
			n++
		}
	}
	return n
}

func TestPlaybackDurationsFollowMediaAtSpeed(t *testing.T) {
	srv := NewServer(Options{Speed: 20, MediaDurations: map[string]time.Duration{
		"sound:long": 10 * time.Second, "sound:short": 500 * time.Millisecond}})
	defer srv.Close()
	c := dialWS(t, srv, "app=callsvc")
	r := rest{t, srv}
	a, _ := inbound(t, srv, c)
	b, _ := inbound(t, srv, c)
	answerCall(t, r, a)
	answerCall(t, r, b)
	r.do("POST", "/channels/"+a.ChannelID()+"/play", url.Values{"media": {"sound:long"}, "playbackId": {"pb-long"}}, nil)
	r.do("POST", "/channels/"+b.ChannelID()+"/play", url.Values{"media": {"sound:short"}, "playbackId": {"pb-short"}}, nil)
	if err := a.WaitHeard(testCtx(t), "sound:long"); err != nil {
		t.Fatal(err)
	}
	if err := c.waitFor(testCtx(t), func(evs []map[string]any, _ bool) bool {
		return countType(evs, "PlaybackFinished") >= 2
	}); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, e := range c.snapshot() {
		if e["type"] == "PlaybackFinished" {
			pb := e["playback"].(map[string]any)
			order = append(order, pb["id"].(string)+":"+pb["state"].(string))
		}
	}
	if !slices.Equal(order, []string{"pb-short:done", "pb-long:done"}) {
		t.Errorf("finish order %v: the 0.5 s prompt must end before the 10 s one", order)
	}
}

func TestMissingSoundFailsAfter201(t *testing.T) {
	srv, c, r := served(t, Options{Speed: 50, Sounds: []string{"hello-world"}})
	call, _ := inbound(t, srv, c)
	res := r.do("POST", "/channels/"+call.ChannelID()+"/play", url.Values{"media": {"sound:nope"}}, nil)
	if res.status != http.StatusCreated {
		t.Fatalf("play: %d", res.status)
	}
	ev := c.waitEvent(t, "PlaybackFinished", nil)
	if ev["playback"].(map[string]any)["state"] != "failed" {
		t.Errorf("state %v, want failed", ev["playback"])
	}
}

func TestRecordingEndsOnPoundAndStoresWAV(t *testing.T) {
	srv, c, r, call := answered(t, Options{Speed: 20})
	res := r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {"msg-1"}, "format": {"wav"},
		"maxDurationSeconds": {"60"}, "terminateOn": {"#"}, "beep": {"true"}, "ifExists": {"overwrite"}}, nil)
	if res.status != http.StatusCreated {
		t.Fatalf("record: %d %s", res.status, res.body)
	}
	c.waitEvent(t, "RecordingStarted", nil)
	if err := call.WaitHeard(testCtx(t), "sound:beep"); err != nil {
		t.Fatal(err)
	}
	if err := call.Speak(testCtx(t), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := call.Press(testCtx(t), "5#"); err != nil {
		t.Fatal(err)
	}
	fin := c.waitEvent(t, "RecordingFinished", nil)
	rec := fin["recording"].(map[string]any)
	if rec["state"] != "done" || rec["duration"].(float64) < 2 {
		t.Errorf("finished %v, want done after at least 2 s", rec)
	}
	types := c.types()
	if i, j := slices.Index(types, "RecordingFinished"), lastIndex(types, "ChannelDtmfReceived"); j > i {
		t.Errorf("the # must come before RecordingFinished: %v", types)
	}
	file := r.do("GET", "/recordings/stored/msg-1/file", nil, nil)
	if file.status != http.StatusOK || file.header.Get("Content-Type") != "audio/wav" {
		t.Fatalf("file: %d %s", file.status, file.header.Get("Content-Type"))
	}
	checkWAV(t, file.body, int(rec["duration"].(float64)))
	if b, found := srv.Recording("msg-1"); !found || !slices.Equal(b, file.body) {
		t.Error("Server.Recording differs from the REST file")
	}
	// Talking was recorded as sound, not silence.
	if silent(file.body[wavHeaderLen:]) {
		t.Error("recording is all silence though the caller spoke")
	}
}

func lastIndex(list []string, v string) int {
	for i := len(list) - 1; i >= 0; i-- {
		if list[i] == v {
			return i
		}
	}
	return -1
}

func silent(pcm []byte) bool {
	for _, b := range pcm {
		if b != 0 {
			return false
		}
	}
	return true
}

func checkWAV(t *testing.T, b []byte, seconds int) {
	t.Helper()
	if len(b) < wavHeaderLen || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		t.Fatalf("not a WAV file (%d bytes)", len(b))
	}
	if rate := binary.LittleEndian.Uint32(b[24:]); rate != 8000 {
		t.Errorf("rate %d", rate)
	}
	if ch, bits := binary.LittleEndian.Uint16(b[22:]), binary.LittleEndian.Uint16(b[34:]); ch != 1 || bits != 16 {
		t.Errorf("channels %d bits %d", ch, bits)
	}
	n := int(binary.LittleEndian.Uint32(b[40:]))
	if n != len(b)-wavHeaderLen || n < seconds*16000 || n >= (seconds+1)*16000 {
		t.Errorf("data %d bytes for %d s", n, seconds)
	}
}

func TestRecordingLimits(t *testing.T) {
	srv, c, r, call := answered(t, Options{Speed: 20})

	r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {"max"}, "format": {"wav"},
		"maxDurationSeconds": {"3"}}, nil)
	fin := c.waitEvent(t, "RecordingFinished", nil)
	// The caller said nothing: as on the lab Asterisk, the reported
	// duration drops the trailing silence beyond 200 ms in whole seconds
	// (3 - 2), while the file keeps all 3 s.
	if d := fin["recording"].(map[string]any)["duration"]; d != 1.0 {
		t.Errorf("maxDurationSeconds=3 of silence gave duration %v, want 1", d)
	}
	wav, _ := srv.Recording("max")
	checkWAV(t, wav, 3)

	// A silent caller is cut off by maxSilenceSeconds long before
	// maxDurationSeconds.
	r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {"quiet"}, "format": {"wav"},
		"maxDurationSeconds": {"600"}, "maxSilenceSeconds": {"1"}}, nil)
	fin = c.waitEvent(t, "RecordingFinished", func(e map[string]any) bool {
		return e["recording"].(map[string]any)["name"] == "quiet"
	})
	if d := fin["recording"].(map[string]any)["duration"].(float64); d >= 600 {
		t.Errorf("silence did not end the recording: %v", d)
	}

	// A name in use is refused unless overwriting.
	res := r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {"max"}, "format": {"wav"}}, nil)
	if res.status != http.StatusConflict {
		t.Errorf("reusing a stored name: %d", res.status)
	}
	srv.SetRecordingAudio("given", []byte{1, 0, 2, 0})
	r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {"given"}, "format": {"wav"}, "maxDurationSeconds": {"1"}}, nil)
	c.waitEvent(t, "RecordingFinished", func(e map[string]any) bool {
		return e["recording"].(map[string]any)["name"] == "given"
	})
	if b, _ := srv.Recording("given"); !slices.Equal(b[wavHeaderLen:], []byte{1, 0, 2, 0}) {
		t.Errorf("SetRecordingAudio not stored: % x", b[wavHeaderLen:])
	}
}

func TestPhoneDialStatuses(t *testing.T) {
	cases := []struct {
		name  string
		phone PhoneOptions
		want  []string
	}{
		{"AnswersAfterRinging", PhoneOptions{AnswerAfter: time.Second}, []string{"", "RINGING", "ANSWER"}},
		{"Busy", PhoneOptions{Busy: true}, []string{"", "BUSY"}},
		{"NoAnswerUntilTimeout", PhoneOptions{NoAnswer: true}, []string{"", "RINGING", "NOANSWER"}},
		{"Unregistered", PhoneOptions{Unregistered: true}, []string{"", "CHANUNAVAIL"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := NewServer(Options{Speed: 20})
			defer srv.Close()
			srv.AddPhone("PJSIP/2001", tc.phone)
			c := dialWS(t, srv, "app=callsvc")
			r := rest{t, srv}
			res := r.do("POST", "/channels/create", url.Values{"endpoint": {"PJSIP/2001"}, "app": {"callsvc"}, "appArgs": {"agent"}}, nil)
			if res.status != http.StatusOK {
				t.Fatalf("create: %d %s", res.status, res.body)
			}
			id := res.json(t)["id"].(string)
			c.waitEvent(t, "StasisStart", nil)
			if res := r.do("POST", "/channels/"+id+"/dial", url.Values{"timeout": {"2"}}, nil); res.status != http.StatusNoContent {
				t.Fatalf("dial: %d %s", res.status, res.body)
			}
			final := tc.want[len(tc.want)-1]
			c.waitEvent(t, "Dial", func(e map[string]any) bool { return e["dialstatus"] == final })
			var got []string
			for _, e := range c.snapshot() {
				if e["type"] == "Dial" {
					got = append(got, e["dialstatus"].(string))
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("dial statuses %v, want %v", got, tc.want)
			}
			if final != "ANSWER" {
				c.waitEvent(t, "StasisEnd", nil)
			}
		})
	}
}

func TestManualPhoneLegAnswersHearsAndHangsUp(t *testing.T) {
	srv := NewServer(Options{Speed: 50})
	defer srv.Close()
	phone := srv.AddPhone("PJSIP/2001", PhoneOptions{Manual: true})
	c := dialWS(t, srv, "app=callsvc")
	r := rest{t, srv}
	call, _ := inbound(t, srv, c)
	answerCall(t, r, call)

	res := r.do("POST", "/channels", url.Values{"endpoint": {"PJSIP/2001"}, "app": {"callsvc"},
		"appArgs": {"agent," + call.ChannelID()}}, []byte(`{"variables":{"CALLSVC_ROLE":"agent"}}`))
	if res.status != http.StatusOK {
		t.Fatalf("originate: %d %s", res.status, res.body)
	}
	leg, err := phone.WaitRinging(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if leg.State() != "Ringing" {
		t.Errorf("leg state %s", leg.State())
	}
	if err := leg.Answer(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	start := c.waitEvent(t, "StasisStart", func(e map[string]any) bool {
		return e["channel"].(map[string]any)["id"] == leg.ChannelID()
	})
	if args := start["args"].([]any); len(args) != 2 || args[0] != "agent" {
		t.Errorf("agent args %v", args)
	}
	v := r.do("GET", "/channels/"+leg.ChannelID()+"/variable", url.Values{"variable": {"CALLSVC_ROLE"}}, nil)
	if v.status != http.StatusOK || v.json(t)["value"] != "agent" {
		t.Errorf("variable: %d %s", v.status, v.body)
	}

	// Both in a bridge: bridge media and music on hold reach both parties.
	b := r.do("POST", "/bridges", url.Values{"type": {"mixing"}}, nil).json(t)["id"].(string)
	r.do("POST", "/bridges/"+b+"/addChannel", url.Values{"channel": {call.ChannelID() + "," + leg.ChannelID()}}, nil)
	r.do("POST", "/bridges/"+b+"/moh", nil, nil)
	r.do("POST", "/bridges/"+b+"/play", url.Values{"media": {"sound:whisper"}}, nil)
	for _, p := range []*party{call.party, leg.party} {
		if err := p.WaitHeard(testCtx(t), "sound:whisper"); err != nil {
			t.Fatal(err)
		}
		if err := p.WaitHeard(testCtx(t), "moh:default"); err != nil {
			t.Fatal(err)
		}
	}
	if err := leg.Hangup(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-leg.Done():
	case <-testCtx(t).Done():
		t.Fatal("leg not done after hangup")
	}
	c.waitEvent(t, "ChannelDestroyed", func(e map[string]any) bool {
		return e["channel"].(map[string]any)["id"] == leg.ChannelID()
	})
	if err := leg.WaitHeard(testCtx(t), "sound:never"); !errors.Is(err, ErrHungUp) {
		t.Errorf("WaitHeard on a gone leg: %v", err)
	}
}

func TestCallerHangupEndsStasisAndPlayback(t *testing.T) {
	_, c, r, call := answered(t, Options{Speed: 50, MediaDurations: map[string]time.Duration{"sound:long": time.Hour}})
	r.do("POST", "/channels/"+call.ChannelID()+"/play", url.Values{"media": {"sound:long"}}, nil)
	c.waitEvent(t, "PlaybackStarted", nil)
	if err := call.Hangup(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	c.waitEvent(t, "StasisEnd", nil)
	types := c.types()
	want := []string{"ChannelHangupRequest", "PlaybackFinished", "StasisEnd"}
	i := slices.Index(types, "ChannelHangupRequest")
	var got []string
	for _, ty := range types[i:] {
		if slices.Contains(want, ty) {
			got = append(got, ty)
		}
	}
	if !slices.Equal(got[:3], want) {
		t.Errorf("hangup order %v, want %v", got, want)
	}
	if res := r.do("GET", "/channels/"+call.ChannelID(), nil, nil); res.status != http.StatusNotFound {
		t.Errorf("channel after hangup: %d", res.status)
	}
	res := r.do("POST", "/channels/"+call.ChannelID()+"/play", url.Values{"media": {"sound:x"}}, nil)
	if res.status != http.StatusNotFound || res.json(t)["message"] != "Channel not found" {
		t.Errorf("play on gone channel: %d %s", res.status, res.body)
	}
}

func TestMediaListPlaysInTurn(t *testing.T) {
	_, c, r, call := answered(t, Options{Speed: 50})
	r.do("POST", "/channels/"+call.ChannelID()+"/play", url.Values{"media": {"sound:one,sound:two"}}, nil)
	c.waitEvent(t, "PlaybackFinished", nil)
	var seq []string
	for _, e := range c.snapshot() {
		if pb, isPB := e["playback"].(map[string]any); isPB {
			seq = append(seq, fmt.Sprintf("%s %v %v", e["type"], pb["media_uri"], pb["next_media_uri"]))
		}
	}
	want := []string{"PlaybackStarted sound:one sound:two", "PlaybackContinuing sound:one sound:two",
		"PlaybackStarted sound:two <nil>", "PlaybackFinished sound:two <nil>"}
	if !slices.Equal(seq, want) {
		t.Errorf("events %q, want %q", seq, want)
	}
	if h := call.Heard(); !slices.Equal(h, []string{"sound:one", "sound:two"}) {
		t.Errorf("heard %v", h)
	}
}

// Asterisk reads only the last of repeated "media" parameters (lab).
func TestRepeatedMediaParameterPlaysTheLast(t *testing.T) {
	_, c, r, call := answered(t, Options{Speed: 50})
	r.do("POST", "/channels/"+call.ChannelID()+"/play", url.Values{"media": {"sound:one", "sound:two"}}, nil)
	c.waitEvent(t, "PlaybackFinished", nil)
	if h := call.Heard(); !slices.Equal(h, []string{"sound:two"}) {
		t.Errorf("heard %v, want only sound:two", h)
	}
}

func TestManyCallersAtOnce(t *testing.T) {
	srv, c, r := served(t, Options{Speed: 50})
	const n = 20
	calls := make([]*Call, n)
	for i := range calls {
		calls[i] = srv.Dial(testCtx(t), CallerOptions{From: fmt.Sprintf("+1555000%04d", i), To: "100"})
	}
	errs := make(chan error, n)
	for _, call := range calls {
		go func() {
			if err := call.WaitState(testCtx(t), "Up"); err != nil {
				errs <- err
				return
			}
			if err := call.Press(testCtx(t), "12"); err != nil {
				errs <- err
				return
			}
			errs <- call.Hangup(testCtx(t))
		}()
	}
	if err := c.waitFor(testCtx(t), func(evs []map[string]any, _ bool) bool { return countType(evs, "StasisStart") == n }); err != nil {
		t.Fatal(err)
	}
	for _, call := range calls {
		r.do("POST", "/channels/"+call.ChannelID()+"/answer", nil, nil)
	}
	for range calls {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := c.waitFor(testCtx(t), func(evs []map[string]any, _ bool) bool { return countType(evs, "StasisEnd") == n }); err != nil {
		t.Fatal(err)
	}
	if got := countType(c.snapshot(), "ChannelDtmfReceived"); got != 2*n {
		t.Errorf("%d digits, want %d", got, 2*n)
	}
	if res := r.do("GET", "/channels", nil, nil); string(res.body) != "[]" {
		t.Errorf("channels left: %s", res.body)
	}
}

func TestReportedDuration(t *testing.T) {
	for _, tc := range []struct {
		name             string
		elapsed, silence time.Duration
		want             int
	}{
		{"TalkingToTheEnd", 3 * time.Second, 0, 3},
		{"ShortPauseKept", 3 * time.Second, 1100 * time.Millisecond, 3},
		{"SilentToTheEndOfFour", 4200 * time.Millisecond, 4200 * time.Millisecond, 0},
		{"TalkThenSilence", 10 * time.Second, 3500 * time.Millisecond, 7},
		{"NeverNegative", 500 * time.Millisecond, 500 * time.Millisecond, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reportedDuration(tc.elapsed, tc.silence); got != tc.want {
				t.Fatalf("reportedDuration(%v, %v) = %d, want %d", tc.elapsed, tc.silence, got, tc.want)
			}
		})
	}
}
