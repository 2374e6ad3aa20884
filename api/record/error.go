package record

import (
	"errors"
	"fmt"
)

// Error codes: a small, stable set. The HTTP API maps each to one status in
// exactly one place (api/errors.go); adapters translate driver errors into
// these at their boundary.
const (
	EInvalid      = "invalid"      // bad input: 400 / 422
	EUnauthorized = "unauthorized" // no or bad token: 401
	EForbidden    = "forbidden"    // wrong role: 403
	ENotFound     = "not_found"    // 404
	EConflict     = "conflict"     // 409
	ETooLarge     = "too_large"    // 413
	ERateLimited  = "rate_limited" // 429
	EUnavailable  = "unavailable"  // a dependency is down: 503
	EInternal     = "internal"     // anything else: 500, message never shown
)

// Error is the application's one error type. Message is safe to show to a
// user; Err (the cause) is for logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	switch {
	case e.Err != nil && e.Message != "":
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	case e.Err != nil:
		return e.Code + ": " + e.Err.Error()
	default:
		return e.Code + ": " + e.Message
	}
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with a cause kept for logs.
func Wrap(code string, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode is the code of the first *Error in err's chain, EInternal for any
// other non-nil error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage is the user-safe message of err: the *Error's message, or a
// generic text for anything unexpected.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal && e.Message != "" {
		return e.Message
	}
	return "internal error"
}

// IsNotFound reports whether err carries ENotFound.
func IsNotFound(err error) bool { return ErrorCode(err) == ENotFound }
