package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/rs/zerolog"

	"callsvc/api"
)

func TestAccessLogLine(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	r := chi.NewRouter()
	r.Use(api.RequestIDMiddleware, api.AccessLog(zerolog.New(&buf)))
	r.Get("/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte("hello"))
	})
	req := httptest.NewRequest("GET", "/things/42", nil)
	req.Header.Set(api.RequestIDHeader, "req-1")
	r.ServeHTTP(httptest.NewRecorder(), req)

	var line struct {
		Method, Path, RequestID string
		Status, Bytes           int
		Duration                *float64
	}
	dec := json.NewDecoder(&buf)
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		t.Fatalf("log line: %v (%q)", err, buf.String())
	}
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &line)
	line.RequestID, _ = raw["request_id"].(string)
	if line.Method != "GET" || line.Path != "/things/{id}" || line.Status != 201 || line.Bytes != 5 || line.RequestID != "req-1" || line.Duration == nil {
		t.Errorf("access log line %s", b)
	}
	if dec.More() {
		t.Error("more than one line for one request")
	}
}

func TestAccessLogUnmatchedRoute(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	r := chi.NewRouter()
	r.Use(api.AccessLog(zerolog.New(&buf)))
	r.Get("/a", func(http.ResponseWriter, *http.Request) {})
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/secret-path-1234", nil))
	var raw map[string]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	// Unmatched paths share one label, so a scan cannot flood logs and
	// metrics with distinct values.
	if raw["path"] != "unmatched" || raw["status"] != float64(404) {
		t.Errorf("log line %v", raw)
	}
}
