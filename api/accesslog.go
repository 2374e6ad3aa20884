package api

import (
	"context"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/rs/zerolog"
)

// AccessLog logs one line per request, also one cut off midway: method
// ("other" for one no standard names), route pattern, status, bytes,
// duration, request id, and the id of the token that Authenticate accepted
// (never its secret). It puts a logger carrying the request id in the
// context so handlers' own log lines can be joined to it. Run it after
// RequestIDMiddleware.
func AccessLog(log zerolog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			l := log.With().Str("request_id", RequestID(r.Context())).Logger()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			info := &requestInfo{}
			ctx := context.WithValue(context.WithValue(r.Context(), loggerKey, &l), infoKey, info)
			aborted := true
			defer func() {
				// Also when the response was cut off midway (a panic with
				// http.ErrAbortHandler passes through here on its way up).
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK // nothing written: net/http sends 200
				}
				ev := l.Info().
					Str("method", methodLabel(r.Method)).
					Str("path", routePattern(r)).
					Int("status", status).
					Int("bytes", ww.BytesWritten()).
					Dur("duration", time.Since(start))
				if info.tokenID != "" {
					ev = ev.Str("token_id", info.tokenID) // who, never the secret
				}
				if aborted {
					ev = ev.Bool("aborted", true)
				}
				ev.Msg("request")
			}()
			next.ServeHTTP(ww, r.WithContext(ctx))
			aborted = false
		})
	}
}

// routePattern is the chi route that served r ("/v1/calls/{id}"), so logs and
// metrics group by route rather than by every distinct id; unmatched
// requests share one label.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

// requestInfo is what later middleware tells the access log about a
// request (Authenticate: the token's id).
type requestInfo struct {
	tokenID string
}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(infoKey).(*requestInfo)
	return info
}
