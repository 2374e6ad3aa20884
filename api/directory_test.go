package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

func TestCustomerFile(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	in := api.CustomerInput{
		Numbers: []string{"138 1234 5678", "010-6552-9988"}, Name: "張偉", Surname: "張", Title: "先生",
		Company: "華南貿易", VIP: true, Birthday: "1980-02-29", Language: "zh", Notes: "老客戶",
	}
	r := srv.Do(t, "POST", "/v1/customers", record.RoleSupervisor, in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var c record.Customer
	r.Decode(t, &c)
	if r.Header.Get("Location") != "/v1/customers/"+c.ID {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	want := record.Customer{
		ID: c.ID, Numbers: []string{"+8613812345678", "+861065529988"}, Name: "張偉", Surname: "張", Title: "先生",
		Company: "華南貿易", VIP: true, Birthday: "1980-02-29", Language: "zh", Notes: "老客戶",
	}
	ignoreTimes := cmpopts.IgnoreFields(record.Customer{}, "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, c, ignoreTimes); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}

	// Found by phone however the number is written; the engine (service) may look.
	for _, phone := range []string{"+8613812345678", "13812345678", "0086 138 1234 5678"} {
		r := srv.Do(t, "GET", "/v1/customers?phone="+url.QueryEscape(phone), record.RoleService, nil)
		var list api.CustomerList
		r.Decode(t, &list)
		if r.Status != http.StatusOK || len(list.Customers) != 1 || list.Customers[0].ID != c.ID {
			t.Errorf("find %q: %d %s", phone, r.Status, r.Body)
		}
	}
	r = srv.Do(t, "GET", "/v1/customers?phone=13900000000", record.RoleService, nil)
	var none api.CustomerList
	r.Decode(t, &none)
	if r.Status != http.StatusOK || len(none.Customers) != 0 {
		t.Errorf("find unknown number: %d %s", r.Status, r.Body)
	}

	in.Name, in.Numbers, in.VIP = "張偉明", []string{"13812345678"}, false
	r = srv.Do(t, "PUT", "/v1/customers/"+c.ID, record.RoleSupervisor, in)
	if r.Status != http.StatusOK {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	want.Name, want.Numbers, want.VIP = "張偉明", []string{"+8613812345678"}, false
	var got record.Customer
	srv.Do(t, "GET", "/v1/customers/"+c.ID, record.RoleService, nil).Decode(t, &got)
	if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	if r := srv.Do(t, "PUT", "/v1/customers/01JNOSUCHCUSTOMER000000000", record.RoleSupervisor, in); r.Status != http.StatusNotFound {
		t.Errorf("update missing: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/v1/customers/01JNOSUCHCUSTOMER000000000", record.RoleSupervisor, nil); r.Status != http.StatusNotFound || r.ErrorCode() != record.ENotFound {
		t.Errorf("get missing: %d %s", r.Status, r.Body)
	}
	// A number belongs to one customer.
	dup := api.CustomerInput{Name: "王五", Numbers: []string{"+8613812345678"}}
	if r := srv.Do(t, "POST", "/v1/customers", record.RoleSupervisor, dup); r.Status != http.StatusConflict || r.ErrorCode() != record.EConflict {
		t.Errorf("duplicate number: %d %s", r.Status, r.Body)
	}
}

func TestCustomerListPages(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	created := map[string]bool{}
	for i := range 23 {
		r := srv.Do(t, "POST", "/v1/customers", record.RoleSupervisor,
			api.CustomerInput{Name: fmt.Sprintf("客戶%d", i), Numbers: []string{fmt.Sprintf("1390000%04d", i)}})
		var c record.Customer
		r.Decode(t, &c)
		created[c.ID] = true
	}
	seen := map[string]bool{}
	cursor := ""
	for pages := 1; ; pages++ {
		path := "/v1/customers?limit=5"
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		r := srv.Do(t, "GET", path, record.RoleSupervisor, nil)
		var list api.CustomerList
		r.Decode(t, &list)
		for _, c := range list.Customers {
			if seen[c.ID] {
				t.Errorf("customer %s repeated", c.ID)
			}
			seen[c.ID] = true
		}
		if list.NextCursor == "" {
			if pages != 5 {
				t.Errorf("%d pages, want 5", pages)
			}
			break
		}
		cursor = list.NextCursor
	}
	if diff := cmp.Diff(created, seen); diff != "" {
		t.Errorf("customers listed (-created +seen):\n%s", diff)
	}
}

func TestStaffDirectory(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	in := api.StaffInput{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "sales", Skills: []string{"zh", "en", "orders"}, Role: record.RoleAgent}
	r := srv.Do(t, "POST", "/v1/staff", record.RoleSupervisor, in)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var s record.Staff
	r.Decode(t, &s)
	ignoreTimes := cmpopts.IgnoreFields(record.Staff{}, "CreatedAt", "UpdatedAt")
	want := record.Staff{ID: s.ID, Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "sales", Skills: []string{"zh", "en", "orders"}, Role: record.RoleAgent, Active: true}
	if diff := cmp.Diff(want, s, ignoreTimes); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	inactive := false
	in.Active, in.Department = &inactive, "desk"
	if r := srv.Do(t, "PUT", "/v1/staff/"+s.ID, record.RoleSupervisor, in); r.Status != http.StatusOK {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	want.Active, want.Department = false, "desk"
	var got record.Staff
	srv.Do(t, "GET", "/v1/staff/"+s.ID, record.RoleService, nil).Decode(t, &got)
	if diff := cmp.Diff(want, got, ignoreTimes); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	// The list holds the fixture's agent and the new person.
	var list api.StaffList
	srv.Do(t, "GET", "/v1/staff?limit=1000", record.RoleService, nil).Decode(t, &list)
	ids := map[string]bool{}
	for _, x := range list.Staff {
		ids[x.ID] = true
	}
	if len(list.Staff) != 2 || !ids[s.ID] || !ids[srv.AgentID] {
		t.Errorf("staff list: %+v", list.Staff)
	}
	// Extensions and endpoints are unique.
	dup := api.StaffInput{Name: "趙六", Extension: "2001", Endpoint: "PJSIP/2002", Department: "desk", Role: record.RoleAgent}
	if r := srv.Do(t, "POST", "/v1/staff", record.RoleSupervisor, dup); r.Status != http.StatusConflict || r.ErrorCode() != record.EConflict {
		t.Errorf("duplicate extension: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "GET", "/v1/staff/01JNOSUCHSTAFF000000000000", record.RoleSupervisor, nil); r.Status != http.StatusNotFound {
		t.Errorf("get missing: %d %s", r.Status, r.Body)
	}
}
