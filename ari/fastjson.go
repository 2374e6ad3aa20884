package ari

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The fast path for decoding events. encoding/json costs ~7 µs and ~29
// allocations for a StasisStart, and under load (500 call setups a second)
// it was 8% of the process's CPU; events arrive for every key press and
// state change of every call. So frames are read here, by each type's plan
// (plan.go), straight from one string that all decoded strings share.
// Anything unexpected (an unknown key, null, escapes that need care, a
// number that is not a plain integer) makes the fast path give up, and
// DecodeEvent decodes the frame again with encoding/json, so results never
// differ (a test and the fuzzer compare the two).

type lexer struct {
	s string
	i int
}

func (l *lexer) ws() {
	for l.i < len(l.s) {
		switch l.s[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

func (l *lexer) eat(c byte) bool {
	l.ws()
	if l.i < len(l.s) && l.s[l.i] == c {
		l.i++
		return true
	}
	return false
}

// str reads a string. Strings without escapes are substrings of the frame;
// escaped ones go through encoding/json for exact JSON semantics.
func (l *lexer) str(dst *string) bool {
	l.ws()
	if l.i >= len(l.s) || l.s[l.i] != '"' {
		return false
	}
	start := l.i + 1
	escaped := false
	for j := start; j < len(l.s); j++ {
		c := l.s[j]
		switch {
		case c == '"':
			raw := l.s[start:j]
			l.i = j + 1
			if !escaped {
				*dst = raw
				return true
			}
			v, ok := unquote(l.s[start-1 : j+1])
			*dst = v
			return ok
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return false // invalid JSON: let encoding/json report it
		case c >= utf8.RuneSelf:
			// encoding/json replaces invalid UTF-8; leave that to it.
			r, size := utf8.DecodeRuneInString(l.s[j:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
			j += size - 1
		}
	}
	return false
}

// unquote decodes a JSON string with escapes (kept apart so that only
// this rare path allocates).
func unquote(quoted string) (string, bool) {
	var v string
	err := json.Unmarshal([]byte(quoted), &v)
	return v, err == nil
}

// integer reads a JSON integer of up to 18 digits, so that it fits an
// int64. A fraction or an exponent gives up: encoding/json refuses them for
// integer fields.
func (l *lexer) integer() (int64, bool) {
	l.ws()
	start := l.i
	if l.i < len(l.s) && l.s[l.i] == '-' {
		l.i++
	}
	first := l.i
	for l.i < len(l.s) && l.s[l.i] >= '0' && l.s[l.i] <= '9' {
		l.i++
	}
	if n := l.i - first; n == 0 || n > 18 || n > 1 && l.s[first] == '0' {
		return 0, false
	}
	if l.i < len(l.s) && strings.IndexByte(".eE", l.s[l.i]) >= 0 {
		return 0, false
	}
	v, err := strconv.ParseInt(l.s[start:l.i], 10, 64)
	return v, err == nil
}

func (l *lexer) boolean(dst *bool) bool {
	l.ws()
	switch {
	case len(l.s)-l.i >= 4 && l.s[l.i:l.i+4] == "true":
		*dst = true
		l.i += 4
	case len(l.s)-l.i >= 5 && l.s[l.i:l.i+5] == "false":
		*dst = false
		l.i += 5
	default:
		return false
	}
	return true
}

// read reads a JSON object into the struct v, each key by its field's
// reader. A key the plan does not know gives up: encoding/json would match it
// case-insensitively or ignore it.
func (p *plan) read(l *lexer, v reflect.Value) bool {
	if !l.eat('{') {
		return false
	}
	if l.eat('}') {
		return true
	}
	for next := 0; ; next++ {
		var key string
		if !l.str(&key) || !l.eat(':') {
			return false
		}
		if next = p.find(key, next); next < 0 {
			return false
		}
		if f := &p.fields[next]; !f.read(l, v.FieldByIndex(f.index)) {
			return false
		}
		if l.eat(',') {
			continue
		}
		return l.eat('}')
	}
}

// decodeFast fills ev from the frame; false means "use encoding/json".
func (k *eventKind) decodeFast(data []byte, ev Event) bool {
	l := &lexer{s: string(data)}
	if !k.plan.read(l, reflect.ValueOf(ev).Elem()) {
		return false
	}
	l.ws()
	return l.i == len(l.s)
}

func giveUp(*lexer, reflect.Value) bool { return false }

func readString(l *lexer, v reflect.Value) bool {
	var s string
	if !l.str(&s) {
		return false
	}
	v.SetString(s)
	return true
}

func readInt(l *lexer, v reflect.Value) bool {
	n, ok := l.integer()
	if !ok || v.OverflowInt(n) {
		return false
	}
	v.SetInt(n)
	return true
}

func readBool(l *lexer, v reflect.Value) bool {
	var b bool
	if !l.boolean(&b) {
		return false
	}
	v.SetBool(b)
	return true
}

// readPointer reads into the value a pointer points to, allocating it
// first if it is nil (a repeated key fills the same value again, as in
// encoding/json).
func readPointer(elem reflect.Type, read reader) reader {
	return func(l *lexer, v reflect.Value) bool {
		if v.IsNil() {
			v.Set(reflect.New(elem))
		}
		return read(l, v.Elem())
	}
}

func readStrings(l *lexer, v reflect.Value) bool {
	if !l.eat('[') {
		return false
	}
	out := make([]string, 0, 4)
	if !l.eat(']') {
		for {
			var s string
			if !l.str(&s) {
				return false
			}
			out = append(out, s)
			if l.eat(',') {
				continue
			}
			if !l.eat(']') {
				return false
			}
			break
		}
	}
	*v.Addr().Interface().(*[]string) = out
	return true
}

// readTime reads a Time. A timestamp with escapes gives up: encoding/json
// hands Time.UnmarshalJSON the raw text, which does not unescape it.
func readTime(l *lexer, v reflect.Value) bool {
	var s string
	l.ws()
	start := l.i
	if !l.str(&s) || strings.IndexByte(l.s[start:l.i], '\\') >= 0 {
		return false
	}
	t, ok := fastTime(s)
	if !ok {
		var err error
		if t, err = ParseTime(s); err != nil {
			return false
		}
	}
	*v.Addr().Interface().(*Time) = t
	return true
}

// asteriskUTC is the shape fastTime reads ('d' a digit).
const asteriskUTC = "dddd-dd-ddTdd:dd:dd.ddd+0000"

// fastTime parses "2006-01-02T15:04:05.000+0000" (UTC only) without
// allocating; other offsets and shapes are left to time.Parse.
func fastTime(s string) (Time, bool) {
	if !hasShape(s, asteriskUTC) {
		return Time{}, false
	}
	y, mo, d := digits(s[0:4]), time.Month(digits(s[5:7])), digits(s[8:10])
	h, mi, sec, ms := digits(s[11:13]), digits(s[14:16]), digits(s[17:19]), digits(s[20:23])
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h > 23 || mi > 59 || sec > 59 {
		return Time{}, false
	}
	return Time{time.Date(y, mo, d, h, mi, sec, ms*1e6, time.UTC)}, true
}

// hasShape matches s against shape, where 'd' stands for any digit.
func hasShape(s, shape string) bool {
	if len(s) != len(shape) {
		return false
	}
	for i := range len(shape) {
		if shape[i] != 'd' {
			if s[i] != shape[i] {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digits is the value of a run of ASCII digits.
func digits(s string) int {
	v := 0
	for i := range len(s) {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
