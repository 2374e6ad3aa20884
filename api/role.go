package api

import (
	"net/http"
	"slices"

	"callsvc/api/record"
)

// RequireRole lets through only tokens with one of roles (403 otherwise).
// Run it after Authenticate.
func RequireRole(roles ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t, ok := TokenFrom(r.Context())
			if !ok {
				writeError(w, r, record.Errorf(record.EUnauthorized, "a bearer token is required"))
				return
			}
			if !slices.Contains(roles, t.Role) {
				writeError(w, r, record.Errorf(record.EForbidden, "the %s role may not do this", t.Role))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
