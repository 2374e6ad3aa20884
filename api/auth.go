package api

import (
	"net/http"
	"strings"
	"time"

	"callsvc/api/record"
)

// Authenticate requires a bearer token that the store knows and has not
// revoked, and puts it in the context (see TokenFrom). No token or an unknown
// one is 401 with a WWW-Authenticate challenge.
//
// Tokens found are remembered for cacheTTL (<= 0: not at all), which saves
// a database round trip on nearly every request; the price is that a
// revoked token keeps working for up to cacheTTL. Unknown tokens are never
// remembered, so garbage cannot fill the cache.
func Authenticate(store Store, cacheTTL time.Duration) func(http.Handler) http.Handler {
	cache := newTokenCache(cacheTTL, time.Now)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			secret, ok := bearer(r.Header.Get("Authorization"))
			if !ok {
				writeError(w, r, record.Errorf(record.EUnauthorized, "a bearer token is required"))
				return
			}
			if !wellFormedSecret(secret) {
				writeError(w, r, record.Errorf(record.EUnauthorized, "the bearer token is not valid"))
				return
			}
			hash := HashToken(secret)
			if t, ok := cache.get(hash); ok {
				next.ServeHTTP(w, r.WithContext(withToken(r.Context(), t)))
				return
			}
			t, err := store.TokenByHash(r.Context(), hash)
			switch {
			case record.IsNotFound(err):
				writeError(w, r, record.Errorf(record.EUnauthorized, "the bearer token is not valid"))
				return
			case err != nil:
				writeError(w, r, err)
				return
			case t.RevokedAt != nil:
				writeError(w, r, record.Errorf(record.EUnauthorized, "the bearer token has been revoked"))
				return
			}
			cache.put(hash, t)
			next.ServeHTTP(w, r.WithContext(withToken(r.Context(), t)))
		})
	}
}

// bearer extracts the credentials of an "Authorization: Bearer x" header;
// the scheme is case-insensitive (RFC 7235).
func bearer(h string) (string, bool) {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}
