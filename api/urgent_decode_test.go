package api

import "testing"

// urgentCases are the table of urgent answers; the fuzz target starts
// from them.
var urgentCases = []struct {
	name, body string
	ok, accept bool
}{
	{"Accept", `{"answer":"accept"}`, true, true},
	{"Decline", `{"answer":"decline"}`, true, false},
	{"SpacesTrimmed", `{"answer":" accept "}`, true, true},
	{"Missing", `{}`, false, false},
	{"Other", `{"answer":"yes"}`, false, false},
	{"Uppercase", `{"answer":"ACCEPT"}`, false, false},
	{"UnknownField", `{"answer":"accept","staff_id":"x"}`, false, false},
	{"NotAnObject", `["accept"]`, false, false},
	{"Trailing", `{"answer":"accept"}{}`, false, false},
	{"Empty", ``, false, false},
}

func TestDecodeUrgent(t *testing.T) {
	for _, tc := range urgentCases {
		t.Run(tc.name, func(t *testing.T) {
			accept, answer, err := decodeUrgent([]byte(tc.body))
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil {
				checkInvalid(t, err)
				return
			}
			if accept != tc.accept || (answer != "accept" && answer != "decline") {
				t.Fatalf("accept %v answer %q", accept, answer)
			}
		})
	}
}

// An answer is accept or decline, or EInvalid; never anything else.
func FuzzDecodeUrgent(f *testing.F) {
	for _, tc := range urgentCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		accept, answer, err := decodeUrgent([]byte(body))
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if (answer == "accept") != accept || (answer != "accept" && answer != "decline") {
			t.Fatalf("accept %v answer %q from %q", accept, answer, body)
		}
	})
}
