package api

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"callsvc/api/record"
)

// Recoverer turns a panic in a handler into a 500 JSON error, logged with its
// stack and the request id, so one bad request never takes the server down.
// http.ErrAbortHandler is passed on: it is the deliberate way to cut off a
// response already under way (a streamed export that failed midway).
func Recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			logFrom(r.Context()).Error().
				Str("panic", fmt.Sprint(v)).
				Bytes("stack", debug.Stack()).
				Msg("handler panicked")
			writeError(w, r, record.Wrap(record.EInternal, fmt.Errorf("panic: %v", v), ""))
		}()
		next.ServeHTTP(w, r)
	})
}
