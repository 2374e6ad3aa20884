package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// The timeline reference is generated from the registry and this document.
//go:generate go run ./internal/timelinedoc -o ../docs/timeline.md

// openAPIYAML is the API's contract, written by hand; it is checked and
// turned into JSON once, when the handler is built.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPI returns the parsed and validated OpenAPI document (tests check
// real responses against it).
func OpenAPI(ctx context.Context) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("load openapi: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("validate openapi: %w", err)
	}
	return doc, nil
}

func openAPIJSON() ([]byte, error) {
	doc, err := OpenAPI(context.Background())
	if err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(h.openapi)
}
