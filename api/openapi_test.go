package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"

	"callsvc/api"
	"callsvc/api/apitest"
)

// TestOpenAPIDocumentsEveryRoute: the served document is the embedded one,
// and it documents exactly the routes the router has.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	srv := apitest.New(t)
	r := srv.Do(t, "GET", "/v1/openapi.json", "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET openapi.json: %d", r.Status)
	}
	served, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("served document does not load: %v", err)
	}
	if err := served.Validate(context.Background()); err != nil {
		t.Fatalf("served document is not valid: %v", err)
	}
	doc, err := api.OpenAPI(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(served.Paths.Map()) != len(doc.Paths.Map()) {
		t.Errorf("served %d paths, embedded %d", len(served.Paths.Map()), len(doc.Paths.Map()))
	}

	routed := map[string]bool{}
	err = chi.Walk(srv.Handler.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routed[method+" "+route] = true
		item := doc.Paths.Value(route)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s %s is not in the OpenAPI document", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if !routed[strings.ToUpper(method)+" "+path] {
				t.Errorf("documented %s %s has no route", method, path)
			}
			if op.Responses.Status(500) == nil {
				t.Errorf("%s %s does not document its 500 error", method, path)
			}
		}
	}
}

// TestResponsesAreValidated makes sure the validating client really checks:
// a response the document does not allow is reported.
func TestResponsesAreValidated(t *testing.T) {
	t.Parallel()
	ft := &fakeT{T: t}
	v := apitest.NewValidator(ft, roundTripFunc(func(req *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: http.NoBody, Request: req,
		}, nil
	}))
	req, _ := http.NewRequest("GET", "http://x/v1/calls", nil)
	resp, err := v.RoundTrip(req) // an empty body is not a CallPage
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !ft.failed {
		t.Error("an invalid response passed validation")
	}
	if v.Checked.Load() != 1 {
		t.Errorf("checked %d responses, want 1", v.Checked.Load())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// fakeT records a failure instead of failing the real test.
type fakeT struct {
	*testing.T
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
