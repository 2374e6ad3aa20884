package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"callsvc/api"
	"callsvc/api/apitest"
	"callsvc/api/record"
)

// TestPersonalDataIsNotCached (issue 11, low): every authenticated answer,
// data or error, says Cache-Control: no-store; every route is walked.
func TestPersonalDataIsNotCached(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t, func(c *api.Config) { c.StreamLimit = 50 * time.Millisecond })
	checked := 0
	err := chi.Walk(srv.Handler.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if !strings.HasPrefix(route, "/v1/") || route == "/v1/openapi.json" {
			return nil
		}
		var body any
		if method == http.MethodPost || method == http.MethodPut {
			body = "{}"
		}
		for _, role := range []string{"", record.RoleSupervisor} {
			r := srv.Do(t, method, strings.ReplaceAll(route, "{id}", srv.AgentID), role, body)
			if got := r.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s as %q: %d Cache-Control %q, want no-store", method, route, role, r.Status, got)
			}
			checked++
		}
		return nil
	})
	if err != nil || checked < 60 {
		t.Fatalf("walked %d answers: %v", checked, err)
	}
}
