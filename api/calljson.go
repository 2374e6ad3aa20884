package api

import (
	"errors"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"callsvc/api/record"
)

// The call log is the API's busiest and largest answer (up to 1,000 calls a
// page), so it has its own JSON encoder: encoding/json reflects over every
// field and allocates for every time value, which made the encoding as
// costly as the query itself. appendCallPage writes byte for byte what
// json.Marshal writes for the same value (tests compare the two), so the
// OpenAPI document and every client see no difference.

// errJSONTime is returned for a time JSON cannot carry, as json.Marshal
// refuses it too (a year outside 0..9999, an offset of 24 hours or more).
var errJSONTime = errors.New("encode call json: time not representable in RFC 3339")

// appendCallPage appends p as JSON, without a trailing newline.
func appendCallPage(b []byte, p *record.CallPage) ([]byte, error) {
	b = append(b, `{"calls":`...)
	if p.Calls == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range p.Calls {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendCall(b, &p.Calls[i]); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	if p.NextCursor != "" {
		b = append(b, `,"next_cursor":`...)
		b = appendJSONString(b, p.NextCursor)
	}
	return append(b, '}'), nil
}

// appendCall appends c as JSON, fields in record.Call's order, leaving out
// the omitempty ones that are empty, as its struct tags say.
func appendCall(b []byte, c *record.Call) ([]byte, error) {
	var err error
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.ID)
	b = appendOptString(b, `,"node":`, c.Node)
	b = appendOptString(b, `,"channel_id":`, c.ChannelID)
	b = appendOptString(b, `,"caller_number":`, c.CallerNumber)
	b = appendOptString(b, `,"caller_name":`, c.CallerName)
	b = appendOptString(b, `,"customer_id":`, c.CustomerID)
	b = appendOptString(b, `,"dialed_number":`, c.DialedNumber)
	b = appendOptString(b, `,"language":`, c.Language)
	b = appendOptString(b, `,"intent":`, c.Intent)
	b = appendOptString(b, `,"owner_staff_id":`, c.OwnerStaffID)
	if len(c.StaffIDs) > 0 {
		b = append(b, `,"staff_ids":[`...)
		for i, id := range c.StaffIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, id)
		}
		b = append(b, ']')
	}
	b = appendOptString(b, `,"outcome":`, c.Outcome)
	b = appendOptString(b, `,"ended_by":`, c.EndedBy)
	b = append(b, `,"arrived_at":`...)
	if b, err = appendJSONTime(b, c.ArrivedAt); err != nil {
		return b, err
	}
	if c.AnsweredAt != nil {
		b = append(b, `,"answered_at":`...)
		if b, err = appendJSONTime(b, *c.AnsweredAt); err != nil {
			return b, err
		}
	}
	if c.EndedAt != nil {
		b = append(b, `,"ended_at":`...)
		if b, err = appendJSONTime(b, *c.EndedAt); err != nil {
			return b, err
		}
	}
	b = append(b, `,"rings_to_answer":`...)
	b = strconv.AppendInt(b, int64(c.RingsToAnswer), 10)
	b = append(b, `,"answer_ms":`...)
	b = strconv.AppendInt(b, int64(c.AnswerMS), 10)
	b = append(b, `,"talk_seconds":`...)
	b = strconv.AppendInt(b, int64(c.TalkSeconds), 10)
	b = append(b, `,"transferred":`...)
	b = strconv.AppendBool(b, c.Transferred)
	b = append(b, `,"message_taken":`...)
	b = strconv.AppendBool(b, c.MessageTaken)
	b = appendOptString(b, `,"notes":`, c.Notes)
	b = append(b, `,"updated_at":`...)
	if b, err = appendJSONTime(b, c.UpdatedAt); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// appendOptString appends key and s unless s is empty (omitempty).
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendJSONString(append(b, key...), s)
}

// appendJSONTime appends t quoted in RFC 3339 with nanoseconds, as
// time.Time's MarshalJSON does, and refuses the same times it refuses.
func appendJSONTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, errJSONTime
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		return b, errJSONTime
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// hexDigits spells the \u00XX escapes.
const hexDigits = "0123456789abcdef"

// jsonPlain marks the ASCII bytes that go into a JSON string unchanged.
// Like encoding/json by default, it escapes <, > and & as well, so the body
// is safe even if some client pastes it into HTML.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// appendJSONString appends s as a quoted JSON string: invalid UTF-8 becomes
// U+FFFD, and U+2028/U+2029 are escaped (they end lines in JavaScript).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	done := 0 // s[:done] is in b already
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain[c] {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[done:i]...), `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[done:i]...), '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}

// jsonBuffers recycles response buffers between requests, so a page of
// calls is encoded without growing a fresh slice each time. It holds only
// scratch memory that no request keeps, so sharing it is safe.
var jsonBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooledBuffer keeps an occasional huge page from pinning its buffer.
const maxPooledBuffer = 1 << 20

func getJSONBuffer() *[]byte { return jsonBuffers.Get().(*[]byte) }

func putJSONBuffer(b *[]byte) {
	if cap(*b) > maxPooledBuffer {
		return
	}
	*b = (*b)[:0]
	jsonBuffers.Put(b)
}
