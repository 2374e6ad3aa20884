package api_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"callsvc/api"
)

func TestRecovererAnswers500AndLogsStack(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := api.RequestIDMiddleware(api.AccessLog(zerolog.New(&buf))(api.Recoverer(
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom: secret detail") }))))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set(api.RequestIDHeader, "req-panic")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)

	if rec.Code != 500 || rec.Body.String() != `{"error":{"code":"internal","message":"internal error"}}`+"\n" {
		t.Errorf("response %d %s", rec.Code, rec.Body)
	}
	logs := buf.String()
	for _, want := range []string{`"panic":"boom: secret detail"`, `"stack":`, `"request_id":"req-panic"`, `"status":500`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}

func TestRecovererPassesAbortHandlerOn(t *testing.T) {
	t.Parallel()
	h := api.Recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	defer func() {
		v := recover()
		if err, ok := v.(error); !ok || !errors.Is(err, http.ErrAbortHandler) {
			t.Errorf("recovered %v, want http.ErrAbortHandler passed on", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}
