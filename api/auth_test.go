package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// allowed is the authorization matrix (S22): every route the router has,
// and the roles that may use it. "public" routes need no token. A route
// added to the router without an entry here fails the test.
var allowed = map[string][]string{
	"GET /healthz":                   {"public"},
	"GET /readyz":                    {"public"},
	"GET /metrics":                   {"public"},
	"GET /v1/openapi.json":           {"public"},
	"POST /v1/calls":                 {record.RoleService, record.RoleSupervisor},
	"PUT /v1/calls/{id}":             {record.RoleService, record.RoleSupervisor},
	"POST /v1/calls/{id}/events":     {record.RoleService, record.RoleSupervisor},
	"POST /v1/events":                {record.RoleService, record.RoleSupervisor},
	"GET /v1/calls":                  {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/calls.csv":              {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/calls/{id}":             {record.RoleAgent, record.RoleSupervisor},
	"POST /v1/calls/{id}/transfer":   {record.RoleAgent, record.RoleSupervisor},
	"POST /v1/calls/{id}/notes":      {record.RoleAgent, record.RoleSupervisor},
	"POST /v1/calls/{id}/urgent":     {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/agents/{id}/events":     {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/reports/summary":        {record.RoleSupervisor},
	"POST /v1/customers":             {record.RoleSupervisor},
	"GET /v1/customers":              {record.RoleService, record.RoleSupervisor},
	"GET /v1/customers/{id}":         {record.RoleService, record.RoleSupervisor},
	"PUT /v1/customers/{id}":         {record.RoleSupervisor},
	"POST /v1/staff":                 {record.RoleSupervisor},
	"GET /v1/staff":                  {record.RoleService, record.RoleSupervisor},
	"GET /v1/staff/{id}":             {record.RoleService, record.RoleSupervisor},
	"PUT /v1/staff/{id}":             {record.RoleSupervisor},
	"PUT /v1/staff/{id}/presence":    {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/staff/{id}/presence":    {record.RoleService, record.RoleAgent, record.RoleSupervisor},
	"GET /v1/presence":               {record.RoleService, record.RoleSupervisor},
	"PUT /v1/messages/{id}":          {record.RoleService, record.RoleSupervisor},
	"PUT /v1/messages/{id}/audio":    {record.RoleService, record.RoleSupervisor},
	"GET /v1/messages":               {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/messages/{id}":          {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/messages/{id}/audio":    {record.RoleAgent, record.RoleSupervisor},
	"POST /v1/messages/{id}/handled": {record.RoleAgent, record.RoleSupervisor},
	"GET /v1/tokens":                 {record.RoleSupervisor},
	"DELETE /v1/tokens/{id}":         {record.RoleSupervisor},
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	// Screen-pop streams end quickly here so each request has an answer.
	srv := apitest.New(t, func(c *api.Config) { c.StreamLimit = 50 * time.Millisecond })
	walked := map[string]bool{}
	err := chi.Walk(srv.Handler.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		walked[key] = true
		roles, ok := allowed[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorization matrix", key)
			return nil
		}
		var body any
		if method == http.MethodPost || method == http.MethodPut {
			body = "{}"
		}
		for _, role := range []string{"", record.RoleService, record.RoleAgent, record.RoleSupervisor} {
			// An agent's own id: routes an agent may use only for
			// themselves (presence) are then allowed, not refused.
			id := "01JDQ7Z1V3G0S8M0X9T2C4B5N6"
			if role == record.RoleAgent {
				id = srv.AgentID
			}
			path := strings.ReplaceAll(route, "{id}", id)
			r := srv.Do(t, method, path, role, body)
			switch {
			case slices.Contains(roles, "public"):
				if r.Status != http.StatusOK {
					t.Errorf("%s as %q: %d, want 200 (public)", key, role, r.Status)
				}
			case role == "":
				if r.Status != http.StatusUnauthorized || r.ErrorCode() != record.EUnauthorized ||
					!strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s without token: %d %q %s, want 401 with a Bearer challenge", key, r.Status, r.Header.Get("WWW-Authenticate"), r.Body)
				}
			case slices.Contains(roles, role):
				if r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden {
					t.Errorf("%s as %s: %d %s, want it allowed", key, role, r.Status, r.Body)
				}
			default:
				if r.Status != http.StatusForbidden || r.ErrorCode() != record.EForbidden {
					t.Errorf("%s as %s: %d %s, want 403", key, role, r.Status, r.Body)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range allowed {
		if !walked[key] {
			t.Errorf("matrix entry %s matches no route", key)
		}
	}
}

func TestBadTokensAreUnauthorized(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	forged := api.TokenPrefix + strings.Repeat("A", 43) // well formed, never issued
	for _, auth := range []string{
		"", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-token",
		"Bearer " + forged, "Bearer " + srv.Tokens[record.RoleSupervisor] + "x",
	} {
		hdr := []string{}
		if auth != "" {
			hdr = []string{"Authorization", auth}
		}
		r := srv.Do(t, "GET", "/v1/calls", "", nil, hdr...)
		if r.Status != http.StatusUnauthorized || r.ErrorCode() != record.EUnauthorized || r.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d %s", auth, r.Status, r.Body)
		}
	}
	// The scheme is case-insensitive.
	r := srv.Do(t, "GET", "/v1/calls", "", nil, "Authorization", "bearer "+srv.Tokens[record.RoleSupervisor])
	if r.Status != http.StatusOK {
		t.Errorf("lower-case scheme: %d %s", r.Status, r.Body)
	}
}

// TestRevokedTokenAndCache: with the cache off a revoked token is refused at
// once; with it on, it keeps working until the entry expires (the
// documented trade-off).
func TestRevokedTokenAndCache(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		ttl     time.Duration
		another int
	}{
		{"CacheOffRefusedAtOnce", -1, http.StatusUnauthorized},
		{"CachedUntilExpiry", time.Hour, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := apitest.New(t, func(c *api.Config) { c.TokenCacheTTL = tc.ttl })
			if r := srv.Do(t, "GET", "/v1/staff", record.RoleService, nil); r.Status != http.StatusOK {
				t.Fatalf("before revoking: %d", r.Status)
			}
			if _, err := srv.Store.Pool().Exec(context.Background(),
				`UPDATE api_tokens SET revoked_at = now() WHERE role = 'service'`); err != nil {
				t.Fatal(err)
			}
			if r := srv.Do(t, "GET", "/v1/staff", record.RoleService, nil); r.Status != tc.another {
				t.Errorf("after revoking: %d %s, want %d", r.Status, r.Body, tc.another)
			}
		})
	}
}
