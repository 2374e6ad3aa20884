package aritest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAuthLikeAsterisk(t *testing.T) {
	srv := NewServer(Options{Username: "u", Password: "p"})
	defer srv.Close()
	cases := []struct {
		name, auth, query string
		want              int
	}{
		{"NoCredentials", "none", "", http.StatusUnauthorized},
		{"WrongPassword", "basic u:x", "", http.StatusUnauthorized},
		{"UnknownUser", "basic x:p", "", http.StatusUnauthorized},
		{"Basic", "", "", http.StatusOK},
		{"APIKey", "none", "api_key=u%3Ap", http.StatusOK},
		{"WrongAPIKey", "none", "api_key=u%3Ax", http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := doREST(srv, "GET", "/asterisk/info", tc.query, nil, tc.auth)
			if err != nil {
				t.Fatal(err)
			}
			if res.status != tc.want {
				t.Fatalf("status %d, want %d", res.status, tc.want)
			}
			if tc.want != http.StatusUnauthorized {
				return
			}
			if h := res.header.Get("WWW-Authenticate"); h != `Basic realm="Asterisk REST Interface"` {
				t.Errorf("WWW-Authenticate %q", h)
			}
			if m := res.json(t)["message"]; m != "Authentication required" {
				t.Errorf("message %q", m)
			}
		})
	}
	status, ctype := handshake(t, srv.WSURL()+"?app=callsvc", "u", "wrong")
	if status != http.StatusUnauthorized || ctype != "application/json" {
		t.Errorf("websocket with bad credentials: %d %s", status, ctype)
	}
	status, ctype = handshake(t, srv.WSURL(), "u", "p")
	if status != http.StatusBadRequest || ctype != "text/html" {
		t.Errorf("websocket without app: %d %s", status, ctype)
	}
}

func TestErrorBodies(t *testing.T) {
	srv, c, r := served(t, Options{Speed: 50, Dialplan: Dialplan{"s@park": {"Wait(600)"}}})
	call, _ := inbound(t, srv, c)
	// A Local channel pair whose halves both stay out of Stasis.
	out := r.do("POST", "/channels", url.Values{"endpoint": {"Local/s@park"}, "extension": {"s"}, "context": {"park"}}, nil)
	parked := out.json(t)["id"].(string)

	cases := []struct {
		name, method, path string
		query              url.Values
		body               string
		status             int
		message            string
	}{
		{"ChannelNotFound", "GET", "/channels/nope", nil, "", 404, "Channel not found"},
		{"NotInStasis", "POST", "/channels/" + parked + "/answer", nil, "", 409, "Channel not in Stasis application"},
		{"BridgeAddNotInStasis", "POST", "/bridges/B1/addChannel", url.Values{"channel": {parked}}, "", 422, "Channel not in Stasis application"},
		{"UnsetVariable", "GET", "/channels/" + call.ChannelID() + "/variable", url.Values{"variable": {"NOPE"}}, "", 404, "Provided variable was not found"},
		{"PlayWithoutMedia", "POST", "/channels/" + call.ChannelID() + "/play", nil, "", 500, "Failed to queue media for playback"},
		{"RecordWithoutName", "POST", "/channels/" + call.ChannelID() + "/record", url.Values{"format": {"wav"}}, "", 500, "Error parsing request"},
		{"RecordUnknownFormat", "POST", "/channels/" + call.ChannelID() + "/record", url.Values{"format": {"mp9"}, "name": {"x"}}, "", 422, "specified format is unknown on this system"},
		{"BadJSONBody", "POST", "/channels", url.Values{"endpoint": {"Local/s@park"}, "app": {"callsvc"}}, `{"variables": {"A": "1",}`, 400, "Error parsing request body"},
		{"WrongMethod", "PUT", "/channels", nil, "", 405, "Invalid method"},
		{"NoSuchResource", "GET", "/no/such/thing", nil, "", 404, "Resource not found"},
		{"UnknownTech", "POST", "/channels", url.Values{"endpoint": {"Nope/x"}, "app": {"callsvc"}}, "", 500, ""},
		{"NoEndpoint", "POST", "/channels", url.Values{"app": {"callsvc"}}, "", 400, "Endpoint must be specified"},
		{"PlaybackNotFound", "DELETE", "/playbacks/nope", nil, "", 404, "Playback not found"},
		{"DeviceNotControlled", "PUT", "/deviceStates/PJSIP:2001", url.Values{"deviceState": {"BUSY"}}, "", 409, "Uncontrolled device specified"},
	}
	r.do("POST", "/bridges/B1", url.Values{"type": {"mixing"}}, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			res := r.do(tc.method, tc.path, tc.query, body)
			if res.status != tc.status {
				t.Fatalf("status %d (%s), want %d", res.status, res.body, tc.status)
			}
			m := res.json(t)
			if tc.message == "" {
				if m["error"] != "Allocation failed" {
					t.Errorf("body %s", res.body)
				}
				return
			}
			if m["message"] != tc.message {
				t.Errorf("message %q, want %q", m["message"], tc.message)
			}
		})
	}
	if res := r.do("PUT", "/channels", nil, nil); res.header.Get("Allow") != "OPTIONS,GET,POST" {
		t.Errorf("Allow %q", res.header.Get("Allow"))
	}
	// The Stasis: device scheme is ARI's to control.
	if res := r.do("PUT", "/deviceStates/Stasis:agent", url.Values{"deviceState": {"BUSY"}}, nil); res.status != http.StatusNoContent {
		t.Errorf("set Stasis: device: %d %s", res.status, res.body)
	}
	if res := r.do("GET", "/deviceStates/Stasis:agent", nil, nil); res.json(t)["state"] != "BUSY" {
		t.Errorf("device state %s", res.body)
	}
}

