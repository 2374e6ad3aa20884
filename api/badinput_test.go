package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// TestBadInput sends every kind of bad request and checks its status and
// error code. Each case names what is wrong.
func TestBadInput(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.MaxBatchBody = 64 << 10 })
	good := answeredCall(1, t0, 1, staffA)
	id := good.ID
	callJSON := func(edit func(m map[string]any)) string {
		b, _ := json.Marshal(good)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		edit(m)
		b, _ = json.Marshal(m)
		return string(b)
	}
	ev := event(id, 1, t0, "arrived", nil)
	eventJSON := func(edit func(m map[string]any)) string {
		b, _ := json.Marshal(ev)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		edit(m)
		b, _ = json.Marshal(m)
		return string(b)
	}
	bigNotes := callJSON(func(m map[string]any) { m["notes"] = strings.Repeat("長", 400_000) }) // 1.2 MB
	var bigBatch []record.Call
	for i := range 200 {
		bigBatch = append(bigBatch, answeredCall(i, t0, 1))
	}
	bigBatchJSON, _ := json.Marshal(bigBatch)
	future := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)

	type tc struct {
		name, method, path, body, contentType string
		status                                int
		code                                  string
	}
	put := "/v1/calls/" + id
	cases := []tc{
		{"MalformedJSON", "PUT", put, `{"id":`, "", 400, record.EInvalid},
		{"SyntaxError", "PUT", put, `{"id" "x"}`, "", 400, record.EInvalid},
		{"UnknownField", "PUT", put, callJSON(func(m map[string]any) { m["colour"] = "red" }), "", 400, record.EInvalid},
		{"TrailingData", "PUT", put, callJSON(func(map[string]any) {}) + `{}`, "", 400, record.EInvalid},
		{"WrongType", "PUT", put, callJSON(func(m map[string]any) { m["rings_to_answer"] = "two" }), "", 400, record.EInvalid},
		{"BadDate", "PUT", put, callJSON(func(m map[string]any) { m["arrived_at"] = "27/11/2026" }), "", 400, record.EInvalid},
		{"EmptyBody", "PUT", put, "", "", 400, record.EInvalid},
		{"TextPlain", "PUT", put, callJSON(func(map[string]any) {}), "text/plain", 415, api.CodeUnsupportedMediaType},
		{"FormEncoded", "POST", "/v1/calls", "a=b", "application/x-www-form-urlencoded", 415, api.CodeUnsupportedMediaType},
		{"OversizeBody", "PUT", put, bigNotes, "", 413, record.ETooLarge},
		{"OversizeBatch", "POST", "/v1/calls", string(bigBatchJSON), "", 413, record.ETooLarge},
		{"PathIDNotULID", "PUT", "/v1/calls/call-1", callJSON(func(map[string]any) {}), "", 400, record.EInvalid},
		{"BodyIDContradictsPath", "PUT", "/v1/calls/" + idAt(t0, 99), callJSON(func(map[string]any) {}), "", 400, record.EInvalid},
		{"BodyIDNotULID", "POST", "/v1/calls", "[" + callJSON(func(m map[string]any) { m["id"] = "abc" }) + "]", "", 400, record.EInvalid},
		{"MissingArrivedAt", "PUT", put, callJSON(func(m map[string]any) { delete(m, "arrived_at") }), "", 400, record.EInvalid},
		{"MissingUpdatedAt", "PUT", put, callJSON(func(m map[string]any) { delete(m, "updated_at") }), "", 400, record.EInvalid},
		{"ArrivedInFuture", "PUT", put, callJSON(func(m map[string]any) { m["arrived_at"] = future }), "", 400, record.EInvalid},
		{"ArrivedBefore2000", "PUT", put, callJSON(func(m map[string]any) { m["arrived_at"] = "1970-01-01T00:00:00Z" }), "", 400, record.EInvalid},
		{"AnsweredBeforeArrived", "PUT", put, callJSON(func(m map[string]any) { m["answered_at"] = t0.Add(-time.Minute).Format(time.RFC3339) }), "", 400, record.EInvalid},
		{"EndedBeforeAnswered", "PUT", put, callJSON(func(m map[string]any) { m["ended_at"] = t0.Add(time.Second).Format(time.RFC3339) }), "", 400, record.EInvalid},
		{"UnknownIntent", "PUT", put, callJSON(func(m map[string]any) { m["intent"] = "chat" }), "", 400, record.EInvalid},
		{"UnknownOutcome", "PUT", put, callJSON(func(m map[string]any) { m["outcome"] = "lost" }), "", 400, record.EInvalid},
		{"NegativeRings", "PUT", put, callJSON(func(m map[string]any) { m["rings_to_answer"] = -1 }), "", 400, record.EInvalid},
		{"BadStaffID", "PUT", put, callJSON(func(m map[string]any) { m["staff_ids"] = []string{"a b"} }), "", 400, record.EInvalid},
		{"BatchNotArray", "POST", "/v1/calls", callJSON(func(map[string]any) {}), "", 400, record.EInvalid},
		{"EmptyBatch", "POST", "/v1/calls", "[]", "", 400, record.EInvalid},
		{"EventDataArray", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { m["data"] = []int{1} }) + "]", "", 400, record.EInvalid},
		{"EventDataString", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { m["data"] = "x" }) + "]", "", 400, record.EInvalid},
		{"EventWithoutType", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { delete(m, "type") }) + "]", "", 400, record.EInvalid},
		{"EventOfUndeclaredType", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { m["type"] = "step" }) + "]", "", 400, record.EInvalid},
		{"EventDataNotItsPayload", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { m["data"] = map[string]any{"caller": "+8613812345678"} }) + "]", "", 400, record.EInvalid},
		{"EventDataFieldWrongType", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { m["data"] = map[string]any{"dialed": 100} }) + "]", "", 400, record.EInvalid},
		{"EventWithoutCall", "POST", "/v1/events", "[" + eventJSON(func(m map[string]any) { delete(m, "call_id") }) + "]", "", 400, record.EInvalid},
		{"EventOfOtherCall", "POST", "/v1/calls/" + idAt(t0, 99) + "/events", eventJSON(func(map[string]any) {}), "", 400, record.EInvalid},
		{"EventUnknownField", "POST", put + "/events", eventJSON(func(m map[string]any) { m["when"] = "now" }), "", 400, record.EInvalid},
		{"EventsBatchAsObject", "POST", "/v1/events", eventJSON(func(map[string]any) {}), "", 400, record.EInvalid},
		{"EventsBatchEmpty", "POST", "/v1/events", "[]", "", 400, record.EInvalid},

		{"ListBadFrom", "GET", "/v1/calls?from=yesterday", "", "", 400, record.EInvalid},
		{"ListFromAfterTo", "GET", "/v1/calls?from=2026-11-27T00:00:00Z&to=2026-11-26T00:00:00Z", "", "", 400, record.EInvalid},
		{"ListFromEqualsTo", "GET", "/v1/calls?from=2026-11-27T00:00:00Z&to=2026-11-27T00:00:00Z", "", "", 400, record.EInvalid},
		{"ListLimitZero", "GET", "/v1/calls?limit=0", "", "", 400, record.EInvalid},
		{"ListLimitTooBig", "GET", "/v1/calls?limit=1001", "", "", 400, record.EInvalid},
		{"ListLimitNotNumber", "GET", "/v1/calls?limit=ten", "", "", 400, record.EInvalid},
		{"ListBadCursor", "GET", "/v1/calls?cursor=bm90LWEtY3Vyc29y", "", "", 400, record.EInvalid},
		{"ListCursorJunk", "GET", "/v1/calls?cursor=%00%01", "", "", 400, record.EInvalid},
		{"ListWithinFourRings", "GET", "/v1/calls?within_rings=4", "", "", 400, record.EInvalid},
		{"ListUnknownIntent", "GET", "/v1/calls?intent=chat", "", "", 400, record.EInvalid},
		{"ListUnknownParam", "GET", "/v1/calls?caller_number=123", "", "", 400, record.EInvalid},
		{"ListRepeatedParam", "GET", "/v1/calls?intent=order&intent=desk", "", "", 400, record.EInvalid},
		{"CSVBadTo", "GET", "/v1/calls.csv?to=tomorrow", "", "", 400, record.EInvalid},
		{"CSVNoPaging", "GET", "/v1/calls.csv?limit=5", "", "", 400, record.EInvalid},
		{"GetCallNotULID", "GET", "/v1/calls/xyz", "", "", 400, record.EInvalid},
		{"GetCallMissing", "GET", "/v1/calls/" + idAt(t0, 98), "", "", 404, record.ENotFound},

		{"SummaryNoBy", "GET", "/v1/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z", "", "", 400, record.EInvalid},
		{"SummaryByYear", "GET", "/v1/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&by=year", "", "", 400, record.EInvalid},
		{"SummaryNoFrom", "GET", "/v1/reports/summary?to=2026-12-01T00:00:00Z&by=day", "", "", 400, record.EInvalid},
		{"SummaryFromAfterTo", "GET", "/v1/reports/summary?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z&by=day", "", "", 400, record.EInvalid},
		{"SummaryBadZone", "GET", "/v1/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&by=day&tz=Mars/Olympus", "", "", 400, record.EInvalid},
		{"SummaryLocalZone", "GET", "/v1/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&by=day&tz=Local", "", "", 400, record.EInvalid},

		{"CustomerNoName", "POST", "/v1/customers", `{"numbers":["13812345678"]}`, "", 400, record.EInvalid},
		{"CustomerBadBirthday", "POST", "/v1/customers", `{"name":"張","birthday":"1980-02-30"}`, "", 400, record.EInvalid},
		{"CustomerBadNumber", "POST", "/v1/customers", `{"name":"張","numbers":["call me"]}`, "", 400, record.EInvalid},
		{"CustomerSetsID", "POST", "/v1/customers", `{"name":"張","id":"01JDQ7Z1V3G0S8M0X9T2C4B5N6"}`, "", 400, record.EInvalid},
		{"CustomerFindBadPhone", "GET", "/v1/customers?phone=abc", "", "", 400, record.EInvalid},
		{"CustomerFindWithLimit", "GET", "/v1/customers?phone=13812345678&limit=5", "", "", 400, record.EInvalid},
		{"CustomerListBadLimit", "GET", "/v1/customers?limit=-1", "", "", 400, record.EInvalid},
		{"CustomerListBadCursor", "GET", "/v1/customers?cursor=bm9wZQ", "", "", 400, record.EInvalid},
		{"StaffListBadCursor", "GET", "/v1/staff?cursor=bm9wZQ", "", "", 400, record.EInvalid},
		{"StaffListLimitTooBig", "GET", "/v1/staff?limit=100000", "", "", 400, record.EInvalid},
		{"StaffBadExtension", "POST", "/v1/staff", `{"name":"王","extension":"ab","endpoint":"PJSIP/2001","department":"desk","role":"agent"}`, "", 400, record.EInvalid},
		{"StaffBadEndpoint", "POST", "/v1/staff", `{"name":"王","extension":"2001","endpoint":"2001","department":"desk","role":"agent"}`, "", 400, record.EInvalid},
		{"StaffServiceRole", "POST", "/v1/staff", `{"name":"王","extension":"2001","endpoint":"PJSIP/2001","department":"desk","role":"service"}`, "", 400, record.EInvalid},
		{"StaffUpdateMissing", "PUT", "/v1/staff/01JNOSUCHSTAFF000000000000", `{"name":"王","extension":"2001","endpoint":"PJSIP/2001","department":"desk","role":"agent"}`, "", 404, record.ENotFound},

		{"UnknownRoute", "GET", "/v1/nothing", "", "", 404, record.ENotFound},
		{"WrongMethod", "DELETE", "/v1/calls/" + id, "", "", 405, api.CodeMethodNotAllowed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var hdr []string
			if c.contentType != "" {
				hdr = []string{"Content-Type", c.contentType}
			}
			var body any
			if c.body != "" || c.method == "PUT" || c.method == "POST" {
				body = c.body
			}
			r := srv.Do(t, c.method, c.path, record.RoleSupervisor, body, hdr...)
			if r.Status != c.status || r.ErrorCode() != c.code {
				t.Errorf("%d %s, want %d %s", r.Status, r.Body, c.status, c.code)
			}
			var e api.ErrorBody
			r.Decode(t, &e)
			if e.Error.Message == "" || strings.Contains(e.Error.Message, "SQL") || strings.Contains(e.Error.Message, "api.") {
				t.Errorf("message %q is empty or leaks internals", e.Error.Message)
			}
		})
	}
	// Nothing above wrote anything.
	if r := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil); !strings.Contains(string(r.Body), `"calls":[]`) {
		t.Errorf("bad requests left records behind: %s", r.Body)
	}
}

