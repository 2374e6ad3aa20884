package spool

import (
	"testing"
)

func FuzzDecodeSpoolLine(f *testing.F) {
	for _, s := range []string{
		`{"call":{"id":"01J","arrived_at":"2026-11-27T00:00:00Z","rings_to_answer":1,"answer_ms":3,"talk_seconds":0,"transferred":false,"message_taken":false,"updated_at":"2026-11-27T00:00:00Z"}}`,
		`{"event":{"id":"01K","call_id":"01J","at":"2026-11-27T00:00:00Z","type":"arrived","data":{"a":1}}}`,
		`{"call":{},"event":{}}`,
		`{}`,
		`{"event":{"id":"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		it, err := decodeSpoolLine(b)
		if err == nil && (it.Call == nil) == (it.Event == nil) {
			t.Fatalf("accepted a line with call=%v event=%v", it.Call != nil, it.Event != nil)
		}
	})
}

func TestDecodeSpoolLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"Event", `{"event":{"id":"01K","call_id":"01J","at":"2026-11-27T00:00:00Z","type":"arrived"}}`, true},
		{"Call", `{"call":{"id":"01J","arrived_at":"2026-11-27T00:00:00Z","updated_at":"2026-11-27T00:00:00Z"}}`, true},
		{"BothRefused", `{"call":{},"event":{}}`, false},
		{"NeitherRefused", `{}`, false},
		{"TornWriteRefused", `{"event":{"id":"x"`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeSpoolLine([]byte(tc.in))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
