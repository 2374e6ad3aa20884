package api_test

import (
	"net/http"
	"testing"
	"time"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

func TestRateLimitPerToken(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.RateLimit, c.RateWindow = 3, time.Hour })
	for i := range 3 {
		if r := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil); r.Status != http.StatusOK {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
	}
	r := srv.Do(t, "GET", "/v1/calls", record.RoleSupervisor, nil)
	if r.Status != http.StatusTooManyRequests || r.ErrorCode() != record.ERateLimited || r.Header.Get("Retry-After") == "" {
		t.Errorf("4th request: %d %s (Retry-After %q)", r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	// Another token has its own budget.
	if r := srv.Do(t, "GET", "/v1/staff", record.RoleService, nil); r.Status != http.StatusOK {
		t.Errorf("other token: %d %s", r.Status, r.Body)
	}
	// Health checks are not limited.
	if r := srv.Do(t, "GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Errorf("healthz: %d", r.Status)
	}
}

func TestRateLimitOff(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.RateLimit = -1 })
	for i := range 20 {
		if r := srv.Do(t, "GET", "/v1/staff", record.RoleService, nil); r.Status != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.Status)
		}
	}
}
