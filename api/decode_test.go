package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

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

// BenchmarkDecodeCallBatch: a batch of 1000 calls as the engine sends it,
// through the duplicate-key scan and the strict decode.
func BenchmarkDecodeCallBatch(b *testing.B) {
	at := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	calls := make([]record.Call, 1000)
	for i := range calls {
		end := at.Add(time.Minute)
		calls[i] = record.Call{ID: ulid.MustNew(ulid.Timestamp(at), ulid.DefaultEntropy()).String(), Node: "pbx1",
			ChannelID: "pbx1-1.1", CallerNumber: "+8613812345678", CallerName: "張三", Intent: record.IntentOrder,
			Outcome: record.OutcomeConnected, ArrivedAt: at, EndedAt: &end, StaffIDs: []string{"s1"}, UpdatedAt: end}
	}
	data, err := json.Marshal(calls)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("DuplicateKeyScan", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, dup := duplicateKey(data); dup {
				b.Fatal("duplicate")
			}
		}
	})
	b.Run("DecodeCalls", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		now := at.Add(time.Hour)
		for b.Loop() {
			if _, err := decodeCalls(data, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var duplicateKeyCases = []struct {
	in  string
	dup bool
}{
	{`{"a":1,"b":2}`, false},
	{`{"a":1,"a":2}`, true},
	{`{"name":1,"NAME":2}`, true},
	{`{"name":1,"n\u0061me":2}`, true},
	{`{"sk":1,"s\u212a":2}`, true}, // the Kelvin sign folds to k
	{`{"s":1,"\u017f":2}`, true},   // so does the long s to s
	{`{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, false},
	{`{"a":{"b":1,"B":2}}`, true},
	{`[{"x":1},{"x":2}]`, false},
	{`{"a":"a","b":"a"}`, false},
	{`{"a\"b":1,"A\"B":2}`, true},
	{`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"K3":3}`, true},
	{`{"a":1,`, false},
	{`"a"`, false},
}

func TestDuplicateKey(t *testing.T) {
	for _, tc := range duplicateKeyCases {
		if _, dup := duplicateKey([]byte(tc.in)); dup != tc.dup {
			t.Errorf("%s: duplicate = %v, want %v", tc.in, dup, tc.dup)
		}
	}
}

// FuzzDuplicateKey: on valid JSON the scan agrees with a walk of the
// decoder's tokens that folds every key.
func FuzzDuplicateKey(f *testing.F) {
	for _, tc := range duplicateKeyCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		_, got := duplicateKey([]byte(in))
		if !json.Valid([]byte(in)) {
			return
		}
		if want := refDuplicateKey(t, in); got != want {
			t.Fatalf("%q: duplicate = %v, the decoder's tokens say %v", in, got, want)
		}
	})
}

func refDuplicateKey(t *testing.T, in string) bool {
	dec := json.NewDecoder(strings.NewReader(in))
	type frame struct {
		object, wantKey bool
		keys            map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if s, ok := tok.(string); ok && top != nil && top.object && top.wantKey {
			k := foldKey(s)
			if top.keys[k] {
				return true
			}
			top.keys[k], top.wantKey = true, false
			continue
		}
		if top != nil && top.object {
			top.wantKey = true // a value ends here unless it opens a container
		}
		switch tok {
		case json.Delim('{'):
			if top != nil && top.object {
				top.wantKey = false
			}
			stack = append(stack, &frame{object: true, wantKey: true, keys: map[string]bool{}})
		case json.Delim('['):
			if top != nil && top.object {
				top.wantKey = false
			}
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if len(stack) > 0 && stack[len(stack)-1].object {
				stack[len(stack)-1].wantKey = true
			}
		}
	}
}
