package record

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckText refuses what free text (a name, a note, a place) must never
// hold: invalid UTF-8, control characters, and the bidirectional controls
// that make text display otherwise than it reads. A multiline text (notes)
// may hold newlines and tabs; a single-line one (names) may not. max is in
// bytes (0: no limit). field names the field in the message.
func CheckText(field, s string, max int, multiline bool) error {
	switch {
	case max > 0 && len(s) > max:
		return Errorf(EInvalid, "%s: is longer than %d bytes", field, max)
	case !utf8.ValidString(s):
		return Errorf(EInvalid, "%s: is not valid UTF-8", field)
	}
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || isBidiControl(r) {
			return Errorf(EInvalid, "%s: contains a control character (U+%04X)", field, r)
		}
	}
	return nil
}

// isBidiControl: the embeddings, overrides and isolates of Unicode's
// bidirectional algorithm, which can make a name show reversed.
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// CleanText makes text from outside (a caller's name as the phone network
// gives it) fit what CheckText accepts on one line: invalid bytes and
// control characters become spaces, and it is cut to max bytes (0: no
// limit) at a character boundary. The engine cleans what it copies into a
// record, so the record is never refused for it (S4).
func CleanText(s string, max int) string {
	out := []rune(strings.ToValidUTF8(s, " "))
	for i, r := range out {
		if unicode.IsControl(r) || isBidiControl(r) {
			out[i] = ' '
		}
	}
	clean := string(out)
	if max > 0 && len(clean) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(clean[cut]) {
			cut--
		}
		clean = clean[:cut]
	}
	return clean
}
