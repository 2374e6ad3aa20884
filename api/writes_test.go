package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"callsvc/api/record"
)

func TestDecodeCallsBatchRules(t *testing.T) {
	now := fuzzNow
	mk := func(id string, updated time.Time, notes string) record.Call {
		return record.Call{ID: id, ArrivedAt: now.Add(-time.Hour), UpdatedAt: updated, Notes: notes}
	}
	a, b := "01JDQ7Z1V3G0S8M0X9T2C4B5N6", "01JDQ7Z1V3G0S8M0X9T2C4B5N7"
	batch := []record.Call{
		mk(a, now.Add(-3*time.Minute), "a old"),
		mk(b, now.Add(-time.Minute), "b"),
		mk(a, now.Add(-time.Minute), "a new"),
		mk(a, now.Add(-2*time.Minute), "a middle"),
	}
	data, _ := json.Marshal(batch)
	got, err := decodeCalls(data, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != a || got[0].Notes != "a new" || got[1].ID != b {
		t.Errorf("merged batch %+v, want a (newest) then b", got)
	}

	big := make([]string, maxBatchCalls+1)
	for i := range big {
		big[i] = `{}`
	}
	_, err = decodeCalls([]byte("["+strings.Join(big, ",")+"]"), now)
	if record.ErrorCode(err) != record.EInvalid || !strings.Contains(record.ErrorMessage(err), fmt.Sprint(maxBatchCalls)) {
		t.Errorf("oversize batch: %v", err)
	}
}

func TestDecodeEventsBatchRules(t *testing.T) {
	ev := func(id, data string) string {
		return fmt.Sprintf(`{"id":%q,"call_id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6","at":"2026-11-26T09:00:00Z","type":"note_added"%s}`, id, data)
	}
	got, err := decodeEvents([]byte("["+ev("01JDQ7Z1V3G0S8M0X9T2C4B5N8", `,"data":{"text":"a"}`)+","+
		ev("01JDQ7Z1V3G0S8M0X9T2C4B5N8", "")+","+ev("01JDQ7Z1V3G0S8M0X9T2C4B5N9", `,"data":null`)+"]"), "", fuzzNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got[0].Data) != `{"text":"a"}` || got[1].Data != nil {
		t.Errorf("events %+v: want the repeat dropped and null data as none", got)
	}
	big := make([]string, maxBatchEvents+1)
	for i := range big {
		big[i] = `{}`
	}
	if _, err := decodeEvents([]byte("["+strings.Join(big, ",")+"]"), "", fuzzNow); record.ErrorCode(err) != record.EInvalid {
		t.Errorf("oversize batch: %v", err)
	}
}
