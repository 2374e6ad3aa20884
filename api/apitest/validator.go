package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"callsvc/api"
)

// Validator is an http.RoundTripper that checks every response against the
// API's OpenAPI document and fails the test on any mismatch: an
// undocumented status, a body that does not fit its schema, a wrong
// content type. Responses to paths the document does not know must be
// JSON 404/405 errors.
type Validator struct {
	tb      testing.TB
	next    http.RoundTripper
	router  routers.Router
	Checked atomic.Int64 // responses validated
}

// NewValidator wraps next (nil: http.DefaultTransport).
func NewValidator(tb testing.TB, next http.RoundTripper) *Validator {
	tb.Helper()
	if next == nil {
		next = http.DefaultTransport
	}
	doc, err := api.OpenAPI(context.Background())
	if err != nil {
		tb.Fatalf("apitest: %v", err)
	}
	doc.Servers = nil // match on the path alone, whatever the test server's address
	router, err := legacy.NewRouter(doc)
	if err != nil {
		tb.Fatalf("apitest: openapi router: %v", err)
	}
	return &Validator{tb: tb, next: next, router: router}
}

// RoundTrip sends req and validates the response; the body is read whole
// and handed on unchanged.
func (v *Validator) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("apitest: read response: %w", err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := v.check(req, resp, body); err != nil {
		v.tb.Errorf("%s %s -> %d does not match the OpenAPI document: %v\nbody: %.500s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
	v.Checked.Add(1)
	return resp, nil
}

func (v *Validator) check(req *http.Request, resp *http.Response, body []byte) error {
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		// Not a documented operation: it must be a JSON error.
		var e api.ErrorBody
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			return fmt.Errorf("undocumented operation answered %d", resp.StatusCode)
		}
		if jerr := json.Unmarshal(body, &e); jerr != nil || e.Error.Code == "" || e.Error.Message == "" {
			return fmt.Errorf("undocumented operation: body is not a JSON error")
		}
		return nil
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		// The document cannot describe an event stream's frames: check the
		// status and content type there, and here that each data line is
		// one JSON object.
		if err := checkEventStream(body); err != nil {
			return err
		}
		opts.ExcludeResponseBody = true
	}
	return openapi3filter.ValidateResponse(req.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: opts,
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: opts,
	})
}

// checkEventStream requires every "data:" line of a Server-Sent Events
// body to be one JSON object.
func checkEventStream(body []byte) error {
	for _, line := range strings.Split(string(body), "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(data), &obj); err != nil {
			return fmt.Errorf("event stream data is not a JSON object: %w", err)
		}
	}
	return nil
}
