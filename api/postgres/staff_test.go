package postgres_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"callsvc/api/record"
)

func TestStaffDirectory(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	in := record.Staff{Name: "李娜", Extension: "2001", Department: "desk", Skills: []string{"zh", "en"}, Role: record.RoleAgent, Active: true}
	s1, err := st.CreateStaff(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.ID, want.Endpoint = s1.ID, "PJSIP/2001" // endpoint defaults from the extension
	ignore := cmpopts.IgnoreFields(record.Staff{}, "CreatedAt", "UpdatedAt")
	if d := cmp.Diff(want, s1, ignore); d != "" {
		t.Errorf("created (-want +got):\n%s", d)
	}
	got, err := st.GetStaff(ctx, s1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s1, got); d != "" {
		t.Errorf("get (-created +got):\n%s", d)
	}

	for _, tc := range []struct {
		name, msg string
		s         record.Staff
	}{
		{"DuplicateExtension", "extension already in use", record.Staff{Name: "x", Extension: "2001", Endpoint: "PJSIP/x"}},
		{"DuplicateEndpoint", "endpoint already in use", record.Staff{Name: "x", Extension: "2999", Endpoint: "PJSIP/2001"}},
		{"DuplicateID", "a staff member with this id already exists", record.Staff{ID: s1.ID, Name: "x", Extension: "2998"}},
	} {
		_, err := st.CreateStaff(ctx, tc.s)
		wantCode(t, err, record.EConflict)
		if m := record.ErrorMessage(err); m != tc.msg {
			t.Errorf("%s: message %q, want %q", tc.name, m, tc.msg)
		}
	}
	for name, bad := range map[string]record.Staff{
		"NoName":      {Extension: "2100"},
		"NoExtension": {Name: "x"},
		"BadRole":     {Name: "x", Extension: "2100", Role: "admin"},
	} {
		_, err := st.CreateStaff(ctx, bad)
		if record.ErrorCode(err) != record.EInvalid {
			t.Errorf("%s: %v, want %s", name, err, record.EInvalid)
		}
	}

	s2, err := st.CreateStaff(ctx, record.Staff{Name: "王強", Extension: "2002", Endpoint: "PJSIP/wang", Role: record.RoleSupervisor})
	if err != nil {
		t.Fatal(err)
	}
	upd := s1
	upd.Department, upd.Active, upd.Skills = "sales", false, nil
	u, err := st.UpdateStaff(ctx, upd)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(upd, u, ignore); d != "" {
		t.Errorf("update (-want +got):\n%s", d)
	}
	upd.Extension = "2002"
	_, err = st.UpdateStaff(ctx, upd)
	wantCode(t, err, record.EConflict)
	_, err = st.UpdateStaff(ctx, record.Staff{ID: "nope", Name: "x", Extension: "2500"})
	wantCode(t, err, record.ENotFound)
	_, err = st.GetStaff(ctx, "nope")
	wantCode(t, err, record.ENotFound)

	var all []string
	cursor := ""
	for range 5 {
		page, next, err := st.ListStaff(ctx, record.ListQuery{Limit: 1, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page {
			all = append(all, s.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	wantIDs := []string{s1.ID, s2.ID}
	if s2.ID < s1.ID {
		wantIDs = []string{s2.ID, s1.ID}
	}
	if d := cmp.Diff(wantIDs, all); d != "" {
		t.Errorf("list (-want +got):\n%s", d)
	}
}
