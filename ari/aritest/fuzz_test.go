package aritest

import (
	"strings"
	"testing"
)

var bodyCases = []struct {
	name, body string
	ok         bool
}{
	{"Empty", "", true},
	{"Variables", `{"variables":{"CALLSVC_ROLE":"agent","N":1}}`, true},
	{"Params", `{"endpoint":"PJSIP/2001","timeout":30,"beep":true}`, true},
	{"TrailingComma", `{"variables": {"A": "1",}`, false},
	{"NotObject", `[1,2]`, false},
	{"Null", `null`, false},
	{"VariablesNotObject", `{"variables":[1]}`, false},
}

func TestDecodeBody(t *testing.T) {
	for _, tc := range bodyCases {
		t.Run(tc.name, func(t *testing.T) {
			vars, params, err := decodeBody([]byte(tc.body))
			if (err == nil) != tc.ok {
				t.Fatalf("err %v, want ok=%v", err, tc.ok)
			}
			if tc.name == "Variables" && (vars["CALLSVC_ROLE"] != "agent" || vars["N"] != "1") {
				t.Errorf("vars %v", vars)
			}
			if tc.name == "Params" && (params["timeout"] != "30" || params["beep"] != "true") {
				t.Errorf("params %v", params)
			}
		})
	}
}

func FuzzDecodeBody(f *testing.F) {
	for _, tc := range bodyCases {
		f.Add(tc.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		vars, params, err := decodeBody([]byte(body))
		if err != nil && (vars != nil || params != nil) {
			t.Fatalf("error %v with results %v %v", err, vars, params)
		}
		if _, bad := params["variables"]; bad {
			t.Fatal("variables leaked into params")
		}
	})
}

var stepCases = []struct {
	in       string
	app, arg string
	ok       bool
}{
	{"Answer()", "Answer", "", true},
	{"Wait(1.5)", "Wait", "1.5", true},
	{"Stasis(callsvc,agent,1.2)", "Stasis", "callsvc,agent,1.2", true},
	{"NoOp", "NoOp", "", true},
	{"NoOp(Inbound call 100 from \"A\" <+1>)", "NoOp", "Inbound call 100 from \"A\" <+1>", true},
	{"", "", "", false},
	{"Wait(1", "", "", false},
	{"(x)", "", "", false},
	{"Bad Name(x)", "", "", false},
}

func TestParseStep(t *testing.T) {
	for _, tc := range stepCases {
		st, err := parseStep(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && (st.app != tc.app || st.data != tc.arg) {
			t.Errorf("%q: got %q(%q)", tc.in, st.app, st.data)
		}
	}
}

func FuzzParseStep(f *testing.F) {
	for _, tc := range stepCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		st, err := parseStep(in)
		if err != nil {
			return
		}
		if !validAppName(st.app) {
			t.Fatalf("%q: accepted bad app name %q", in, st.app)
		}
		// What was read writes back to an equivalent entry.
		again, err := parseStep(st.app + "(" + st.data + ")")
		if err != nil || again != st {
			t.Fatalf("%q: round trip %v %v", in, again, err)
		}
		if strings.TrimSpace(in) == "" {
			t.Fatal("accepted an empty entry")
		}
	})
}

func TestDialplanValidate(t *testing.T) {
	if err := traceDialplan.Validate(); err != nil {
		t.Errorf("trace dialplan: %v", err)
	}
	for _, bad := range []Dialplan{{"100": {"Answer()"}}, {"100@x": {"Wait(1"}}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}
