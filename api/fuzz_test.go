package api

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"callsvc/api/record"
)

var fuzzNow = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

const fuzzCallID = "01JDQ7Z1V3G0S8M0X9T2C4B5N6"

// writeSeeds are the table cases of the write endpoints' bodies.
var callSeeds = []string{
	`{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","arrived_at":"2026-11-26T09:00:00Z","updated_at":"2026-11-26T09:01:00Z"}`,
	`{"arrived_at":"2026-11-26T09:00:00+08:00","answered_at":"2026-11-26T09:00:05+08:00","ended_at":"2026-11-26T09:03:00+08:00","updated_at":"2026-11-26T09:03:00+08:00","rings_to_answer":1,"intent":"order","outcome":"connected","staff_ids":["01JSTAFFA00000000000000000"],"caller_name":"張三","notes":"退貨"}`,
	`[{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","arrived_at":"2026-11-26T09:00:00Z","updated_at":"2026-11-26T09:01:00Z"},{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","arrived_at":"2026-11-26T09:00:00Z","updated_at":"2026-11-26T09:02:00Z"}]`,
	`{"id":`, `{"colour":"red"}`, `{} {}`, `[]`, `null`, `"x"`, `{"rings_to_answer":"two"}`,
	`{"arrived_at":"27/11/2026"}`, `{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","arrived_at":"1970-01-01T00:00:00Z","updated_at":"2026-11-26T09:01:00Z"}`,
	`{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","arrived_at":"2026-11-26T09:00:00Z","answered_at":"2026-11-26T08:00:00Z","updated_at":"2026-11-26T09:01:00Z"}`,
}

var eventSeeds = []string{
	`{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","at":"2026-11-26T09:00:00Z","type":"arrived"}`,
	`[{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","call_id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","at":"2026-11-26T09:00:00Z","type":"arrived","data":{"caller":"+8613812345678"}}]`,
	`[{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","call_id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","at":"2026-11-26T09:00:00Z","type":"x","data":[1]}]`,
	`[{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","at":"2026-11-26T09:00:00Z","type":"x","data":"s"}]`,
	`[{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","at":"2026-11-26T09:00:00Z","type":"x","data":null}]`,
	`{"id":"01JDQ7Z1V3G0S8M0X9T2C4B5N7","at":"2026-11-26T09:00:00Z","type":"arrived","data":{}} []`,
	`[]`, `{`, `[{"when":"now"}]`, ` [ ] `,
}

// checkInvalid fails unless err is an *record.Error with code EInvalid.
func checkInvalid(t *testing.T, err error) {
	t.Helper()
	var e *record.Error
	if !errors.As(err, &e) || e.Code != record.EInvalid || e.Message == "" {
		t.Fatalf("error %v (%T) is not an EInvalid *record.Error with a message", err, err)
	}
}

func FuzzWriteCall(f *testing.F) {
	for _, s := range callSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCall(data, fuzzCallID, fuzzNow)
		if err != nil {
			checkInvalid(t, err)
		} else {
			// What was accepted is stable: encoding it and reading it back
			// gives the same, still valid call.
			b, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			again, err := decodeCall(b, fuzzCallID, fuzzNow)
			if err != nil {
				t.Fatalf("accepted call does not round-trip: %v\n%s", err, b)
			}
			if c.ID != fuzzCallID || !again.UpdatedAt.Equal(c.UpdatedAt) || again.Notes != c.Notes {
				t.Fatalf("round trip changed the call: %+v vs %+v", c, again)
			}
		}
		calls, err := decodeCalls(data, fuzzNow)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		seen := map[string]bool{}
		for _, c := range calls {
			if seen[c.ID] || !isULID(c.ID) || c.ArrivedAt.Location() != time.UTC {
				t.Fatalf("batch output not deduplicated or not normalised: %+v", calls)
			}
			seen[c.ID] = true
		}
	})
}

func FuzzAppendEvents(f *testing.F) {
	for _, s := range eventSeeds {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, inPath bool) {
		path := ""
		if inPath {
			path = fuzzCallID
		}
		events, err := decodeEvents(data, path, fuzzNow)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if len(events) == 0 {
			t.Fatal("no error and no events")
		}
		seen := map[string]bool{}
		for _, e := range events {
			if seen[e.ID] || (inPath && e.CallID != fuzzCallID) {
				t.Fatalf("events not deduplicated or of another call: %+v", events)
			}
			seen[e.ID] = true
			if len(e.Data) > 0 {
				var m map[string]any
				if err := json.Unmarshal(e.Data, &m); err != nil || m == nil {
					t.Fatalf("accepted data %q is not a JSON object", e.Data)
				}
			}
		}
	})
}
