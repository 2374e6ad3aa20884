package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// addStaff puts a person in the directory and returns their id.
func addStaff(t *testing.T, srv *apitest.Server, n int) string {
	t.Helper()
	r := srv.Do(t, "POST", "/v1/staff", record.RoleSupervisor, api.StaffInput{
		Name: fmt.Sprintf("同事%d", n), Extension: fmt.Sprint(3000 + n), Endpoint: fmt.Sprintf("PJSIP/%d", 3000+n),
		Department: "sales", Role: record.RoleAgent,
	})
	if r.Status != http.StatusCreated {
		t.Fatalf("add staff: %d %s", r.Status, r.Body)
	}
	var s record.Staff
	r.Decode(t, &s)
	return s.ID
}

var ignoreUpdated = cmpopts.IgnoreFields(record.Presence{}, "UpdatedAt")

func TestPresenceSetByAgentAndSupervisor(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	colleague := addStaff(t, srv, 1)
	me := "/v1/staff/" + srv.AgentID + "/presence"

	// Never set: available.
	r := srv.Do(t, "GET", me, record.RoleAgent, nil)
	var p record.Presence
	r.Decode(t, &p)
	if r.Status != http.StatusOK || p.Status != record.PresenceAvailable || p.StaffID != srv.AgentID || p.UpdatedAt.IsZero() {
		t.Fatalf("never set: %d %s", r.Status, r.Body)
	}

	// S18: the agent says they are out, where and until when.
	back := time.Now().Add(2 * time.Hour).Truncate(time.Second).UTC()
	before := time.Now().Add(-time.Minute)
	r = srv.Do(t, "PUT", me, record.RoleAgent, api.PresenceInput{Status: "out", Where: "浦東倉庫", BackAt: &back, Note: "盤點"})
	r.Decode(t, &p)
	want := record.Presence{StaffID: srv.AgentID, Status: "out", Where: "浦東倉庫", BackAt: &back, Note: "盤點", UpdatedBy: srv.AgentID}
	if r.Status != http.StatusOK {
		t.Fatalf("agent sets own: %d %s", r.Status, r.Body)
	}
	if diff := cmp.Diff(want, p, ignoreUpdated); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	if p.UpdatedAt.Before(before) {
		t.Errorf("updated_at %v is not the time of the change", p.UpdatedAt)
	}
	// The engine (service) and supervisors read it.
	for _, role := range []string{record.RoleService, record.RoleSupervisor, record.RoleAgent} {
		var got record.Presence
		r := srv.Do(t, "GET", me, role, nil)
		r.Decode(t, &got)
		if diff := cmp.Diff(want, got, ignoreUpdated); r.Status != http.StatusOK || diff != "" {
			t.Errorf("read as %s: %d (-want +got):\n%s", role, r.Status, diff)
		}
	}

	// An agent may not set or read a colleague's presence (S22).
	other := "/v1/staff/" + colleague + "/presence"
	for _, method := range []string{"PUT", "GET"} {
		r := srv.Do(t, method, other, record.RoleAgent, api.PresenceInput{Status: "meeting"})
		if r.Status != http.StatusForbidden || r.ErrorCode() != record.EForbidden {
			t.Errorf("%s colleague's presence as agent: %d %s", method, r.Status, r.Body)
		}
	}
	// Nor may the engine type one in: on-call is derived, never set.
	if r := srv.Do(t, "PUT", me, record.RoleService, api.PresenceInput{Status: "meeting"}); r.Status != http.StatusForbidden {
		t.Errorf("service sets presence: %d %s", r.Status, r.Body)
	}

	// A supervisor sets anyone's; updated_by names the token.
	r = srv.Do(t, "PUT", other, record.RoleSupervisor, api.PresenceInput{Status: "meeting", Note: "季度會議"})
	r.Decode(t, &p)
	if r.Status != http.StatusOK || p.Status != "meeting" || p.Note != "季度會議" || p.UpdatedBy == "" || p.UpdatedBy == srv.AgentID {
		t.Errorf("supervisor sets colleague's: %d %s", r.Status, r.Body)
	}
	// A person not in the directory.
	r = srv.Do(t, "PUT", "/v1/staff/01JNOBODY00000000000000000/presence", record.RoleSupervisor, api.PresenceInput{Status: "meeting"})
	if r.Status != http.StatusNotFound || r.ErrorCode() != record.ENotFound {
		t.Errorf("set for unknown person: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/v1/staff/01JNOBODY00000000000000000/presence", record.RoleService, nil); r.Status != http.StatusNotFound {
		t.Errorf("get for unknown person: %d %s", r.Status, r.Body)
	}
}

func TestPresenceWorkingHoursKeptUntilCleared(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	path := "/v1/staff/" + srv.AgentID + "/presence"
	hours := &record.WorkingHours{TimeZone: "Asia/Shanghai", Weekly: []record.WorkRange{
		{Day: "mon", Start: "09:00", End: "18:00"}, {Day: "sat", Start: "09:00", End: "12:00"},
	}}
	var p record.Presence
	r := srv.Do(t, "PUT", path, record.RoleSupervisor, api.PresenceInput{Status: "available", WorkingHours: hours})
	r.Decode(t, &p)
	if r.Status != http.StatusOK || !cmp.Equal(p.WorkingHours, hours) {
		t.Fatalf("set hours: %d %s", r.Status, r.Body)
	}
	// Setting a status without hours keeps them.
	r = srv.Do(t, "PUT", path, record.RoleAgent, api.PresenceInput{Status: "visitor"})
	r.Decode(t, &p)
	if r.Status != http.StatusOK || p.Status != "visitor" || !cmp.Equal(p.WorkingHours, hours) {
		t.Errorf("status only: %d %s", r.Status, r.Body)
	}
	// An empty week clears them.
	r = srv.Do(t, "PUT", path, record.RoleAgent, api.PresenceInput{Status: "available", WorkingHours: &record.WorkingHours{}})
	var cleared record.Presence
	r.Decode(t, &cleared)
	if r.Status != http.StatusOK || cleared.WorkingHours != nil {
		t.Errorf("clear hours: %d %s", r.Status, r.Body)
	}
}

func TestPresenceBadInput(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	path := "/v1/staff/" + srv.AgentID + "/presence"
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	ahead := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	farAhead := time.Now().Add(100 * 24 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name, body, contentType string
		status                  int
		code                    string
	}{
		{"MissingStatus", `{}`, "", 400, record.EInvalid},
		{"UnknownStatus", `{"status":"lunch"}`, "", 400, record.EInvalid},
		{"DerivedStatusCannotBeTyped", `{"status":"on_call"}`, "", 400, record.EInvalid},
		{"BackAtInThePast", `{"status":"out","back_at":"` + past + `"}`, "", 400, record.EInvalid},
		{"BackAtTooFarAhead", `{"status":"out","back_at":"` + farAhead + `"}`, "", 400, record.EInvalid},
		{"BackAtWithoutOut", `{"status":"meeting","back_at":"` + ahead + `"}`, "", 400, record.EInvalid},
		{"WhereWhileAvailable", `{"status":"available","where":"home"}`, "", 400, record.EInvalid},
		{"BackAtNotATime", `{"status":"out","back_at":"3pm"}`, "", 400, record.EInvalid},
		{"UnknownField", `{"status":"out","until":"3pm"}`, "", 400, record.EInvalid},
		{"StatusNotAString", `{"status":1}`, "", 400, record.EInvalid},
		{"BadTimeZone", `{"status":"available","working_hours":{"timezone":"Mars/Base","weekly":[{"day":"mon","start":"09:00","end":"18:00"}]}}`, "", 400, record.EInvalid},
		{"HoursEndBeforeStart", `{"status":"available","working_hours":{"timezone":"UTC","weekly":[{"day":"mon","start":"18:00","end":"09:00"}]}}`, "", 400, record.EInvalid},
		{"TrailingData", `{"status":"available"} {}`, "", 400, record.EInvalid},
		{"NotJSON", `status=available`, "application/x-www-form-urlencoded", 415, api.CodeUnsupportedMediaType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := []string{}
			if tc.contentType != "" {
				hdr = []string{"Content-Type", tc.contentType}
			}
			r := srv.Do(t, "PUT", path, record.RoleAgent, tc.body, hdr...)
			if r.Status != tc.status || r.ErrorCode() != tc.code {
				t.Errorf("%d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
		})
	}
	// Nothing bad was stored: still the default.
	var p record.Presence
	srv.Do(t, "GET", path, record.RoleAgent, nil).Decode(t, &p)
	if p.Status != record.PresenceAvailable || p.UpdatedBy != "" {
		t.Errorf("after bad input: %+v", p)
	}
}

func TestPresenceListPagesEveryone(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	ids := []string{srv.AgentID}
	for i := range 4 {
		ids = append(ids, addStaff(t, srv, i))
	}
	if r := srv.Do(t, "PUT", "/v1/staff/"+ids[2]+"/presence", record.RoleSupervisor, api.PresenceInput{Status: "event", Where: "年會"}); r.Status != http.StatusOK {
		t.Fatalf("set: %d %s", r.Status, r.Body)
	}
	seen := map[string]string{}
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		q := "/v1/presence?limit=2"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		var list api.PresenceList
		r := srv.Do(t, "GET", q, record.RoleService, nil)
		r.Decode(t, &list)
		if r.Status != http.StatusOK || len(list.Presence) > 2 {
			t.Fatalf("page: %d %s", r.Status, r.Body)
		}
		for _, p := range list.Presence {
			if _, dup := seen[p.StaffID]; dup {
				t.Errorf("%s listed twice", p.StaffID)
			}
			seen[p.StaffID] = p.Status
		}
		if cursor = list.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("listed %d people, want %d", len(seen), len(ids))
	}
	if seen[ids[2]] != "event" || seen[ids[1]] != "available" {
		t.Errorf("statuses %v", seen)
	}
	if r := srv.Do(t, "GET", "/v1/presence", record.RoleAgent, nil); r.Status != http.StatusForbidden {
		t.Errorf("agent lists everyone: %d", r.Status)
	}
	for _, c := range []string{"not%20a%20cursor", "bm90LWEtY3Vyc29y"} {
		if r := srv.Do(t, "GET", "/v1/presence?cursor="+c, record.RoleSupervisor, nil); r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
			t.Errorf("bad cursor %s: %d %s", c, r.Status, r.Body)
		}
	}
}
