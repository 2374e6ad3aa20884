package api

import (
	"encoding/binary"
	"encoding/json"
	"testing"
	"time"

	"callsvc/api/record"
)

const fuzzStaff = "01JAGENT000000000000000000"

// presenceSeeds are the table cases of PUT /v1/staff/{id}/presence.
var presenceSeeds = []string{
	`{"status":"available"}`,
	`{"status":"out","where":"浦東倉庫","back_at":"2026-11-27T06:00:00Z","note":"盤點"}`,
	`{"status":"out","back_at":"2026-11-26T06:00:00Z"}`,
	`{"status":"event","where":"年會"}`,
	`{"status":"meeting","back_at":"2026-11-27T06:00:00Z"}`,
	`{"status":"available","where":"home"}`,
	`{"status":"available","working_hours":{"timezone":"Asia/Shanghai","weekly":[{"day":"mon","start":"09:00","end":"18:00"}]}}`,
	`{"status":"available","working_hours":{"timezone":"Mars/Base","weekly":[{"day":"mon","start":"09:00","end":"18:00"}]}}`,
	`{"status":"available","working_hours":{"timezone":"UTC","weekly":[{"day":"mon","start":"18:00","end":"09:00"}]}}`,
	`{"status":"available","working_hours":{}}`,
	`{"status":"lunch"}`, `{"status":"on_call"}`, `{}`, `{"status":1}`, `{"status":"out","until":"3pm"}`,
	`{"status":"available"} {}`, `[]`, `null`, `{`,
}

func FuzzPresenceBody(f *testing.F) {
	for _, s := range presenceSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePresence(data, fuzzStaff, fuzzNow)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		// What is accepted is a settable status with consistent fields.
		switch {
		case !record.IsPresenceStatus(p.Status):
			t.Fatalf("accepted status %q", p.Status)
		case p.BackAt != nil && (p.Status != record.PresenceOut || !p.BackAt.After(fuzzNow)):
			t.Fatalf("accepted back_at %v with status %s", p.BackAt, p.Status)
		case p.Where != "" && p.Status != record.PresenceOut && p.Status != record.PresenceEvent:
			t.Fatalf("accepted where with status %s", p.Status)
		case p.StaffID != fuzzStaff:
			t.Fatalf("staff id %q", p.StaffID)
		}
		if wh := p.WorkingHours; wh != nil && len(wh.Weekly) > 0 {
			if _, err := wh.Validate(); err != nil {
				t.Fatalf("accepted hours that do not validate: %v", err)
			}
		}
		// And it reads back the same.
		in := PresenceInput{Status: p.Status, Where: p.Where, BackAt: p.BackAt, Note: p.Note, WorkingHours: p.WorkingHours}
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodePresence(b, fuzzStaff, fuzzNow)
		if err != nil {
			t.Fatalf("re-decode %s: %v", b, err)
		}
		b2, _ := json.Marshal(again)
		b1, _ := json.Marshal(p)
		if string(b1) != string(b2) {
			t.Fatalf("round trip changed it:\n%s\n%s", b1, b2)
		}
	})
}

// testWAV is a minimal mono 8 kHz 16-bit PCM file of n samples.
func testWAV(n int) []byte {
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], 8000)
	binary.LittleEndian.PutUint32(b[28:], 16000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	return b
}

func TestParseWAV(t *testing.T) {
	info, err := parseWAV(testWAV(12000))
	if err != nil {
		t.Fatal(err)
	}
	if info.Duration() != 1500*time.Millisecond || info.SampleRate != 8000 || info.DataBytes != 24000 {
		t.Errorf("info %+v, duration %v", info, info.Duration())
	}
	odd := testWAV(10)
	binary.LittleEndian.PutUint32(odd[16:], 17) // an odd fmt chunk, padded, swallows the data header
	if _, err := parseWAV(odd); err == nil {
		t.Error("a misaligned chunk list was accepted")
	}
}

func FuzzWAVHeader(f *testing.F) {
	f.Add(testWAV(0))
	f.Add(testWAV(100))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEdata\xff\xff\xff\xff"))
	f.Add([]byte("ID3\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := parseWAV(b)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if int(info.DataBytes) > len(b)-44 || info.SampleRate < 8000 || info.Channels == 0 {
			t.Fatalf("accepted %+v from %d bytes", info, len(b))
		}
		_ = info.Duration()
	})
}
