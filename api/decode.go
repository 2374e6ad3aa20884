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
	"unicode"
	"unicode/utf8"

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
	case errors.Is(err, errBodyTimeout):
		return nil, record.Wrap(record.EInvalid, err, errBodyTimeout.Error())
	case err != nil:
		return nil, record.Wrap(record.EInvalid, err, "the request body could not be read")
	case len(bytes.TrimSpace(data)) == 0:
		return nil, record.Errorf(record.EInvalid, "the request body is empty")
	case !utf8.Valid(data):
		// The decoder would quietly store U+FFFD for every bad byte.
		return nil, record.Errorf(record.EInvalid, "the request body is not valid UTF-8")
	}
	return data, nil
}

// decodeStrict decodes exactly one JSON value into dst, refusing unknown
// fields and anything after the value, so a typo in a field name or two
// bodies glued together are errors instead of silently lost data.
func decodeStrict(data []byte, dst any) error {
	if key, dup := duplicateKey(data); dup {
		// encoding/json keeps the last of two keys, and matches keys to
		// fields without regard to case: {"name":..,"NAME":..} would store
		// whichever came last, unseen by anything that read the first.
		return record.Errorf(record.EInvalid, "invalid JSON: key %.64q appears twice in one object (keys are compared without regard to case)", key)
	}
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

// duplicateKey finds an object key given twice in data, comparing keys the
// way encoding/json matches them to fields: by Unicode simple case folding.
// Malformed JSON is left to the decoder to report (false). The keys of an
// object are compared in place while it has few (no allocation for the
// usual record), through a map of folded keys beyond that.
func duplicateKey(data []byte) (string, bool) {
	type frame struct {
		object, wantKey bool
		first           int                 // its keys are keys[first:]
		folded          map[string]struct{} // once it has many keys
	}
	var stack []frame
	var keys []jsonKey
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '{':
			stack = append(stack, frame{object: true, wantKey: true, first: len(keys)})
		case '[':
			stack = append(stack, frame{first: len(keys)})
		case '}', ']':
			if len(stack) == 0 {
				return "", false
			}
			keys = keys[:stack[len(stack)-1].first]
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case '"':
			end, escaped := i+1, false
			for ; end < len(data) && data[end] != '"'; end++ {
				if data[end] == '\\' {
					escaped = true
					end++
				}
			}
			if end >= len(data) {
				return "", false
			}
			n := len(stack)
			if n > 0 && stack[n-1].object && stack[n-1].wantKey {
				f := &stack[n-1]
				f.wantKey = false
				k, ok := newJSONKey(data[i:end+1], escaped)
				if !ok {
					return "", false
				}
				if f.folded == nil && len(keys)-f.first >= 16 {
					f.folded = make(map[string]struct{}, 32)
					for _, old := range keys[f.first:] {
						f.folded[old.fold()] = struct{}{}
					}
				}
				if f.folded != nil {
					fk := k.fold()
					if _, seen := f.folded[fk]; seen {
						return k.text(), true
					}
					f.folded[fk] = struct{}{}
				} else {
					for _, old := range keys[f.first:] {
						if old.same(k) {
							return k.text(), true
						}
					}
				}
				keys = append(keys, k)
			}
			i = end
		}
	}
	return "", false
}

// jsonKey is an object key: its bytes when plain ASCII without escapes,
// else its decoded text.
type jsonKey struct {
	raw     []byte
	decoded string
	plain   bool
}

func newJSONKey(quoted []byte, escaped bool) (jsonKey, bool) {
	raw := quoted[1 : len(quoted)-1]
	plain := !escaped
	for i := 0; i < len(raw) && plain; i++ {
		plain = raw[i] < utf8.RuneSelf
	}
	if plain {
		return jsonKey{raw: raw, plain: true}, true
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return jsonKey{}, false
	}
	return jsonKey{decoded: s}, true
}

func (k jsonKey) text() string {
	if k.plain {
		return string(k.raw)
	}
	return k.decoded
}

func (k jsonKey) fold() string { return foldKey(k.text()) }

// same: equal under simple case folding.
func (k jsonKey) same(o jsonKey) bool {
	if k.plain && o.plain {
		return bytes.EqualFold(k.raw, o.raw)
	}
	return k.fold() == o.fold()
}

// foldKey maps every rune of s to the smallest rune of its simple case
// folding orbit, so keys equal under folding (name, NAME, and even the
// Kelvin sign for k) map to one string.
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return strings.ToUpper(s) // for ASCII the smallest of an orbit is the upper case
	}
	return strings.Map(func(r rune) rune {
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		return m
	}, s)
}
