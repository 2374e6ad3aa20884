package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/rs/zerolog"

	"callsvc/api/record"
)

// Codes the HTTP layer adds to record's set: they only make sense over HTTP.
const (
	CodeUnsupportedMediaType = "unsupported_media_type" // 415
	CodeMethodNotAllowed     = "method_not_allowed"     // 405
)

// statusOf is the one place that maps an error code to an HTTP status.
func statusOf(code string) int {
	switch code {
	case record.EInvalid:
		return http.StatusBadRequest
	case record.EUnauthorized:
		return http.StatusUnauthorized
	case record.EForbidden:
		return http.StatusForbidden
	case record.ENotFound:
		return http.StatusNotFound
	case record.EConflict:
		return http.StatusConflict
	case record.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case record.ERateLimited:
		return http.StatusTooManyRequests
	case record.EUnavailable:
		return http.StatusServiceUnavailable
	case CodeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case CodeMethodNotAllowed:
		return http.StatusMethodNotAllowed
	default:
		return http.StatusInternalServerError
	}
}

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the code and user-safe message of an error response.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeError answers with err's code and user-safe message. Anything that is
// not a known *record.Error becomes "internal error" for the user and is
// logged in full with the request id, so support can find it.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := record.ErrorCode(err)
	status := statusOf(code)
	msg := record.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		code, msg = record.EInternal, "internal error"
	}
	if status >= 500 {
		logFrom(r.Context()).Error().Err(err).Str("code", code).Msg("request failed")
	}
	if code == record.EUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="callsvc"`)
	}
	// When to try again (RFC 9110 10.2.3): a database back in a few
	// seconds; a rate limit's own value when it set one, else its window.
	if w.Header().Get("Retry-After") == "" {
		switch status {
		case http.StatusServiceUnavailable:
			w.Header().Set("Retry-After", "5")
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", "60")
		}
	}
	writeJSON(w, status, ErrorBody{Error: ErrorDetail{Code: code, Message: msg}})
}

// writeJSON writes v as the JSON response body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are written; a failure here is a programming error.
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
		status = http.StatusInternalServerError
	}
	writeJSONBody(w, status, append(b, '\n'))
}

// writeJSONBody writes body, complete JSON ending in a newline. The length
// is known, so it is sent as Content-Length: the client then reads one
// plain body instead of chunks.
func writeJSONBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// logFrom is the request's logger (with its request id), or a disabled one.
func logFrom(ctx context.Context) *zerolog.Logger {
	if l, ok := ctx.Value(loggerKey).(*zerolog.Logger); ok {
		return l
	}
	nop := zerolog.Nop()
	return &nop
}
