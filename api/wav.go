package api

import (
	"encoding/binary"
	"time"

	"callsvc/api/record"
)

// WAVInfo is what a WAV header says about its audio.
type WAVInfo struct {
	Format        uint16 // 1 PCM, 6 A-law, 7 µ-law
	Channels      uint16
	SampleRate    uint32
	BitsPerSample uint16
	DataBytes     uint32
}

// Duration is how long the audio plays.
func (w WAVInfo) Duration() time.Duration {
	rate := uint64(w.SampleRate) * uint64(w.Channels) * uint64(max(w.BitsPerSample/8, 1))
	if rate == 0 {
		return 0
	}
	return time.Duration(uint64(w.DataBytes) * uint64(time.Second) / rate)
}

// parseWAV checks that b is a RIFF/WAVE file as Asterisk records them: a
// "fmt " chunk with a format we can play, then a "data" chunk that fits in
// the file. Chunks in between (LIST, fact) are skipped.
func parseWAV(b []byte) (WAVInfo, error) {
	bad := func(format string, args ...any) (WAVInfo, error) {
		return WAVInfo{}, record.Errorf(record.EInvalid, "audio: not a usable WAV file: "+format, args...)
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return bad("no RIFF/WAVE header")
	}
	var info WAVInfo
	haveFmt := false
	for off := 12; ; {
		if len(b)-off < 8 {
			return bad("no data chunk")
		}
		id, size := string(b[off:off+4]), binary.LittleEndian.Uint32(b[off+4:off+8])
		off += 8
		if uint64(size) > uint64(len(b)-off) {
			return bad("chunk %q is longer than the file", id)
		}
		body := b[off : off+int(size)]
		switch id {
		case "fmt ":
			if size < 16 {
				return bad("fmt chunk is too short")
			}
			info.Format = binary.LittleEndian.Uint16(body[0:2])
			info.Channels = binary.LittleEndian.Uint16(body[2:4])
			info.SampleRate = binary.LittleEndian.Uint32(body[4:8])
			info.BitsPerSample = binary.LittleEndian.Uint16(body[14:16])
			switch {
			case info.Format != 1 && info.Format != 6 && info.Format != 7:
				return bad("format %d is not PCM, A-law or µ-law", info.Format)
			case info.Channels < 1 || info.Channels > 2:
				return bad("%d channels", info.Channels)
			case info.SampleRate < 8000 || info.SampleRate > 48000:
				return bad("sample rate %d Hz", info.SampleRate)
			case info.BitsPerSample != 8 && info.BitsPerSample != 16:
				return bad("%d bits per sample", info.BitsPerSample)
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return bad("data before the fmt chunk")
			}
			info.DataBytes = size
			return info, nil
		}
		off += int(size) + int(size&1) // chunks are padded to even sizes
	}
}
