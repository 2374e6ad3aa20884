package api

import (
	"strings"
	"testing"

	"callsvc/api/record"
)

func TestDecodeStrictMessages(t *testing.T) {
	type body struct {
		N  int    `json:"n"`
		At string `json:"at"`
	}
	type withTime struct {
		record.Event
	}
	for _, tc := range []struct {
		name, in, want string
		dst            any
	}{
		{"Syntax", `{"n" 1}`, "invalid JSON at byte", &body{}},
		{"WrongType", `{"n":"one"}`, "n must be a number, not string", &body{}},
		{"UnknownField", `{"m":1}`, `unknown field "m"`, &body{}},
		{"Trailing", `{"n":1} x`, "unexpected data after the JSON value", &body{}},
		{"Truncated", `{"n":`, "ends early", &body{}},
		{"BadTime", `{"at":"yesterday"}`, "RFC 3339", &withTime{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeStrict([]byte(tc.in), tc.dst)
			if record.ErrorCode(err) != record.EInvalid || !strings.Contains(record.ErrorMessage(err), tc.want) {
				t.Errorf("%q: %v, want EInvalid mentioning %q", tc.in, err, tc.want)
			}
		})
	}
}
