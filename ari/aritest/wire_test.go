package aritest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// refJSON encodes o member by member with encoding/json: the bytes the
// direct encoder must reproduce.
func refJSON(t *testing.T, o obj) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.k)
		if err != nil {
			t.Fatal(err)
		}
		var v []byte
		if inner, ok := m.v.(obj); ok {
			v = refJSON(t, inner)
		} else if v, err = json.Marshal(m.v); err != nil {
			t.Fatal(err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func sampleEvent(s string) obj {
	ch := channelJSON{ID: "1795737421.72", Name: "PJSIP/pstn-" + s, State: "Ring", ProtocolID: s,
		Caller: callerJSON{Name: s, Number: "+15551234567"}, Connected: callerJSON{Name: "", Number: s},
		Dialplan:     dialplanJSON{Context: "from-pstn", Exten: s, Priority: -3, AppName: "Stasis", AppData: "callsvc," + s},
		CreationTime: "2026-11-26T23:57:01.344+0000", Language: "en"}
	return obj{{"type", "StasisStart"}, {"timestamp", "2026-11-26T23:57:01.345+0000"},
		{"args", []string{"inbound", s}}, {"cause", 16}, {"soft", true}, {"channel", ch},
		{"nested", obj{{"name", s}, {"state", "INUSE"}}}, {"bridge", bridgeJSON{ID: s, Channels: []string{}}},
		{"asterisk_id", "02:fc:00:00:00:01"}, {"application", "callsvc"}}
}

var wireStrings = []string{"", "plain", `quote " and \ slash`, "<tag> & more", "tab\tnew\nline\x01", "張先生", "bad \xff utf8", "\u2028 sep"}

// The direct encoder writes exactly what encoding/json writes, escapes
// included, so clients see the same frames as before.
func TestObjEncodingMatchesEncodingJSON(t *testing.T) {
	for _, s := range wireStrings {
		o := sampleEvent(s)
		got, err := o.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := refJSON(t, o); !bytes.Equal(got, want) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
		viaMarshal, err := json.Marshal(o)
		if err != nil || !bytes.Equal(viaMarshal, got) {
			t.Errorf("%q: json.Marshal(obj) = %s, %v; want %s", s, viaMarshal, err, got)
		}
	}
}

func FuzzObjEncoding(f *testing.F) {
	for _, s := range wireStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o := sampleEvent(s)
		got, err := o.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := refJSON(t, o); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}
