package aritest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

func TestContinueMoveAndSnoop(t *testing.T) {
	srv := NewServer(Options{Speed: 50, Dialplan: Dialplan{
		"100@from-pstn":   {"Stasis(callsvc,inbound)", "Set(AFTER=1)", "Wait(600)"},
		"later@from-pstn": {"Stasis(other,back)"},
	}})
	defer srv.Close()
	c := dialWS(t, srv, "app=callsvc")
	other := dialWS(t, srv, "app=other")
	r := rest{t, srv}
	call, _ := inbound(t, srv, c)

	sn := r.do("POST", "/channels/"+call.ChannelID()+"/snoop", url.Values{"app": {"callsvc"}, "spy": {"in"}, "appArgs": {"snoop"}}, nil)
	if sn.status != http.StatusOK {
		t.Fatalf("snoop: %d %s", sn.status, sn.body)
	}
	c.waitEvent(t, "StasisStart", func(e map[string]any) bool { return e["channel"].(map[string]any)["id"] == sn.jsonID() })

	// Continue: the caller resumes its dialplan after Stasis().
	if res := r.do("POST", "/channels/"+call.ChannelID()+"/continue", nil, nil); res.status != http.StatusNoContent {
		t.Fatalf("continue: %d %s", res.status, res.body)
	}
	c.waitEvent(t, "StasisEnd", func(e map[string]any) bool { return e["channel"].(map[string]any)["id"] == call.ChannelID() })
	if v, _ := call.Variable("AFTER"); v != "1" {
		t.Errorf("dialplan did not resume after Stasis: AFTER=%q", v)
	}
	if res := r.do("POST", "/channels/"+call.ChannelID()+"/answer", nil, nil); res.status != http.StatusConflict {
		t.Errorf("answer after continue: %d", res.status)
	}

	// Move: the snoop channel goes to another application.
	if res := r.do("POST", "/channels/"+sn.jsonID()+"/move", url.Values{"app": {"other"}, "appArgs": {"moved"}}, nil); res.status != http.StatusNoContent {
		t.Fatalf("move: %d %s", res.status, res.body)
	}
	ev := other.waitEvent(t, "StasisStart", nil)
	if args := ev["args"].([]any); len(args) != 1 || args[0] != "moved" {
		t.Errorf("moved args %v", args)
	}
	if err := call.Hangup(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	// The snoop goes with the channel it spies on.
	other.waitEvent(t, "StasisEnd", nil)
}

func TestEndpointsDevicesAndGlobals(t *testing.T) {
	srv := NewServer(Options{Speed: 50})
	defer srv.Close()
	phone := srv.AddPhone("PJSIP/2001", PhoneOptions{})
	srv.AddPhone("PJSIP/2002", PhoneOptions{Unregistered: true})
	r := rest{t, srv}
	res := r.do("GET", "/endpoints", nil, nil)
	var states []string
	for _, e := range decodeList(t, res.body) {
		states = append(states, e["resource"].(string)+":"+e["state"].(string))
	}
	if !slices.Equal(states, []string{"pstn:online", "2001:online", "2002:offline"}) {
		t.Errorf("endpoints %v", states)
	}
	if res := r.do("GET", "/endpoints/PJSIP/2002", nil, nil); res.json(t)["state"] != "offline" {
		t.Errorf("endpoint: %s", res.body)
	}
	phone.Set(PhoneOptions{Unregistered: true})
	if res := r.do("GET", "/endpoints/PJSIP/2001", nil, nil); res.json(t)["state"] != "offline" || phone.Endpoint() != "PJSIP/2001" {
		t.Errorf("endpoint after Set: %s", res.body)
	}
	devs := decodeList(t, r.do("GET", "/deviceStates", nil, nil).body)
	if len(devs) != 2 || devs[0]["state"] != "UNAVAILABLE" {
		t.Errorf("device states %v", devs)
	}
	r.do("PUT", "/deviceStates/Stasis:desk", url.Values{"deviceState": {"INUSE"}}, nil)
	if res := r.do("DELETE", "/deviceStates/Stasis:desk", nil, nil); res.status != http.StatusNoContent {
		t.Errorf("delete device: %d", res.status)
	}
	if res := r.do("DELETE", "/deviceStates/Stasis:desk", nil, nil); res.status != http.StatusNotFound {
		t.Errorf("delete missing device: %d", res.status)
	}
	r.do("POST", "/asterisk/variable", url.Values{"variable": {"G"}, "value": {"v"}}, nil)
	if v := r.do("GET", "/asterisk/variable", url.Values{"variable": {"G"}}, nil).json(t)["value"]; v != "v" {
		t.Errorf("global %v", v)
	}
	if srv.EntityID() != "02:fc:00:00:00:01" {
		t.Errorf("default entity id %s", srv.EntityID())
	}
}

func decodeList(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return out
}

func TestLiveRecordingControlAndStoredCopies(t *testing.T) {
	srv, c, r, call := answered(t, Options{Speed: 20})
	rec := func(name string) {
		t.Helper()
		if res := r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {name}, "format": {"wav"}}, nil); res.status != http.StatusCreated {
			t.Fatalf("record %s: %d %s", name, res.status, res.body)
		}
		c.waitEvent(t, "RecordingStarted", func(e map[string]any) bool { return e["recording"].(map[string]any)["name"] == name })
	}
	rec("kept")
	if res := r.do("POST", "/recordings/live/kept/pause", nil, nil); res.status != http.StatusNoContent {
		t.Errorf("pause: %d", res.status)
	}
	if res := r.do("POST", "/recordings/live/kept/stop", nil, nil); res.status != http.StatusNoContent {
		t.Fatalf("stop: %d", res.status)
	}
	c.waitEvent(t, "RecordingFinished", func(e map[string]any) bool { return e["recording"].(map[string]any)["name"] == "kept" })
	rec("dropped")
	if res := r.do("DELETE", "/recordings/live/dropped", nil, nil); res.status != http.StatusNoContent {
		t.Fatalf("cancel: %d", res.status)
	}
	if _, found := srv.Recording("dropped"); found {
		t.Error("a canceled recording was stored")
	}
	if res := r.do("POST", "/recordings/stored/kept/copy", url.Values{"destinationRecordingName": {"copy"}}, nil); res.status != http.StatusOK {
		t.Fatalf("copy: %d %s", res.status, res.body)
	}
	if res := r.do("POST", "/recordings/stored/kept/copy", url.Values{"destinationRecordingName": {"copy"}}, nil); res.status != http.StatusConflict {
		t.Errorf("copy onto existing: %d", res.status)
	}
	names := decodeList(t, r.do("GET", "/recordings/stored", nil, nil).body)
	if len(names) != 2 || names[0]["name"] != "copy" || names[1]["name"] != "kept" {
		t.Errorf("stored %v", names)
	}
	r.do("DELETE", "/recordings/stored/copy", nil, nil)
	if res := r.do("GET", "/recordings/stored/copy/file", nil, nil); res.status != http.StatusNotFound {
		t.Errorf("deleted copy: %d", res.status)
	}
}

