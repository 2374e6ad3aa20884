package ari

import (
	"bytes"
	"fmt"
	"time"
)

// TimeLayout is how Asterisk writes timestamps: milliseconds and an offset
// without a colon, which time.RFC3339 refuses.
const TimeLayout = "2006-01-02T15:04:05.000-0700"

// Time is a timestamp as ARI writes it. It parses Asterisk's layout (and
// tolerates RFC 3339, which other ARI servers may send) and encodes back in
// Asterisk's layout, so a decoded value re-encodes to the same text.
type Time struct {
	time.Time
}

// MarshalJSON writes t in TimeLayout; the zero time becomes "".
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	b := make([]byte, 0, len(TimeLayout)+2)
	b = append(b, '"')
	b = t.AppendFormat(b, TimeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts TimeLayout, RFC 3339, "" and null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("ari time: not a JSON string: %.40q", b)
	}
	parsed, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// ParseTime parses an ARI timestamp ("" gives the zero Time).
func ParseTime(s string) (Time, error) {
	if s == "" {
		return Time{}, nil
	}
	if v, err := time.Parse(TimeLayout, s); err == nil {
		return Time{v}, nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Time{}, fmt.Errorf("ari time: %q is neither %s nor RFC 3339", s, TimeLayout)
	}
	return Time{v}, nil
}

// String formats t in TimeLayout.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Format(TimeLayout)
}
