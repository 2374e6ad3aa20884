package api

import (
	"strings"
	"testing"
)

// transferCases are the table of transfer bodies; the fuzz target starts
// from them.
var transferCases = []struct {
	name, body string
	ok         bool
}{
	{"BlindToPerson", `{"mode":"blind","to_staff_id":"01JSTAFFB00000000000000000","note":"要退貨"}`, true},
	{"AttendedToExtension", `{"mode":"attended","to_extension":" 3001 "}`, true},
	{"AttendedToDepartment", `{"mode":"attended","to_department":"sales"}`, true},
	{"Complete", `{"mode":"complete"}`, true},
	{"Cancel", `{"mode":"cancel"}`, true},
	{"NoMode", `{"to_extension":"3001"}`, false},
	{"UnknownMode", `{"mode":"warm","to_extension":"3001"}`, false},
	{"NoTarget", `{"mode":"blind"}`, false},
	{"TwoTargets", `{"mode":"blind","to_extension":"3001","to_department":"sales"}`, false},
	{"CompleteWithTarget", `{"mode":"complete","to_extension":"3001"}`, false},
	{"BadStaffRef", `{"mode":"blind","to_staff_id":"a b"}`, false},
	{"UnknownField", `{"mode":"blind","to_extension":"3001","priority":1}`, false},
	{"Trailing", `{"mode":"cancel"} {}`, false},
	{"NotObject", `["blind"]`, false},
	{"WrongType", `{"mode":1}`, false},
	{"Truncated", `{"mode":"bli`, false},
}

func TestDecodeTransfer(t *testing.T) {
	t.Parallel()
	for _, tc := range transferCases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := decodeTransfer([]byte(tc.body), fuzzCallID)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if req.CallID != fuzzCallID || req.ToExtension != "" && req.ToExtension != "3001" {
					t.Fatalf("request %+v", req)
				}
				return
			}
			checkInvalid(t, err)
		})
	}
}

var noteCases = []struct {
	body, want string
}{
	{`{"text":"客戶要退貨"}`, "客戶要退貨"},
	{`{"text":"  two\n lines  "}`, "two lines"},
	{`{"text":""}`, ""},
	{`{"text":"   "}`, ""},
	{`{}`, ""},
	{`{"text":"a","by":"me"}`, ""},
	{`{"text":5}`, ""},
	{`null`, ""},
}

func TestDecodeNote(t *testing.T) {
	t.Parallel()
	for _, tc := range noteCases {
		got, err := decodeNote([]byte(tc.body))
		if tc.want == "" {
			checkInvalid(t, err)
			continue
		}
		if err != nil || got != tc.want {
			t.Fatalf("%s: %q, %v; want %q", tc.body, got, err, tc.want)
		}
	}
}

// Bad transfer bodies are EInvalid, good ones validate; nothing panics.
func FuzzDecodeTransfer(f *testing.F) {
	for _, tc := range transferCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req, err := decodeTransfer([]byte(body), fuzzCallID)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if err := req.Validate(); err != nil {
			t.Fatalf("accepted a request that does not validate: %v", err)
		}
		if req.CallID != fuzzCallID {
			t.Fatal("call id lost")
		}
	})
}

// Notes come out trimmed, one line, 1..2000 bytes, or EInvalid.
func FuzzDecodeNote(f *testing.F) {
	for _, tc := range noteCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		text, err := decodeNote([]byte(body))
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if text == "" || len(text) > 2000 || text != strings.TrimSpace(text) {
			t.Fatalf("note %q", text)
		}
		for _, r := range text {
			if r == '\n' || r == '\r' {
				t.Fatalf("note keeps a line break: %q", text)
			}
		}
	})
}
