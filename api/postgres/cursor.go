package postgres

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"time"
	"unicode/utf8"
)

// A call-log cursor is the (arrived_at, id) of the last row of a page:
// base64url of a version byte, the time in Unix microseconds (PostgreSQL's
// precision) and the id. It is opaque to clients; a damaged one is EInvalid.
const cursorVersion = 1

func encodeCallCursor(at time.Time, id string) string {
	b := make([]byte, 9, 9+len(id))
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(at.UnixMicro()))
	b = append(b, id...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCallCursor(s string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 10 || b[0] != cursorVersion {
		return time.Time{}, "", invalid("cursor: not a cursor from this call log")
	}
	id := b[9:]
	if !validID(id) {
		return time.Time{}, "", invalid("cursor: not a cursor from this call log")
	}
	return time.UnixMicro(int64(binary.BigEndian.Uint64(b[1:9]))).UTC(), string(id), nil
}

// Customer and staff lists page by id; their cursor is the last id, encoded
// so clients do not build them.
func encodeIDCursor(id string) string {
	return base64.RawURLEncoding.EncodeToString(append([]byte{cursorVersion}, id...))
}

func decodeIDCursor(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || b[0] != cursorVersion || !validID(b[1:]) {
		return "", invalid("cursor: not a cursor from this list")
	}
	return string(b[1:]), nil
}

// validID accepts what PostgreSQL can store in a text id: UTF-8 without NUL,
// and not absurdly long.
func validID(b []byte) bool {
	return len(b) > 0 && len(b) <= 200 && utf8.Valid(b) && bytes.IndexByte(b, 0) < 0
}
