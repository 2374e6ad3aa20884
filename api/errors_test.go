package api

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"callsvc/api/record"
)

func TestStatusOfEveryCode(t *testing.T) {
	for code, status := range map[string]int{
		record.EInvalid: 400, record.EUnauthorized: 401, record.EForbidden: 403,
		record.ENotFound: 404, record.EConflict: 409, record.ETooLarge: 413,
		record.ERateLimited: 429, record.EUnavailable: 503, record.EInternal: 500,
		CodeUnsupportedMediaType: 415, CodeMethodNotAllowed: 405, "no-such-code": 500,
	} {
		if got := statusOf(code); got != status {
			t.Errorf("statusOf(%q) = %d, want %d", code, got, status)
		}
	}
}

// TestUnexpectedErrorsAreHiddenAndLogged: a cause that is not a
// *record.Error reaches the log with the request id, and the user sees
// only "internal error".
func TestUnexpectedErrorsAreHiddenAndLogged(t *testing.T) {
	for _, err := range []error{
		errors.New("pq: relation \"calls\" does not exist"),
		fmt.Errorf("list calls: %w", record.Wrap(record.EInternal, errors.New("SQL detail"), "")),
		record.Errorf("brand_new_code", "a message nobody mapped"),
	} {
		var logs bytes.Buffer
		l := zerolog.New(&logs).With().Str("request_id", "req-9").Logger()
		req := httptest.NewRequest("GET", "/", nil)
		req = req.WithContext(context.WithValue(req.Context(), loggerKey, &l))
		rec := httptest.NewRecorder()
		writeError(rec, req, err)
		if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"error":{"code":"internal","message":"internal error"}}`+"\n" {
			t.Errorf("%v: answered %d %s", err, rec.Code, rec.Body)
		}
		if !strings.Contains(logs.String(), `"request_id":"req-9"`) || !strings.Contains(logs.String(), "error") {
			t.Errorf("%v: log %q lacks the request id or the cause", err, logs.String())
		}
	}
}
