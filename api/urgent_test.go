package api_test

import (
	"net/http"
	"testing"

	"github.com/oklog/ulid/v2"

	"callsvc/api/apitest"
	"callsvc/api/record"
)

// Bad answers are refused clearly; without an engine the route is 503;
// a token acting for nobody cannot answer.
func TestUrgentAnswerRefusals(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	id := ulid.Make().String()
	cases := []struct {
		name   string
		path   string
		role   string
		body   any
		status int
		code   string
	}{
		{"BadAnswer", "/v1/calls/" + id + "/urgent", record.RoleAgent, map[string]string{"answer": "maybe"}, http.StatusBadRequest, record.EInvalid},
		{"UnknownField", "/v1/calls/" + id + "/urgent", record.RoleAgent, `{"answer":"accept","x":1}`, http.StatusBadRequest, record.EInvalid},
		{"NotAULID", "/v1/calls/nope/urgent", record.RoleAgent, map[string]string{"answer": "accept"}, http.StatusBadRequest, record.EInvalid},
		{"SupervisorActsForNobody", "/v1/calls/" + id + "/urgent", record.RoleSupervisor, map[string]string{"answer": "accept"}, http.StatusForbidden, record.EForbidden},
		{"NoEngine", "/v1/calls/" + id + "/urgent", record.RoleAgent, map[string]string{"answer": "decline"}, http.StatusServiceUnavailable, record.EUnavailable},
		{"ServiceMayNot", "/v1/calls/" + id + "/urgent", record.RoleService, map[string]string{"answer": "accept"}, http.StatusForbidden, record.EForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := srv.Do(t, http.MethodPost, c.path, c.role, c.body)
			if resp.Status != c.status || resp.ErrorCode() != c.code {
				t.Fatalf("status %d code %q, want %d %q: %s", resp.Status, resp.ErrorCode(), c.status, c.code, resp.Body)
			}
		})
	}
}
