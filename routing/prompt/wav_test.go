package prompt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"
)

// wavHeader builds a header for the table and fuzz seeds.
func wavHeader(rate uint32, channels, bits uint16, data uint32, extra []byte) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+len(extra)+int(data)))
	b.WriteString("WAVE")
	if extra != nil {
		b.WriteString("LIST")
		binary.Write(&b, binary.LittleEndian, uint32(len(extra)))
		b.Write(extra)
	}
	b.WriteString("fmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, uint16(1))
	binary.Write(&b, binary.LittleEndian, channels)
	binary.Write(&b, binary.LittleEndian, rate)
	binary.Write(&b, binary.LittleEndian, rate*uint32(channels)*uint32(bits)/8)
	binary.Write(&b, binary.LittleEndian, channels*bits/8)
	binary.Write(&b, binary.LittleEndian, bits)
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, data)
	return b.Bytes()
}

func TestReadWAVInfo(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		ready   bool
		dur     time.Duration
		wantErr bool
	}{
		{"AsteriskReady", wavHeader(8000, 1, 16, 16000, nil), true, time.Second, false},
		{"SkipsListChunk", wavHeader(8000, 1, 16, 8000, []byte("INFOab")), true, 500 * time.Millisecond, false},
		{"WrongRateNotReady", wavHeader(22050, 1, 16, 44100, nil), false, time.Second, false},
		{"StereoNotReady", wavHeader(8000, 2, 16, 32000, nil), false, time.Second, false},
		{"NotRIFF", []byte("OggS\x00\x00\x00\x00WAVE"), false, 0, true},
		{"Truncated", wavHeader(8000, 1, 16, 0, nil)[:30], false, 0, true},
		{"Empty", nil, false, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := ReadWAVInfo(bytes.NewReader(tc.in))
			if tc.wantErr {
				if !errors.Is(err, ErrNotWAV) {
					t.Fatalf("err = %v, want ErrNotWAV", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.AsteriskReady() != tc.ready || info.Duration() != tc.dur {
				t.Fatalf("info = %+v ready=%v dur=%v", info, info.AsteriskReady(), info.Duration())
			}
		})
	}
}

func FuzzReadWAVInfo(f *testing.F) {
	f.Add(wavHeader(8000, 1, 16, 16000, nil))
	f.Add(wavHeader(8000, 1, 16, 8000, []byte("INFOab")))
	f.Add(wavHeader(22050, 2, 8, 10, nil))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVEfmt \xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := ReadWAVInfo(bytes.NewReader(b))
		if err != nil {
			if !errors.Is(err, ErrNotWAV) {
				t.Fatalf("error not wrapping ErrNotWAV: %v", err)
			}
			return
		}
		_ = info.Duration() // must not panic (zero channels, zero rate)
	})
}
