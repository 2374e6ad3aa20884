package apitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"callsvc/api"
	"callsvc/api/record"
)

// eventSchema is the OpenAPI document's Event schema, loaded once per test
// binary (the routing scenarios check every event they write).
var eventSchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	doc, err := api.OpenAPI(context.Background())
	if err != nil {
		return nil, err
	}
	ref := doc.Components.Schemas["Event"]
	if ref == nil || ref.Value == nil {
		return nil, errors.New("the OpenAPI document has no Event schema")
	}
	return ref.Value, nil
})

// CheckEvent validates e, as the API serves it, against the OpenAPI
// document's Event schema: its type must be one the document lists and its
// data must fit that type's payload schema.
func CheckEvent(e record.Event) error {
	s, err := eventSchema()
	if err != nil {
		return fmt.Errorf("apitest: %w", err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("%s event: %w", e.Type, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("%s event: %w", e.Type, err)
	}
	if err := s.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("%s event %s does not match the OpenAPI document: %w", e.Type, b, err)
	}
	return nil
}
