package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"callsvc/api/record"
)

// readBody returns the request body after checking that it is JSON and no
// larger than limit bytes (413 beyond it, 415 for another media type).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, record.Errorf(CodeUnsupportedMediaType, "the request body must be application/json")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, record.Errorf(record.ETooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	case err != nil:
		return nil, record.Wrap(record.EInvalid, err, "the request body could not be read")
	case len(bytes.TrimSpace(data)) == 0:
		return nil, record.Errorf(record.EInvalid, "the request body is empty")
	}
	return data, nil
}

// decodeStrict decodes exactly one JSON value into dst, refusing unknown
// fields and anything after the value, so a typo in a field name or two
// bodies glued together are errors instead of silently lost data.
func decodeStrict(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return record.Errorf(record.EInvalid, "invalid JSON: unexpected data after the JSON value")
	}
	return nil
}

// jsonError turns a decoding error into a user-safe EInvalid: the position
// or field of the problem, never our types' names.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return record.Wrap(record.EInvalid, err, fmt.Sprintf("invalid JSON at byte %d", syntax.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return record.Wrap(record.EInvalid, err, fmt.Sprintf("invalid JSON: %s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value))
	case errors.As(err, new(*time.ParseError)):
		return record.Wrap(record.EInvalid, err, "invalid JSON: times must be RFC 3339, such as 2026-11-27T09:00:00+08:00")
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return record.Wrap(record.EInvalid, err, "invalid JSON: the body ends early")
	default:
		// Unknown fields and bad time values: the decoder's message names
		// the field or the value, which is the user's own input.
		return record.Wrap(record.EInvalid, err, "invalid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
	}
}

// jsonKind names a Go kind in JSON's terms.
func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	default:
		return "a " + k
	}
}
