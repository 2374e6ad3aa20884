package postgres_test

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"callsvc/api/record"
)

var ignoreTimes = cmpopts.IgnoreFields(record.Customer{}, "CreatedAt", "UpdatedAt")

func TestCustomerFile(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	in := record.Customer{Numbers: []string{"138 1234 5678", "+86 138-1234-5678", "(010) 1234 5678"},
		Name: "張偉", Surname: "張", Title: "先生", Company: "華興貿易", VIP: true, Birthday: "1980-02-29", Language: "zh", Notes: "prefers mornings"}
	c, err := st.CreateCustomer(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.ID = c.ID
	want.Numbers = []string{"+8613812345678", "+861012345678"} // normalised, duplicates dropped, order kept
	if d := cmp.Diff(want, c, ignoreTimes); d != "" {
		t.Errorf("created (-want +got):\n%s", d)
	}
	if c.ID == "" || c.CreatedAt.IsZero() || c.UpdatedAt.IsZero() {
		t.Errorf("id or times not set: %+v", c)
	}

	t.Run("GetByID", func(t *testing.T) {
		got, err := st.GetCustomer(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(c, got); d != "" {
			t.Errorf("(-created +got):\n%s", d)
		}
	})
	t.Run("FindByPhoneAnyNotation", func(t *testing.T) {
		for _, n := range []string{"13812345678", "0086 138 1234 5678", "+861012345678", "010-12345678"} {
			got, err := st.FindCustomerByPhone(ctx, n)
			if err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			if got.ID != c.ID {
				t.Errorf("%s: found %s, want %s", n, got.ID, c.ID)
			}
		}
		_, err := st.FindCustomerByPhone(ctx, "13900000000")
		wantCode(t, err, record.ENotFound)
		_, err = st.FindCustomerByPhone(ctx, "  ")
		wantCode(t, err, record.EInvalid)
	})
	t.Run("NumberOnAnotherFileConflicts", func(t *testing.T) {
		_, err := st.CreateCustomer(ctx, record.Customer{Name: "Other", Numbers: []string{"+8613812345678"}})
		wantCode(t, err, record.EConflict)
		if msg := record.ErrorMessage(err); msg != "phone number already belongs to another customer" {
			t.Errorf("message = %q", msg)
		}
		// The failed create left nothing behind.
		list, _, err := st.ListCustomers(ctx, record.ListQuery{})
		if err != nil || len(list) != 1 {
			t.Errorf("customers after failed create = %d, %v; want 1", len(list), err)
		}
	})
	t.Run("UpdateReplacesFieldsAndNumbers", func(t *testing.T) {
		upd := c
		upd.Numbers = []string{"+15551234567"}
		upd.Title, upd.VIP, upd.Birthday = "經理", false, ""
		got, err := st.UpdateCustomer(ctx, upd)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(upd, got, ignoreTimes); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		if !got.CreatedAt.Equal(c.CreatedAt) || got.UpdatedAt.Before(c.UpdatedAt) {
			t.Errorf("times: created %v -> %v, updated %v -> %v", c.CreatedAt, got.CreatedAt, c.UpdatedAt, got.UpdatedAt)
		}
		_, err = st.FindCustomerByPhone(ctx, "13812345678")
		wantCode(t, err, record.ENotFound)
		// The released number can go to someone else now.
		if _, err := st.CreateCustomer(ctx, record.Customer{Name: "Next", Numbers: []string{"13812345678"}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("UpdateMissingIsNotFound", func(t *testing.T) {
		_, err := st.UpdateCustomer(ctx, record.Customer{ID: "nope", Name: "x"})
		wantCode(t, err, record.ENotFound)
		_, err = st.GetCustomer(ctx, "nope")
		wantCode(t, err, record.ENotFound)
	})
	t.Run("BadInputIsInvalid", func(t *testing.T) {
		for name, bad := range map[string]record.Customer{
			"NoName":       {Numbers: []string{"2001"}},
			"BadBirthday":  {Name: "x", Birthday: "1980-02-30"},
			"EmptyNumber":  {Name: "x", Numbers: []string{" "}},
			"WrongBdayFmt": {Name: "x", Birthday: "29.02.1980"},
		} {
			_, err := st.CreateCustomer(ctx, bad)
			if record.ErrorCode(err) != record.EInvalid {
				t.Errorf("%s: %v, want %s", name, err, record.EInvalid)
			}
		}
	})
}

func TestListCustomersPages(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	var want []string
	for i := range 7 {
		c, err := st.CreateCustomer(ctx, record.Customer{ID: fmt.Sprintf("cust%02d", i), Name: fmt.Sprint("n", i), Numbers: []string{fmt.Sprintf("+86138000000%02d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c.ID)
	}
	var got []string
	cursor := ""
	for range 10 {
		page, next, err := st.ListCustomers(ctx, record.ListQuery{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			got = append(got, c.ID)
			if len(c.Numbers) != 1 {
				t.Errorf("%s: numbers %v", c.ID, c.Numbers)
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	_, _, err := st.ListCustomers(ctx, record.ListQuery{Cursor: "%%%"})
	wantCode(t, err, record.EInvalid)
	_, _, err = st.ListCustomers(ctx, record.ListQuery{Limit: 5000})
	wantCode(t, err, record.EInvalid)
}

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

func TestTokens(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	agent, err := st.CreateStaff(ctx, record.Staff{Name: "a", Extension: "2001"})
	if err != nil {
		t.Fatal(err)
	}
	hash := func(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }

	tok, err := st.CreateToken(ctx, record.Token{Name: "agent a", Role: record.RoleAgent, StaffID: agent.ID, Hash: hash("s1")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.TokenByHash(ctx, hash("s1"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(tok, got); d != "" || got.StaffID != agent.ID || got.Role != record.RoleAgent {
		t.Errorf("lookup (-created +got):\n%s", d)
	}
	_, err = st.TokenByHash(ctx, hash("unknown"))
	wantCode(t, err, record.ENotFound)

	t.Run("RevokedNotReturned", func(t *testing.T) {
		if err := st.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err := st.TokenByHash(ctx, hash("s1"))
		wantCode(t, err, record.ENotFound)
		wantCode(t, st.RevokeToken(ctx, "nope"), record.ENotFound)
		past := time.Now().Add(-time.Hour)
		if _, err := st.CreateToken(ctx, record.Token{Role: record.RoleService, Hash: hash("old"), RevokedAt: &past}); err != nil {
			t.Fatal(err)
		}
		_, err = st.TokenByHash(ctx, hash("old"))
		wantCode(t, err, record.ENotFound)
	})
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, code string
			tok        record.Token
		}{
			{"SameSecretTwice", record.EConflict, record.Token{Role: record.RoleService, Hash: hash("s1")}},
			{"UnknownRole", record.EInvalid, record.Token{Role: "root", Hash: hash("x1")}},
			{"AgentWithoutStaff", record.EInvalid, record.Token{Role: record.RoleAgent, Hash: hash("x2")}},
			{"AgentOfNobody", record.EInvalid, record.Token{Role: record.RoleAgent, StaffID: "ghost", Hash: hash("x3")}},
			{"ShortHash", record.EInvalid, record.Token{Role: record.RoleService, Hash: []byte("short")}},
		} {
			_, err := st.CreateToken(ctx, tc.tok)
			if record.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
	})
}
