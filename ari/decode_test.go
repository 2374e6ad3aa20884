package ari

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestTimeRoundTrip(t *testing.T) {
	for _, tc := range []struct{ name, in, out string }{
		{"AsteriskLayout", `"2026-11-26T23:57:01.345+0000"`, `"2026-11-26T23:57:01.345+0000"`},
		{"AsteriskOffset", `"2026-11-27T07:57:01.345+0800"`, `"2026-11-27T07:57:01.345+0800"`},
		{"RFC3339", `"2026-11-26T23:57:01Z"`, `"2026-11-26T23:57:01.000+0000"`},
		{"RFC3339Nano", `"2026-11-26T23:57:01.345678+01:00"`, `"2026-11-26T23:57:01.345+0100"`},
		{"Empty", `""`, `""`},
		{"Null", `null`, `""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v Time
			if err := json.Unmarshal([]byte(tc.in), &v); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(v)
			if err != nil || string(got) != tc.out {
				t.Fatalf("got %s %v, want %s", got, err, tc.out)
			}
		})
	}
	var v Time
	_ = json.Unmarshal([]byte(`"2026-11-26T23:57:01.345+0000"`), &v)
	if want := time.Date(2026, 11, 26, 23, 57, 1, 345e6, time.UTC); !v.Equal(want) {
		t.Fatalf("parsed %v, want %v", v.Time, want)
	}
	for _, bad := range []string{`"yesterday"`, `12`, `"2026-11-26 23:57:01"`, `"`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	t.Run("Defaults", func(t *testing.T) {
		cfg, err := FromEnv(env(nil))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Application != "callsvc" || len(cfg.Nodes) != 1 || cfg.Nodes[0].URL != "http://localhost:8088/ari" ||
			cfg.Nodes[0].WSURL != "ws://localhost:8088/ari/events" || cfg.RequestTimeout != DefaultRequestTimeout {
			t.Fatalf("defaults: %+v", cfg)
		}
	})
	t.Run("TwoNodesDerivedWS", func(t *testing.T) {
		cfg, err := FromEnv(env(map[string]string{"ARI_URL": "http://a:8088/ari, https://b:8089/ari/", "ARI_USERNAME": "u", "ARI_PASSWORD": "secret", "ARI_APPLICATION": "x"}))
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Nodes) != 2 || cfg.Nodes[1].URL != "https://b:8089/ari" || cfg.Nodes[1].WSURL != "wss://b:8089/ari/events" || cfg.Application != "x" {
			t.Fatalf("%+v", cfg)
		}
		if s := cfg.String(); strings.Contains(s, "secret") || !strings.Contains(s, "****") {
			t.Fatalf("password not masked: %s", s)
		}
	})
	t.Run("ExplicitWS", func(t *testing.T) {
		cfg, err := FromEnv(env(map[string]string{"ARI_URL": "http://a:8088/ari", "ARI_WSURL": "ws://a:9999/ari/events"}))
		if err != nil || cfg.Nodes[0].WSURL != "ws://a:9999/ari/events" {
			t.Fatalf("%+v %v", cfg, err)
		}
	})
	for name, m := range map[string]map[string]string{
		"MismatchedWSCount": {"ARI_URL": "http://a/ari,http://b/ari", "ARI_WSURL": "ws://a/ari/events"},
		"BadScheme":         {"ARI_URL": "ftp://a/ari"},
		"BadWSScheme":       {"ARI_URL": "http://a/ari", "ARI_WSURL": "http://a/ari/events"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := FromEnv(env(m)); !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
}

// eventCases are table cases for DecodeEvent; the fuzzer starts from them
// and from every event in the traces. They cover the modelled types the
// traces lack.
var eventCases = []struct {
	name, in string
	typ      string // "" = error expected
	fast     bool   // the fast path reads it (else encoding/json)
}{
	{"StasisStart", `{"type":"StasisStart","timestamp":"2026-11-26T23:57:01.345+0000","args":["inbound"],"channel":{"id":"1.1","name":"x","state":"Ring","protocol_id":"","caller":{"name":"","number":""},"connected":{"name":"","number":""},"accountcode":"","dialplan":{"context":"c","exten":"s","priority":1,"app_name":"Stasis","app_data":"callsvc"},"creationtime":"2026-11-26T23:57:01.344+0000","language":"en"},"asterisk_id":"a","application":"callsvc"}`, "StasisStart", true},
	{"ChannelHold", `{"type":"ChannelHold","timestamp":"2026-11-26T23:57:02.000+0000","musicclass":"default","channel":{"id":"1.1","name":"PJSIP/2001-01","state":"Up"},"application":"callsvc"}`, "ChannelHold", true},
	{"ChannelUnhold", `{"type":"ChannelUnhold","timestamp":"2026-11-26T23:57:03.000+0000","channel":{"id":"1.1"},"application":"callsvc"}`, "ChannelUnhold", true},
	{"ChannelTalkingStarted", `{"type":"ChannelTalkingStarted","timestamp":"2026-11-26T23:57:04.000+0000","channel":{"id":"1.1"},"application":"callsvc"}`, "ChannelTalkingStarted", true},
	{"ChannelTalkingFinished", `{"type":"ChannelTalkingFinished","timestamp":"2026-11-26T23:57:05.000+0000","duration":1250,"channel":{"id":"1.1"},"application":"callsvc"}`, "ChannelTalkingFinished", true},
	{"BridgeCreated", `{"type":"BridgeCreated","timestamp":"2026-11-26T23:57:06.000+0000","bridge":{"id":"b1","technology":"simple_bridge","bridge_type":"mixing","bridge_class":"stasis","creator":"Stasis","name":"","channels":[],"creationtime":"2026-11-26T23:57:06.000+0000","video_mode":"talker"},"application":"callsvc"}`, "BridgeCreated", true},
	{"PlaybackContinuing", `{"type":"PlaybackContinuing","timestamp":"2026-11-26T23:57:07.000+0000","playback":{"id":"p1","media_uri":"sound:one","next_media_uri":"sound:two","target_uri":"channel:1.1","language":"en","state":"playing"},"application":"callsvc"}`, "PlaybackContinuing", true},
	{"RecordingFailed", `{"type":"RecordingFailed","timestamp":"2026-11-26T23:57:08.000+0000","recording":{"name":"r1","format":"wav","state":"failed","target_uri":"channel:1.1","cause":"Cannot open file"},"application":"callsvc"}`, "RecordingFailed", true},
	{"EndpointStateChange", `{"type":"EndpointStateChange","timestamp":"2026-11-26T23:57:09.000+0000","endpoint":{"technology":"PJSIP","resource":"2001","state":"online","channel_ids":["1.1"]},"application":"callsvc"}`, "EndpointStateChange", true},
	// A repeated key fills the same value again, as encoding/json does: the
	// fast path once replaced a pointer's value instead and lost "id".
	{"RepeatedPointerKey", `{"type":"StasisStart","replace_channel":{"id":"a"},"replace_channel":{"name":"b"}}`, "StasisStart", true},
	{"RepeatedKey", `{"type":"ChannelDtmfReceived","digit":"1","digit":"2","channel":{"id":"a"},"channel":{"state":"Up"}}`, "ChannelDtmfReceived", true},
	{"TypeNotFirst", `{"application":"callsvc","nested":{"type":"Fake"},"type":"ApplicationReplaced"}`, "ApplicationReplaced", false},
	{"KeyInOtherCase", `{"type":"ChannelDtmfReceived","Digit":"5"}`, "ChannelDtmfReceived", false},
	{"ChannelVars", `{"type":"StasisEnd","channel":{"id":"1.1","channelvars":{"CALLSVC":"1"}}}`, "StasisEnd", false},
	{"Null", `{"type":"StasisStart","args":null,"replace_channel":null}`, "StasisStart", false},
	{"EscapedString", `{"type":"ChannelVarset","variable":"A\u00e9\n","value":"\"x\""}`, "ChannelVarset", true},
	{"OtherOffset", `{"type":"StasisEnd","timestamp":"2026-11-27T07:57:01.345+0800"}`, "StasisEnd", true},
	{"Unknown", `{"type":"Whatever","application":"callsvc"}`, "Whatever", false},
	{"NotObject", `[1,2]`, "", false},
	{"NoType", `{"a":1}`, "", false},
	{"TypeNotString", `{"type":1}`, "", false},
	{"EmptyType", `{"type":""}`, "", false},
	{"BadTimestamp", `{"type":"StasisEnd","timestamp":"now"}`, "", false},
	// Time.UnmarshalJSON gets the raw text, escapes and all, and refuses
	// it; the fast path once unescaped it and accepted the frame.
	{"EscapedTimestamp", `{"type":"StasisEnd","timestamp":"2026-11-26T23:57:01.345\u002b0000"}`, "", false},
	{"February30", `{"type":"StasisEnd","timestamp":"2026-02-30T23:57:01.345+0000"}`, "", false},
	{"WrongFieldType", `{"type":"ChannelDtmfReceived","digit":1}`, "", false},
	{"IntOverflow", `{"type":"ChannelDtmfReceived","duration_ms":99999999999999999999}`, "", false},
	{"Truncated", `{"type":"StasisStart","channel":{"id":`, "", false},
	{"TrailingGarbage", `{"type":"StasisEnd"} x`, "", false},
	{"Empty", ``, "", false},
}

func TestDecodeEvent(t *testing.T) {
	for _, tc := range eventCases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeEvent("n", []byte(tc.in))
			if tc.typ == "" {
				if err == nil || !errors.Is(err, ErrMalformedEvent) {
					t.Fatalf("decoded %#v, %v; want ErrMalformedEvent", ev, err)
				}
				return
			}
			if err != nil || ev.Base().Type != tc.typ || ev.Base().Node != "n" {
				t.Fatalf("got %#v, %v; want %s", ev, err, tc.typ)
			}
			if k, ok := eventKinds[tc.typ]; ok && k.decodeFast([]byte(tc.in), k.new()) != tc.fast {
				t.Errorf("fast path took it: %v, want %v", !tc.fast, tc.fast)
			}
			fastMatchesSlow(t, []byte(tc.in))
			nodesStamped(t, ev, "n")
		})
	}
}