func TestRestartDropsSocketsAndForgetsChannels(t *testing.T) {
	srv, c, r, call := answered(t, Options{Speed: 50})

	srv.Restart()
	ctx := testCtx(t)
	if err := c.waitFor(ctx, func(_ []map[string]any, closed bool) bool { return closed }); err != nil {
		t.Fatal(err)
	}
	if !c.abnormal() {
		t.Errorf("socket closed with %v, want an abrupt drop", c.closeErr)
	}
	types := c.types()
	if n := len(types); n < 2 || types[n-2] != "ChannelHangupRequest" || types[n-1] != "StasisEnd" {
		t.Errorf("events before the drop %v", types)
	}
	select {
	case <-call.Done():
	case <-ctx.Done():
		t.Fatal("caller not ended by restart")
	}
	if res := r.do("GET", "/channels/"+call.ChannelID(), nil, nil); res.status != http.StatusNotFound {
		t.Errorf("channel after restart: %d", res.status)
	}
	// res_ari still loading: one 404 HTML handshake, then it works.
	status, ctype := handshake(t, srv.WSURL()+"?app=callsvc", "callsvc", "callsvc")
	if status != http.StatusNotFound || ctype != "text/html" {
		t.Errorf("first handshake after restart: %d %s", status, ctype)
	}
	c2 := dialWS(t, srv, "app=callsvc")
	call2, _ := inbound(t, srv, c2)
	if !strings.HasSuffix(call2.ChannelID(), ".0") {
		t.Errorf("id sequence not restarted: %s", call2.ChannelID())
	}
	if res := r.do("GET", "/applications/callsvc", nil, nil); res.status != http.StatusOK {
		t.Errorf("application after reconnect: %d", res.status)
	}
}

func TestDropWebSocketsKeepsCalls(t *testing.T) {
	srv, c, r := served(t, Options{Speed: 50})
	call, _ := inbound(t, srv, c)
	srv.DropWebSockets()
	if err := c.waitFor(testCtx(t), func(_ []map[string]any, closed bool) bool { return closed }); err != nil {
		t.Fatal(err)
	}
	if !c.abnormal() {
		t.Errorf("closed with %v, want an abrupt drop", c.closeErr)
	}
	if res := r.do("GET", "/channels/"+call.ChannelID(), nil, nil); res.status != http.StatusOK {
		t.Errorf("channel after drop: %d", res.status)
	}
	// The app lives on while its channel is in Stasis; a new socket gets
	// its events.
	if res := r.do("GET", "/applications/callsvc", nil, nil); res.status != http.StatusOK {
		t.Errorf("application with a channel in Stasis: %d", res.status)
	}
	c2 := dialWS(t, srv, "app=callsvc")
	r.do("POST", "/channels/"+call.ChannelID()+"/answer", nil, nil)
	c2.waitEvent(t, "ChannelStateChange", nil)
}

func TestApplicationReplacedLeavesOldSocketOpen(t *testing.T) {
	srv := NewServer(Options{Speed: 50})
	defer srv.Close()
	old := dialWS(t, srv, "app=callsvc")
	cur := dialWS(t, srv, "app=callsvc")
	ev := old.waitEvent(t, "ApplicationReplaced", nil)
	if ev["application"] != "callsvc" || ev["asterisk_id"] == nil {
		t.Errorf("event %v", ev)
	}
	inbound(t, srv, cur)
	if got := old.types(); len(got) != 1 {
		t.Errorf("old socket got %v after being replaced", got)
	}
	old.mu.Lock()
	closed := old.closed
	old.mu.Unlock()
	if closed {
		t.Error("old socket was closed")
	}
}

func TestServersHaveTheirOwnEntityIDs(t *testing.T) {
	a := NewServer(Options{EntityID: "node-a"})
	defer a.Close()
	b := NewServer(Options{EntityID: "node-b"})
	defer b.Close()
	for srv, want := range map[*Server]string{a: "node-a", b: "node-b"} {
		r := rest{t, srv}
		if id := r.do("GET", "/asterisk/ping", nil, nil).json(t)["asterisk_id"]; id != want {
			t.Errorf("ping asterisk_id %v, want %s", id, want)
		}
		info := r.do("GET", "/asterisk/info", url.Values{"only": {"system"}}, nil).json(t)
		if id := info["system"].(map[string]any)["entity_id"]; id != want {
			t.Errorf("entity_id %v, want %s", id, want)
		}
	}
	if a.URL() == b.URL() {
		t.Error("servers share a URL")
	}
}
