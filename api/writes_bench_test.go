package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// BenchmarkDecodeEvents: one POST /v1/events body of 1000 events as a call
// writes them (types and data of a connected call), decoded and checked.
func BenchmarkDecodeEvents(b *testing.B) {
	steps := []string{
		`"type":"arrived","data":{"caller_number":"+8613800138000","dialed":"100"}`,
		`"type":"answered","data":{"rings_to_answer":1,"answer_ms":4012}`,
		`"type":"greeted","data":{"form":"good_morning","named":false,"text":"您好"}`,
		`"type":"menu_choice","data":{"intent":"order","attempt":1,"digit":"1"}`,
		`"type":"routed","data":{"rule":"intent:order","reason":"r","target":"person","department":"sales","staff_id":"s1"}`,
		`"type":"ringing_staff","staff_id":"s1","data":{"endpoint":"PJSIP/2001","attempt":1,"summary":"s","context":{"call_id":"c","intent":"order","attempts":1}}`,
		`"type":"staff_answered","staff_id":"s1"`,
		`"type":"connected","staff_id":"s1","data":{"staff_id":"s1","extension":"2001","bridge":"b","answer_to_bridge_us":850,"chain":["s1"]}`,
		`"type":"ended","data":{"by":"caller"}`,
		`"type":"outcome","data":{"outcome":"connected"}`,
	}
	call := ulid.Make().String()
	var evs []string
	for i := range 1000 {
		evs = append(evs, fmt.Sprintf(`{"id":%q,"call_id":%q,"at":"2026-11-26T09:00:00Z",%s}`, ulid.Make().String(), call, steps[i%len(steps)]))
	}
	body := []byte("[" + strings.Join(evs, ",") + "]")
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := decodeEvents(body, "", fuzzNow); err != nil {
			b.Fatal(err)
		}
	}
}
