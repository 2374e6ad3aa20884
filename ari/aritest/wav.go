package aritest

import "encoding/binary"

const wavHeaderLen = 44

// wavFile wraps 8 kHz 16-bit mono PCM in a RIFF/WAVE header, the format
// Asterisk stores "wav" recordings in.
func wavFile(pcm []byte) []byte {
	b := make([]byte, wavHeaderLen, wavHeaderLen+len(pcm))
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+len(pcm)))
	copy(b[8:], "WAVE")
	copy(b[12:], "fmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)     // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], 1)      // PCM
	binary.LittleEndian.PutUint16(b[22:], 1)      // mono
	binary.LittleEndian.PutUint32(b[24:], 8000)   // sample rate
	binary.LittleEndian.PutUint32(b[28:], 8000*2) // byte rate
	binary.LittleEndian.PutUint16(b[32:], 2)      // block align
	binary.LittleEndian.PutUint16(b[34:], 16)     // bits per sample
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(len(pcm)))
	return append(b, pcm...)
}