// TestEventKindsNames: each name in the table gives the Go type of that
// name (a copied line would decode one event as another).
func TestEventKindsNames(t *testing.T) {
	for name, k := range eventKinds {
		if k.typ.Name() != name {
			t.Errorf("%q decodes into %s", name, k.typ)
		}
		if got := k.new(); reflect.TypeOf(got).Elem() != k.typ {
			t.Errorf("%q: new gives %T", name, got)
		}
	}
}

// nodesStamped fails unless every Node field in ev, at any depth, is node:
// the event's own and each resource's inside it. It walks the value by
// itself rather than by the decoder's plan.
func nodesStamped(t *testing.T, ev Event, node string) {
	t.Helper()
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				f := v.Type().Field(i)
				if f.Name == "Node" && f.Type.Kind() == reflect.String && v.Field(i).String() != node {
					t.Errorf("%T: %s.Node = %q, want %q", ev, path, v.Field(i).String(), node)
				}
				if f.IsExported() {
					walk(v.Field(i), path+"."+f.Name)
				}
			}
		}
	}
	walk(reflect.ValueOf(ev), "")
}

func FuzzDecodeEvent(f *testing.F) {
	for _, tc := range eventCases {
		f.Add([]byte(tc.in))
	}
	for _, tf := range loadTracesOrNil(f) {
		for _, l := range tf.lines {
			if l.Dir == "event" {
				f.Add([]byte(l.Event))
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fastMatchesSlow(t, data)
		ev, err := DecodeEvent("n", data)
		if err != nil {
			if ev != nil || !errors.Is(err, ErrMalformedEvent) {
				t.Fatalf("error %v with event %#v", err, ev)
			}
			return
		}
		if ev.Base().Type == "" || ev.Base().Node != "n" {
			t.Fatalf("decoded without type or node: %#v", ev)
		}
		_ = ev.keys()
		out, err := json.Marshal(ev)
		if err != nil {
			if _, unknown := ev.(*UnknownEvent); unknown {
				return // raw bytes that encoding/json also refuses to re-emit
			}
			t.Fatalf("re-encode %T: %v", ev, err)
		}
		again, err := DecodeEvent("n", out)
		if err != nil {
			t.Fatalf("re-decode %s: %v", out, err)
		}
		if again.Base().Type != ev.Base().Type {
			t.Fatalf("type changed: %s -> %s", ev.Base().Type, again.Base().Type)
		}
	})
}

// errorCases are REST error bodies: the trace shapes and garbage.
var errorCases = []struct {
	status      int
	contentType string
	body        string
	want        string
}{
	{404, "application/json", `{"message":"Channel not found"}`, "Channel not found"},
	{500, "application/json", `{"error":"Allocation failed"}`, "Allocation failed"},
	{409, "application/json", `{"message":"Channel not in Stasis application"}`, "Channel not in Stasis application"},
	{400, "text/html", "<html><body><h1>Bad Request</h1>\r\n<p>HTTP request is missing param: [app]</p></body></html>", "HTTP request is missing param: [app]"},
	{502, "text/plain", "upstream\n\n  broke", "upstream broke"},
	{500, "", "", ""},
	{500, "application/json", `{}`, ""},
}

func TestDecodeError(t *testing.T) {
	for _, tc := range errorCases {
		e := decodeError(tc.status, tc.contentType, []byte(tc.body))
		if e.Status != tc.status || e.Message != tc.want {
			t.Errorf("%d %q: got %+v, want message %q", tc.status, tc.body, e, tc.want)
		}
		if !strings.Contains(e.Error(), "ari") {
			t.Errorf("Error() = %q", e.Error())
		}
	}
}

func FuzzDecodeError(f *testing.F) {
	for _, tc := range errorCases {
		f.Add(tc.status, tc.contentType, []byte(tc.body))
	}
	for _, tf := range loadTracesOrNil(f) {
		for _, l := range tf.lines {
			if l.Dir == "response" && l.Status >= 400 && len(l.Body) > 0 {
				f.Add(l.Status, l.ContentType, []byte(l.Body))
			}
		}
	}
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		e := decodeError(status, contentType, body)
		if e.Status != status {
			t.Fatalf("status %d became %d", status, e.Status)
		}
		if !utf8.ValidString(e.Message) {
			t.Fatalf("message is not UTF-8: %q", e.Message)
		}
		var eb errorBody
		if json.Unmarshal(body, &eb) != nil && len(e.Message) > maxErrorText+len("…") {
			t.Fatalf("message of %d bytes from a non-JSON body", len(e.Message))
		}
		_ = e.Error()
	})
}

