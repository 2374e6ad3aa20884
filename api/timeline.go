package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"callsvc/api/record"
)

// timelineSchemas are the data schemas of the document's timeline types,
// loaded once: events written through the API are checked against them, so
// what the API stores is what the document describes.
var timelineSchemas = sync.OnceValues(func() (map[record.EventType]*openapi3.Schema, error) {
	doc, err := OpenAPI(context.Background())
	if err != nil {
		return nil, err
	}
	return EventDataSchemas(doc)
})

// EventDataSchemas follows the document's Event union to each type's schema
// (allOf EventBase and its own type and data) and returns the data's, by
// type (docs/timeline.md is generated from them).
func EventDataSchemas(doc *openapi3.T) (map[record.EventType]*openapi3.Schema, error) {
	union := doc.Components.Schemas["Event"]
	if union == nil || union.Value == nil || union.Value.Discriminator == nil {
		return nil, errors.New("openapi: Event is not a discriminated union")
	}
	byRef := make(map[string]*openapi3.Schema, len(union.Value.OneOf))
	for _, r := range union.Value.OneOf {
		byRef[r.Ref] = r.Value
	}
	out := make(map[record.EventType]*openapi3.Schema, len(byRef))
	for typ, m := range union.Value.Discriminator.Mapping {
		s := byRef[m.Ref]
		if s == nil || len(s.AllOf) != 2 || s.AllOf[1].Value == nil || s.AllOf[1].Value.Properties["data"] == nil {
			return nil, fmt.Errorf("openapi: the %s event has no data schema", typ)
		}
		out[record.EventType(typ)] = s.AllOf[1].Value.Properties["data"].Value
	}
	return out, nil
}

// checkEventData checks that typ is a timeline type and data (a JSON object,
// or none) fits its schema; at names the event in messages.
func checkEventData(at string, typ record.EventType, data json.RawMessage) error {
	schemas, err := timelineSchemas()
	if err != nil {
		return fmt.Errorf("check event data: %w", err)
	}
	s, ok := schemas[typ]
	if !ok {
		return invalid(at+".type", "%q is not a timeline event type (the OpenAPI document lists them under Event)", typ)
	}
	var v any = map[string]any{}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &v); err != nil {
			return invalid(at+".data", "must be a JSON object")
		}
	}
	err = s.VisitJSON(v)
	var se *openapi3.SchemaError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		field := strings.Join(append([]string{at + ".data"}, se.JSONPointer()...), ".")
		return invalid(field, "%s (%s data)", se.Reason, typ)
	default:
		return fmt.Errorf("check event data: %w", err)
	}
}
