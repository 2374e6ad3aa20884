package prompt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// WAVInfo is what Asterisk cares about in a sound file's header.
type WAVInfo struct {
	Format        uint16 // 1 = PCM
	Channels      uint16
	SampleRate    uint32
	BitsPerSample uint16
	DataBytes     uint32
}

// Duration is the play time of the data chunk.
func (w WAVInfo) Duration() time.Duration {
	frame := uint64(w.Channels) * uint64(w.BitsPerSample) / 8
	if frame == 0 || w.SampleRate == 0 {
		return 0
	}
	frames := uint64(w.DataBytes) / frame
	return time.Duration(frames * uint64(time.Second) / uint64(w.SampleRate))
}

// AsteriskReady reports whether Asterisk plays the file as 8 kHz slin
// without transcoding: PCM, 8000 Hz, mono, 16 bit.
func (w WAVInfo) AsteriskReady() bool {
	return w.Format == 1 && w.SampleRate == 8000 && w.Channels == 1 && w.BitsPerSample == 16
}

// ErrNotWAV is returned for input that is not a RIFF/WAVE file.
var ErrNotWAV = errors.New("not a RIFF WAVE file")

// ReadWAVInfo parses a WAV header up to the start of the data chunk,
// skipping chunks it does not know (LIST, fact...). It reads at most the
// header, never the samples.
func ReadWAVInfo(r io.Reader) (WAVInfo, error) {
	var info WAVInfo
	var riff [12]byte
	if _, err := io.ReadFull(r, riff[:]); err != nil {
		return info, fmt.Errorf("read riff header: %w", ErrNotWAV)
	}
	if string(riff[0:4]) != "RIFF" || string(riff[8:12]) != "WAVE" {
		return info, ErrNotWAV
	}
	sawFmt := false
	// A real header has a handful of chunks; the bound stops a crafted
	// file from keeping us reading forever.
	for range 64 {
		var hdr [8]byte
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return info, fmt.Errorf("read chunk header: %w", ErrNotWAV)
		}
		id := string(hdr[0:4])
		size := binary.LittleEndian.Uint32(hdr[4:8])
		switch id {
		case "fmt ":
			if size < 16 || size > 1<<16 {
				return info, fmt.Errorf("fmt chunk of %d bytes: %w", size, ErrNotWAV)
			}
			buf := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, buf); err != nil {
				return info, fmt.Errorf("read fmt chunk: %w", ErrNotWAV)
			}
			info.Format = binary.LittleEndian.Uint16(buf[0:2])
			info.Channels = binary.LittleEndian.Uint16(buf[2:4])
			info.SampleRate = binary.LittleEndian.Uint32(buf[4:8])
			info.BitsPerSample = binary.LittleEndian.Uint16(buf[14:16])
			sawFmt = true
		case "data":
			if !sawFmt {
				return info, fmt.Errorf("data before fmt: %w", ErrNotWAV)
			}
			info.DataBytes = size
			return info, nil
		default:
			skip := int64(size) + int64(size%2)
			if _, err := io.CopyN(io.Discard, r, skip); err != nil {
				return info, fmt.Errorf("skip %q chunk: %w", id, ErrNotWAV)
			}
		}
	}
	return info, fmt.Errorf("too many chunks before data: %w", ErrNotWAV)
}