// loadTracesOrNil is loadTraces without the skip, for seeding fuzzers.
func loadTracesOrNil(f *testing.F) []traceFile {
	if m, _ := filepathGlob(); len(m) == 0 {
		return nil
	}
	return loadTraces(f)
}

// fastMatchesSlow checks that whenever the fast path accepts a frame,
// encoding/json accepts it too and decodes the same values.
func fastMatchesSlow(t *testing.T, data []byte) {
	t.Helper()
	typ, err := peekType(data)
	if err != nil {
		return
	}
	k, ok := eventKinds[typ]
	if !ok {
		return
	}
	fast := k.new()
	if !k.decodeFast(data, fast) {
		return
	}
	slow, err := k.decodeSlow(typ, data)
	if err != nil {
		t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, data)
	}
	a, errA := json.Marshal(fast)
	b, errB := json.Marshal(slow)
	if errA != nil || errB != nil || string(a) != string(b) {
		t.Fatalf("fast and slow decodes differ for %q:\nfast %s %v\nslow %s %v", data, a, errA, b, errB)
	}
}

func TestFastPathMatchesEncodingJSON(t *testing.T) {
	fastCount := 0
	for _, tf := range loadTraces(t) {
		for _, l := range tf.lines {
			if l.Dir != "event" {
				continue
			}
			typ, _ := peekType(l.Event)
			if k, ok := eventKinds[typ]; !ok {
				t.Errorf("%s: %s is not modelled", tf.name, typ)
			} else if k.decodeFast(l.Event, k.new()) {
				fastCount++
			} else {
				t.Errorf("%s: %s takes the slow path", tf.name, typ)
			}
			fastMatchesSlow(t, l.Event)
			if ev, err := DecodeEvent("node-a", l.Event); err == nil {
				nodesStamped(t, ev, "node-a")
			}
		}
	}
	if fastCount < 200 {
		t.Errorf("only %d trace events took the fast path", fastCount)
	}
}
