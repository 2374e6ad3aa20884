package postgres

import (
	"testing"
	"time"

	"callsvc/api/record"
)

var cursorCases = []struct {
	at time.Time
	id string
}{
	{time.Date(2026, 11, 27, 9, 0, 0, 123456000, time.UTC), "01JDZ8Q7X9C4V2M3N5P6R7S8T9"},
	{time.Unix(0, 0).UTC(), "x"},
	{time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), "呼叫"},
}

func TestCallCursorRoundTrip(t *testing.T) {
	for _, tc := range cursorCases {
		at, id, err := decodeCallCursor(encodeCallCursor(tc.at, tc.id))
		if err != nil || !at.Equal(tc.at) || id != tc.id {
			t.Errorf("round trip of (%v, %q) = (%v, %q, %v)", tc.at, tc.id, at, id, err)
		}
	}
}

func TestBadCursorsAreInvalid(t *testing.T) {
	for name, s := range map[string]string{
		"Empty":        "",
		"NotBase64":    "!!!",
		"StdPadding":   "AQAAAAAAAAAAeA==",
		"TooShort":     "AQAAAAAAAAAA",
		"WrongVersion": "AgAAAAAAAAAAeA", // version 2
		"BadUTF8":      "AQAAAAAAAAAA_w",
		"NulInID":      "AQAAAAAAAAAAAA",
	} {
		if _, _, err := decodeCallCursor(s); record.ErrorCode(err) != record.EInvalid {
			t.Errorf("%s: %v, want %s", name, err, record.EInvalid)
		}
		if _, err := decodeIDCursor(s); record.ErrorCode(err) != record.EInvalid {
			t.Errorf("id cursor %s: %v, want %s", name, err, record.EInvalid)
		}
	}
}

func FuzzDecodeCallCursor(f *testing.F) {
	for _, tc := range cursorCases {
		f.Add(encodeCallCursor(tc.at, tc.id))
	}
	f.Add("AQAAAAAAAAAA_w")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		at, id, err := decodeCallCursor(s)
		if err != nil {
			if record.ErrorCode(err) != record.EInvalid {
				t.Fatalf("decode(%q): error %v is not EInvalid", s, err)
			}
			return
		}
		// Whatever decodes re-encodes to a cursor that decodes the same.
		at2, id2, err := decodeCallCursor(encodeCallCursor(at, id))
		if err != nil || !at2.Equal(at) || id2 != id {
			t.Fatalf("decode(%q) = (%v, %q) does not survive a round trip: (%v, %q, %v)", s, at, id, at2, id2, err)
		}
	})
}

func FuzzDecodeIDCursor(f *testing.F) {
	f.Add(encodeIDCursor("01JDZ8Q7X9C4V2M3N5P6R7S8T9"))
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := decodeIDCursor(s)
		if err != nil {
			if record.ErrorCode(err) != record.EInvalid {
				t.Fatalf("decode(%q): error %v is not EInvalid", s, err)
			}
			return
		}
		if id2, err := decodeIDCursor(encodeIDCursor(id)); err != nil || id2 != id {
			t.Fatalf("decode(%q) = %q does not survive a round trip: %q, %v", s, id, id2, err)
		}
	})
}