// TestBatchIsAllOrNothing: one bad call in a batch, and none is written.
func TestBatchIsAllOrNothing(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	var batch []record.Call
	for i := range 5 {
		batch = append(batch, answeredCall(i, t0.Add(time.Duration(i)*time.Minute), 1))
	}
	batch[4].Intent = "gossip"
	r := srv.Do(t, "POST", "/v1/calls", record.RoleService, batch)
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "calls[4].intent") {
		t.Fatalf("bad batch: %d %s, want 400 naming calls[4].intent", r.Status, r.Body)
	}
	for _, c := range batch {
		if r := srv.Do(t, "GET", "/v1/calls/"+c.ID, record.RoleSupervisor, nil); r.Status != http.StatusNotFound {
			t.Errorf("call %s written from a refused batch: %d", c.ID, r.Status)
		}
	}
	events := []record.Event{event(batch[0].ID, 1, t0, "arrived", nil), event(batch[0].ID, 2, t0, "", nil)}
	if r := srv.Do(t, "POST", "/v1/events", record.RoleService, events); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "events[1].type") {
		t.Fatalf("bad events batch: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "PUT", "/v1/calls/"+batch[0].ID, record.RoleService, batch[0]); r.Status != http.StatusOK {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	var got api.CallWithEvents
	srv.Do(t, "GET", "/v1/calls/"+batch[0].ID, record.RoleSupervisor, nil).Decode(t, &got)
	if len(got.Events) != 0 {
		t.Errorf("%d events written from a refused batch", len(got.Events))
	}
}
