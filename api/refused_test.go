package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"callsvc/api/apitest"
	"callsvc/api/record"
)

// stored counts every row a write could add, so a test can show that a
// refused request stored nothing.
func stored(t *testing.T, srv *apitest.Server) int {
	t.Helper()
	var n int
	err := srv.Store.Pool().QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM calls) + (SELECT count(*) FROM call_events) + (SELECT count(*) FROM customers) +
		(SELECT count(*) FROM staff) + (SELECT count(*) FROM presence) + (SELECT count(*) FROM messages) +
		(SELECT count(*) FROM message_audio)`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRefusedInputStoresNothing (issue 11, low): invalid UTF-8, control
// characters in names and notes, keys given twice in one object (however
// cased), ids that are not canonical ULIDs and malformed query strings are
// 400 with nothing stored.
func TestRefusedInputStoresNothing(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	base := answeredCall(1, t0, 1, srv.AgentID)
	srv.Write(t, "/v1/calls", []record.Call{base})
	lower := strings.ToLower(idAt(t0, 2))
	callJSON := func(edit func(m map[string]any)) string {
		b, _ := json.Marshal(answeredCall(3, t0, 1))
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		edit(m)
		b, _ = json.Marshal(m)
		return string(b)
	}
	newCall := "/v1/calls/" + idAt(t0, 3)
	staff := `"extension":"2010","endpoint":"PJSIP/2010","department":"desk","role":"agent"`
	for _, tc := range []struct {
		name, method, path, body string
	}{
		{"InvalidUTF8", "PUT", newCall, strings.Replace(callJSON(func(m map[string]any) { m["caller_name"] = "MARK" }), "MARK", "\xff\xfe", 1)},
		{"InvalidUTF8InCustomer", "POST", "/v1/customers", "{\"name\":\"\xc3\x28\"}"},
		{"ControlInCallerName", "PUT", newCall, callJSON(func(m map[string]any) { m["caller_name"] = "張\a三" })},
		{"NewlineInCallerName", "PUT", newCall, callJSON(func(m map[string]any) { m["caller_name"] = "張\n三" })},
		{"ControlInCallNotes", "PUT", newCall, callJSON(func(m map[string]any) { m["notes"] = "ok\x00" })},
		{"ControlInCustomerName", "POST", "/v1/customers", `{"name":"張\u0007偉"}`},
		{"BidiInCustomerName", "POST", "/v1/customers", `{"name":"張\u202e偉"}`},
		{"ControlInCustomerNotes", "POST", "/v1/customers", `{"name":"張偉","notes":"a\u001bb"}`},
		{"ControlInStaffName", "POST", "/v1/staff", `{"name":"Eve\u0000",` + staff + `}`},
		{"NewlineInPresencePlace", "PUT", "/v1/staff/" + srv.AgentID + "/presence", `{"status":"out","where":"a\nb"}`},
		{"ControlInNote", "POST", "/v1/calls/" + base.ID + "/notes", `{"text":"call back\u0007"}`},
		{"DuplicateKey", "POST", "/v1/customers", `{"name":"張偉","name":"李四"}`},
		{"DuplicateKeyOtherCase", "POST", "/v1/customers", `{"name":"張偉","NAME":"李四"}`},
		{"DuplicateKeyEscaped", "POST", "/v1/customers", `{"name":"張偉","n\u0061me":"李四"}`},
		{"DuplicateKeyKelvin", "POST", "/v1/staff", `{"name":"Eve",` + staff + `,"skills":["a"],"s\u212aills":["b"]}`},
		{"DuplicateKeyInCall", "PUT", newCall, strings.Replace(callJSON(func(map[string]any) {}), `"id":`, `"ID":"`+idAt(t0, 3)+`","id":`, 1)},
		{"LowerCaseULIDPath", "PUT", "/v1/calls/" + lower, callJSON(func(m map[string]any) { delete(m, "id") })},
		{"LowerCaseULIDBody", "POST", "/v1/calls", "[" + callJSON(func(m map[string]any) { m["id"] = lower }) + "]"},
		{"LowerCaseEventID", "POST", "/v1/events", `[{"id":"` + lower + `","call_id":"` + base.ID + `","at":"2026-11-23T01:00:00Z","type":"x"}]`},
		{"LowerCaseEventCall", "POST", "/v1/events", `[{"id":"` + idAt(t0, 4) + `","call_id":"` + strings.ToLower(base.ID) + `","at":"2026-11-23T01:00:00Z","type":"x"}]`},
		{"LowerCaseMessage", "PUT", "/v1/messages/" + lower, `{"call_id":"` + base.ID + `","for_staff_id":"` + srv.AgentID + `","created_at":"2026-11-23T01:00:00Z","duration_ms":1}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := stored(t, srv)
			r := srv.Do(t, tc.method, tc.path, record.RoleSupervisor, []byte(tc.body))
			if r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
				t.Fatalf("%d %s, want 400 invalid", r.Status, r.Body)
			}
			if after := stored(t, srv); after != before {
				t.Fatalf("a refused request stored %d rows", after-before)
			}
		})
	}

	// Allowed: newlines in notes, the same key in different objects, and the
	// canonical id of a call written twice is one call.
	if r := srv.Do(t, "POST", "/v1/customers", record.RoleSupervisor, `{"name":"張偉","notes":"line one\nline two\ttab"}`); r.Status != http.StatusCreated {
		t.Errorf("notes with newlines: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "POST", "/v1/calls/"+base.ID+"/notes", record.RoleSupervisor, `{"text":"line one\nline two"}`); r.Status != http.StatusOK {
		t.Errorf("a note with a newline: %d %s", r.Status, r.Body)
	}
	hours := `{"status":"available","working_hours":{"timezone":"Asia/Shanghai","weekly":[` +
		`{"day":"mon","start":"09:00","end":"12:00"},{"day":"mon","start":"13:00","end":"18:00"}]}}`
	if r := srv.Do(t, "PUT", "/v1/staff/"+srv.AgentID+"/presence", record.RoleSupervisor, hours); r.Status != http.StatusOK {
		t.Errorf("the same keys in sibling objects: %d %s", r.Status, r.Body)
	}
	srv.Write(t, "/v1/calls", []record.Call{base})
	var copies int
	if err := srv.Store.Pool().QueryRow(context.Background(), `SELECT count(*) FROM calls WHERE upper(id) = $1`, base.ID).Scan(&copies); err != nil || copies != 1 {
		t.Errorf("call stored %d times (%v), want once", copies, err)
	}
}

// TestMalformedQueryIsRefused (issue 11, low): a query string that does not
// parse is 400 on every route, never a filter silently dropped.
func TestMalformedQueryIsRefused(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	for _, q := range []string{
		"/v1/calls?staff_id=%zz", "/v1/calls?%zz=1", "/v1/calls?intent=order;outcome=failed", "/v1/calls?q=%ff",
		"/v1/calls.csv?staff_id=%zz", "/v1/messages?staff_id=%", "/v1/staff?limit=%2", "/v1/calls/" + idAt(t0, 1) + "?x=%zz",
		"/v1/openapi.json?%zz",
	} {
		r := srv.Do(t, "GET", q, record.RoleSupervisor, nil)
		if r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
			t.Errorf("GET %s: %d %s, want 400", q, r.Status, r.Body)
		}
	}
	// The same filter spelled correctly is taken.
	if r := srv.Do(t, "GET", "/v1/calls?staff_id=%41", record.RoleSupervisor, nil); r.Status != http.StatusOK {
		t.Errorf("a well-formed escape: %d %s", r.Status, r.Body)
	}
}
