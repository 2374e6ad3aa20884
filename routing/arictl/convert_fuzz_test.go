package arictl

import (
	"testing"

	"callsvc/ari"
	"callsvc/routing"
)

// Whatever Asterisk sends, decoding and converting it never panics, and a
// converted event always names its kind.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		`{"type":"StasisStart","timestamp":"2026-11-26T23:57:01.345+0000","args":["inbound"],"channel":{"id":"1.72","caller":{"number":"+1555"}},"application":"callsvc"}`,
		`{"type":"ChannelDtmfReceived","timestamp":"2026-11-26T23:57:03.550+0000","digit":"1","duration_ms":100,"channel":{"id":"1.72"}}`,
		`{"type":"PlaybackFinished","playback":{"id":"p","target_uri":"channel:1.72","state":"failed"}}`,
		`{"type":"RecordingFinished","recording":{"name":"r","target_uri":"bridge:b","duration":3}}`,
		`{"type":"RecordingFailed","recording":{"name":"r","cause":"x"}}`,
		`{"type":"Dial","dialstatus":"BUSY","peer":{"id":"a"}}`,
		`{"type":"ChannelDestroyed","cause":16,"cause_txt":"Normal Clearing","channel":{"id":"1.72"}}`,
		`{"type":"Nope"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := ari.DecodeEvent("n1", b)
		if err != nil || ev == nil {
			return
		}
		got, ok := Convert(ev)
		if ok && got.Kind == routing.EvUnknown {
			t.Fatalf("converted without a kind: %+v", got)
		}
	})
}
