package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// pathULID reads the path's {id} where it names a call or a message, which
// are always ULIDs.
func pathULID(r *http.Request) (string, error) {
	id := chi.URLParam(r, "id")
	if !isULID(id) {
		return "", invalid("id", "must be a ULID")
	}
	return id, nil
}

// pathRef reads the path's {id} where it names a staff member or a
// customer (see isRef).
func pathRef(r *http.Request) (string, error) {
	id := chi.URLParam(r, "id")
	if !isRef(id) {
		return "", invalid("id", "is not a valid id")
	}
	return id, nil
}

// readJSON reads the JSON request body (at most limit bytes, see readBody)
// and hands it to decode, which checks it and builds the value.
func readJSON[T any](w http.ResponseWriter, r *http.Request, limit int64, decode func([]byte) (T, error)) (T, error) {
	data, err := readBody(w, r, limit)
	if err != nil {
		var zero T
		return zero, err
	}
	return decode(data)
}
