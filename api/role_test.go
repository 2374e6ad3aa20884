package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"callsvc/api/record"
)

func TestRequireRole(t *testing.T) {
	h := RequireRole(record.RoleService, record.RoleSupervisor)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	for _, tc := range []struct {
		name   string
		token  *record.Token
		status int
	}{
		{"NoTokenIsUnauthorized", nil, http.StatusUnauthorized},
		{"ListedRolePasses", &record.Token{Role: record.RoleService}, http.StatusNoContent},
		{"OtherRoleIsForbidden", &record.Token{Role: record.RoleAgent}, http.StatusForbidden},
		{"UnknownRoleIsForbidden", &record.Token{Role: "admin"}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/", nil)
			if tc.token != nil {
				req = req.WithContext(withToken(req.Context(), *tc.token))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d (%s)", rec.Code, tc.status, rec.Body)
			}
		})
	}
}