func TestTalkingKeepsMaxSilenceAway(t *testing.T) {
	_, c, r, call := answered(t, Options{Speed: 20})
	r.do("POST", "/channels/"+call.ChannelID()+"/record", url.Values{"name": {"talk"}, "format": {"wav"},
		"maxSilenceSeconds": {"2"}, "maxDurationSeconds": {"600"}}, nil)
	c.waitEvent(t, "RecordingStarted", nil)
	// Talking longer than maxSilenceSeconds does not end the recording;
	// the silence after it does.
	if err := call.Speak(testCtx(t), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	fin := c.waitEvent(t, "RecordingFinished", nil)
	if d := fin["recording"].(map[string]any)["duration"].(float64); d < 5 {
		t.Errorf("recording cut while the caller talked: %v s", d)
	}
	if name, num := call.CallerID(); name != "Alice" || num != "+15551234567" {
		t.Errorf("caller id %q %q", name, num)
	}
	if h := call.Heard(); len(h) != 0 {
		t.Errorf("heard %v", h)
	}
}

func TestBridgeRecordingHearsEveryone(t *testing.T) {
	srv, c, r := served(t, Options{Speed: 20})
	a, _ := inbound(t, srv, c)
	b, _ := inbound(t, srv, c)
	br := r.do("POST", "/bridges", nil, nil).jsonID()
	r.do("POST", "/bridges/"+br+"/addChannel", url.Values{"channel": {a.ChannelID() + "," + b.ChannelID()}}, nil)
	res := r.do("POST", "/bridges/"+br+"/record", url.Values{"name": {"conf"}, "format": {"wav"}, "terminateOn": {"*"}}, nil)
	if res.status != http.StatusCreated || res.json(t)["target_uri"] != "bridge:"+br {
		t.Fatalf("bridge record: %d %s", res.status, res.body)
	}
	c.waitEvent(t, "RecordingStarted", nil)
	if err := b.Speak(testCtx(t), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := a.Press(testCtx(t), "*"); err != nil {
		t.Fatal(err)
	}
	fin := c.waitEvent(t, "RecordingFinished", nil)
	if fin["recording"].(map[string]any)["target_uri"] != "bridge:"+br {
		t.Errorf("finished %v", fin)
	}
	wav, found := srv.Recording("conf")
	if !found || silent(wav[wavHeaderLen:]) {
		t.Error("bridge recording missing or silent though a member spoke")
	}
}

func TestEndpointStateChangeOnRegistration(t *testing.T) {
	srv := NewServer(Options{Speed: 50})
	defer srv.Close()
	phone := srv.AddPhone("PJSIP/2001", PhoneOptions{})
	c := dialWS(t, srv, "app=callsvc")
	r := rest{t, srv}
	if res := r.do("POST", "/applications/callsvc/subscription", url.Values{"eventSource": {"endpoint:PJSIP/2001"}}, nil); res.status != http.StatusOK {
		t.Fatalf("subscribe: %d %s", res.status, res.body)
	}
	phone.Set(PhoneOptions{Unregistered: true})
	ev := c.waitEvent(t, "EndpointStateChange", nil)
	if e := ev["endpoint"].(map[string]any); e["resource"] != "2001" || e["state"] != "offline" {
		t.Errorf("endpoint %v", e)
	}
	if res := r.do("DELETE", "/applications/callsvc/subscription", url.Values{"eventSource": {"endpoint:PJSIP/2001"}}, nil); res.status != http.StatusOK {
		t.Errorf("unsubscribe: %d", res.status)
	}
	if res := r.do("DELETE", "/applications/callsvc/subscription", url.Values{"eventSource": {"endpoint:PJSIP/2001"}}, nil); res.status != http.StatusConflict {
		t.Errorf("unsubscribe twice: %d", res.status)
	}
	if res := r.do("POST", "/applications/callsvc/subscription", url.Values{"eventSource": {"channel:nope"}}, nil); res.status != http.StatusUnprocessableEntity {
		t.Errorf("subscribe to a missing channel: %d", res.status)
	}
}
