package postgres_test

import (
	"fmt"
	"testing"

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
