package api

import "net/http"

// NoStore marks every response no-store (RFC 9111 5.2.2.5): call logs,
// customers, staff, messages and their audio are personal data (S22) that
// no browser or proxy cache may keep. Handlers may not loosen it.
func NoStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
