package apitest

import (
	"bytes"
	"encoding/binary"
)

// WAV is a mono 8 kHz 16-bit PCM WAV of n samples, as Asterisk's wav format
// records them, with a LIST chunk before the data as some tools write (the
// API must skip it); seed varies the samples.
func WAV(n int, seed byte) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	list := []byte("INFOISFT\x06\x00\x00\x00tests\x00")
	b.WriteString("RIFF")
	le(uint32(4 + 8 + 16 + 8 + len(list) + 8 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(8000))
	le(uint32(16000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("LIST")
	le(uint32(len(list)))
	b.Write(list)
	b.WriteString("data")
	le(uint32(2 * n))
	for i := range n {
		le(int16(int(seed)*97 + i*31))
	}
	return b.Bytes()
}
