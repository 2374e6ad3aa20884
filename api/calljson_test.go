package api

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/record"
)

// jsonOddities are strings that exercise every escaping rule: quotes and
// backslashes, control characters, HTML-sensitive bytes, invalid UTF-8,
// the JavaScript line separators, DEL, and Chinese and other multi-byte text.
var jsonOddities = []string{
	"", "a", `"`, `\`, `"quoted" \path\`, "\b\f\n\r\t", "\x00\x01\x1f\x7f",
	"<script>&amp;</script>", "張先生, 您好", "對不起, 讓您久等了", "謝謝您打電話來 🙂",
	"\xff", "ab\xc3", "\xe5\xbc", "\xed\xa0\x80", "x\u2028y\u2029z", "\u2027\u202a",
	"+8613800138000", "PJSIP/2001-0000000a", "ü\u00e9\u0301", "\ufffd", "\U0010ffff",
}

// genCall is a random call: any field may be empty, nil or zero, strings
// mix the oddities above with random bytes and runes.
func genCall(rng *rand.Rand) record.Call {
	str := func() string {
		switch rng.IntN(4) {
		case 0:
			return ""
		case 1:
			return jsonOddities[rng.IntN(len(jsonOddities))]
		case 2:
			b := make([]byte, rng.IntN(12))
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
			return string(b)
		default:
			var sb strings.Builder
			for range rng.IntN(8) {
				sb.WriteString(jsonOddities[rng.IntN(len(jsonOddities))])
				sb.WriteRune(rune(rng.IntN(0x3000)))
			}
			return sb.String()
		}
	}
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("odd", -(3*3600 + 30*60 + 15))}
	tm := func() time.Time {
		if rng.IntN(8) == 0 {
			return time.Time{}
		}
		t := time.Unix(rng.Int64N(1<<35)-1<<34, rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))])
		if rng.IntN(3) == 0 {
			t = t.Truncate(time.Second) // no fraction at all
		}
		return t
	}
	optTime := func() *time.Time {
		if rng.IntN(3) == 0 {
			return nil
		}
		t := tm()
		return &t
	}
	num := func() int {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return math.MaxInt32 - rng.IntN(3)
		case 2:
			return -rng.IntN(1000)
		default:
			return rng.IntN(100000)
		}
	}
	c := record.Call{
		ID: str(), Node: str(), ChannelID: str(), CallerNumber: str(), CallerName: str(),
		CustomerID: str(), DialedNumber: str(), Language: str(), Intent: str(), OwnerStaffID: str(),
		Outcome: str(), EndedBy: str(), ArrivedAt: tm(), AnsweredAt: optTime(), EndedAt: optTime(),
		RingsToAnswer: num(), AnswerMS: num(), TalkSeconds: num(),
		Transferred: rng.IntN(2) == 0, MessageTaken: rng.IntN(2) == 0, Notes: str(), UpdatedAt: tm(),
	}
	switch rng.IntN(3) {
	case 0: // nil
	case 1:
		c.StaffIDs = []string{} // empty but not nil: omitted as well
	default:
		for range 1 + rng.IntN(4) {
			c.StaffIDs = append(c.StaffIDs, str())
		}
	}
	return c
}

// checkSameJSON fails unless appendCallPage writes exactly what
// json.Marshal writes for p, and both decode to the same value.
func checkSameJSON(t *testing.T, p record.CallPage) {
	t.Helper()
	want, wantErr := json.Marshal(p)
	got, gotErr := appendCallPage(nil, &p)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("errors differ: encoding/json %v, ours %v", wantErr, gotErr)
	}
	if wantErr != nil {
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("bytes differ:\nours: %s\njson: %s", got, want)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("ours is not valid JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(b, a); d != "" {
		t.Fatalf("decoded values differ (-json +ours):\n%s", d)
	}
	var back record.CallPage
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("ours does not decode as a CallPage: %v", err)
	}
}

func TestCallPageJSONMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 11, 27, 1, 2, 3, 400500600, time.UTC)
	for _, tc := range []struct {
		name string
		page record.CallPage
	}{
		{"NilCalls", record.CallPage{}},
		{"EmptyCalls", record.CallPage{Calls: []record.Call{}}},
		{"ZeroCall", record.CallPage{Calls: []record.Call{{}}}},
		{"CursorOnly", record.CallPage{Calls: []record.Call{}, NextCursor: "MjAyNi0xMS0yN1QwMTowMjowM1o"}},
		{"ChineseCaller", record.CallPage{Calls: []record.Call{{
			ID: "01JDQ0000000000000000000000", CallerName: "張先生", Notes: "投訴: 對不起, 請稍等\n第二行",
			StaffIDs: []string{"s1", "s2"}, ArrivedAt: at, AnsweredAt: &at, UpdatedAt: at,
		}}}},
		{"EscapesEverywhere", record.CallPage{Calls: []record.Call{{
			ID: "<&>", Node: "\"\\", Notes: "\x00\u2028\xff\t", StaffIDs: []string{"", "\u2029"},
			ArrivedAt: at.In(time.FixedZone("", 5*3600+45*60)), EndedAt: &time.Time{},
		}}}},
		{"YearTooLarge", record.CallPage{Calls: []record.Call{{ArrivedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
		{"YearNegative", record.CallPage{Calls: []record.Call{{UpdatedAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
		{"OffsetTooLarge", record.CallPage{Calls: []record.Call{{ArrivedAt: at.In(time.FixedZone("", 24*3600))}}}},
		{"OffsetJustInRange", record.CallPage{Calls: []record.Call{{ArrivedAt: at.In(time.FixedZone("", -(24*3600 - 1)))}}}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkSameJSON(t, tc.page) })
	}
}

func TestCallPageJSONGeneratedCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 400 {
		p := record.CallPage{Calls: make([]record.Call, rng.IntN(20))}
		for i := range p.Calls {
			p.Calls[i] = genCall(rng)
		}
		if rng.IntN(2) == 0 {
			p.NextCursor = jsonOddities[rng.IntN(len(jsonOddities))]
		}
		checkSameJSON(t, p)
	}
}

func TestJSONStringEveryByteAndRune(t *testing.T) {
	for c := range 256 {
		s := string([]byte{byte(c)})
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("byte %#x: ours %s, json %s", c, got, want)
		}
	}
	for r := rune(0x80); r <= 0x10ffff; r += 7 {
		s := "a" + string(r) + "b"
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("rune %U: ours %s, json %s", r, got, want)
		}
	}
}

// FuzzCallPageJSON checks the encoder against encoding/json for arbitrary
// strings, numbers and times, seeded from the oddities above.
func FuzzCallPageJSON(f *testing.F) {
	for i, s := range jsonOddities {
		f.Add(s, jsonOddities[(i+1)%len(jsonOddities)], int64(i)*1e15, int64(i*3600), i-3, i%2 == 0)
	}
	f.Add("", "", int64(math.MaxInt64), int64(-24*3600), math.MinInt32, true)
	f.Fuzz(func(t *testing.T, s1, s2 string, nanos, offset int64, n int, flag bool) {
		at := time.Unix(0, nanos).In(time.FixedZone("", int(offset%(48*3600))))
		c := record.Call{
			ID: s1, CallerName: s2, Notes: s1 + s2, StaffIDs: []string{s2, s1}, ArrivedAt: at,
			RingsToAnswer: n, AnswerMS: -n, TalkSeconds: n / 3, Transferred: flag, UpdatedAt: at.UTC(),
		}
		if flag {
			c.AnsweredAt, c.StaffIDs = &at, nil
		}
		checkSameJSON(t, record.CallPage{Calls: []record.Call{c, {}}, NextCursor: s2})
	})
}

// benchPage is a realistic full page: 50 calls as the seeded call log has
// them, with a Chinese caller name and a note on some.
func benchPage() record.CallPage {
	at := time.Date(2026, 5, 1, 9, 30, 0, 123456000, time.UTC)
	p := record.CallPage{Calls: make([]record.Call, 50), NextCursor: "MjAyNi0wNS0wMVQwOTozMDowMC4xMjM0NTZaLDAxSkRRMA"}
	for i := range p.Calls {
		ans, end := at.Add(3*time.Second), at.Add(3*time.Minute)
		p.Calls[i] = record.Call{
			ID: "01JDQ0A1B2C3D4E5F6G7H8J9K0", Node: "asterisk-01", ChannelID: "1732669323.1234",
			CallerNumber: "+8613800138000", CallerName: "張先生", DialedNumber: "+862150001000",
			Language: "zh", Intent: record.IntentOrder, OwnerStaffID: "seed-staff-03",
			StaffIDs: []string{"seed-staff-03", "seed-staff-07"}, Outcome: record.OutcomeConnected,
			EndedBy: "caller", ArrivedAt: at, AnsweredAt: &ans, EndedAt: &end, RingsToAnswer: 1,
			AnswerMS: 850, TalkSeconds: 177, Transferred: i%3 == 0, UpdatedAt: end,
		}
		if i%4 == 0 {
			p.Calls[i].Notes = "客戶要求補貨, 下週二前送達 \"急\""
		}
	}
	return p
}

func BenchmarkCallPageJSON(b *testing.B) {
	p := benchPage()
	b.Run("Ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf := getJSONBuffer()
			out, err := appendCallPage(*buf, &p)
			if err != nil {
				b.Fatal(err)
			}
			*buf = out
			b.SetBytes(int64(len(out)))
			putJSONBuffer(buf)
		}
	})
	b.Run("EncodingJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			out, err := json.Marshal(p)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(out)))
		}
	})
}

func TestJSONTimeMatchesMarshalJSON(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("", 8*3600), time.FixedZone("", -(9*3600 + 30*60 + 59)),
		time.FixedZone("", 23*3600+59*60), time.FixedZone("", -(24*3600 - 1)), time.FixedZone("", 24*3600)}
	check := func(tm time.Time) {
		t.Helper()
		want, wantErr := tm.MarshalJSON()
		got, gotErr := appendJSONTime(nil, tm)
		if (wantErr != nil) != (gotErr != nil) || (wantErr == nil && !bytes.Equal(got, want)) {
			t.Fatalf("%v: ours %s (%v), MarshalJSON %s (%v)", tm, got, gotErr, want, wantErr)
		}
	}
	for _, tm := range []time.Time{
		{}, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 2, 29, 12, 0, 0, 1, time.UTC),
		time.Date(-1, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(-1, 5e8).UTC(), time.Unix(0, 0).UTC(),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2000, 2, 29, 0, 0, 0, 100, time.UTC),
		time.Date(2100, 2, 28, 23, 59, 59, 0, time.UTC), time.Date(2100, 3, 1, 0, 0, 0, 0, time.UTC),
	} {
		for _, z := range zones {
			check(tm.In(z))
		}
	}
	// Every 4 days and a bit, across the whole range and past both ends,
	// in every zone, with varying fractions.
	const (
		minRFC3339Sec = -62167219200 // 0000-01-01T00:00:00Z
		maxRFC3339Sec = 253402300799 // 9999-12-31T23:59:59Z
	)
	rng := rand.New(rand.NewPCG(3, 4))
	for sec := int64(minRFC3339Sec - 3*86400); sec < maxRFC3339Sec+3*86400; sec += 4*86400 + 3607 {
		check(time.Unix(sec, rng.Int64N(1e9)>>(rng.IntN(4)*10)).In(zones[rng.IntN(len(zones))]))
	}
}
