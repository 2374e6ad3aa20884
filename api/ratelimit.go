package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/httprate"

	"callsvc/api/record"
)

// RateLimit allows each token at most limit requests per window (a sliding
// window estimate, from httprate); beyond it the answer is 429 JSON with
// Retry-After. Run it after Authenticate: the key is the token id, so one
// busy client cannot starve the others. limit <= 0 turns it off.
func RateLimit(limit int, window time.Duration) func(http.Handler) http.Handler {
	if limit <= 0 || window <= 0 {
		return func(next http.Handler) http.Handler { return next }
	}
	return httprate.Limit(limit, window,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) {
			t, ok := TokenFrom(r.Context())
			if !ok {
				return "", errors.New("rate limit: no token in context")
			}
			return t.ID, nil
		}),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, r, record.Errorf(record.ERateLimited, "too many requests; retry later"))
		}),
		httprate.WithErrorHandler(func(w http.ResponseWriter, r *http.Request, err error) {
			writeError(w, r, record.Wrap(record.EInternal, err, ""))
		}),
	)
}
