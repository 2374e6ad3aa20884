package api_test

import (
	"net/http"
	"strings"
	"testing"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// A staff member's spelling (dial by name) is accepted, stored in lower
// case, returned (the response checked against the OpenAPI document by the
// test server), kept or cleared by an update; a bad one is refused with a
// clear message and changes nothing.
func TestStaffSpelling(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	in := api.StaffInput{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "sales", Role: record.RoleAgent, Spelling: "Wang  Fang"}
	r := srv.Do(t, "POST", "/v1/staff", record.RoleSupervisor, in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var s record.Staff
	r.Decode(t, &s)
	if s.Spelling != "wang fang" {
		t.Fatalf("spelling %q, want %q", s.Spelling, "wang fang")
	}

	for _, tc := range []struct{ name, spelling string }{
		{"ToneMarks", "wáng fāng"},
		{"Hanzi", "王芳"},
		{"Digits", "wang 2"},
		{"Punctuation", "wang-fang"},
		{"TooLong", strings.Repeat("ab ", 22)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := in
			bad.Spelling = tc.spelling
			r := srv.Do(t, "PUT", "/v1/staff/"+s.ID, record.RoleSupervisor, bad)
			if r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid || !strings.Contains(string(r.Body), "spelling") {
				t.Fatalf("%d %s, want 400 invalid naming spelling", r.Status, r.Body)
			}
		})
	}
	var got record.Staff
	srv.Do(t, "GET", "/v1/staff/"+s.ID, record.RoleService, nil).Decode(t, &got)
	if got.Spelling != "wang fang" {
		t.Fatalf("after refused updates: spelling %q", got.Spelling)
	}

	in.Spelling = ""
	if r := srv.Do(t, "PUT", "/v1/staff/"+s.ID, record.RoleSupervisor, in); r.Status != http.StatusOK {
		t.Fatalf("clear: %d %s", r.Status, r.Body)
	}
	got = record.Staff{}
	srv.Do(t, "GET", "/v1/staff/"+s.ID, record.RoleService, nil).Decode(t, &got)
	if got.Spelling != "" {
		t.Fatalf("cleared spelling is %q", got.Spelling)
	}
}
