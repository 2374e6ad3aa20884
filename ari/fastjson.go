package ari

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// A fast path for decoding events. encoding/json costs ~20 µs and ~30
// allocations for a StasisStart; events arrive for every key press and state
// change of every call, so the common shapes are read here by hand, straight
// from one string that all decoded strings share. Anything unexpected (an
// unknown key, null, escapes that need care, a number that is not a plain
// integer) makes the fast path give up, and DecodeEvent decodes the frame
// again with encoding/json, so results never differ (a test and the fuzzer
// compare the two).

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

// integer reads a JSON integer that fits an int.
func (l *lexer) integer(dst *int) bool {
	l.ws()
	start := l.i
	if l.i < len(l.s) && l.s[l.i] == '-' {
		l.i++
	}
	digits := l.i
	for l.i < len(l.s) && l.s[l.i] >= '0' && l.s[l.i] <= '9' {
		l.i++
	}
	n := l.i - digits
	if n == 0 || n > 18 || (n > 1 && l.s[digits] == '0') {
		return false
	}
	if l.i < len(l.s) && (l.s[l.i] == '.' || l.s[l.i] == 'e' || l.s[l.i] == 'E') {
		return false
	}
	v, err := strconv.Atoi(l.s[start:l.i])
	if err != nil {
		return false
	}
	*dst = v
	return true
}

func (l *lexer) integer64(dst *int64) bool {
	var v int
	if !l.integer(&v) {
		return false
	}
	*dst = int64(v)
	return true
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

// object reads {"key": value, ...} into v, handing each key to field,
// which must read the value. field is a plain function, not a closure, so
// nothing escapes to the heap.
func object[T any](l *lexer, v *T, field func(*lexer, *T, string) bool) bool {
	if !l.eat('{') {
		return false
	}
	if l.eat('}') {
		return true
	}
	for {
		var key string
		if !l.str(&key) || !l.eat(':') || !field(l, v, key) {
			return false
		}
		if l.eat(',') {
			continue
		}
		return l.eat('}')
	}
}

func (l *lexer) strings(dst *[]string) bool {
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
	*dst = out
	return true
}

func (l *lexer) time(dst *Time) bool {
	var s string
	if !l.str(&s) {
		return false
	}
	if t, ok := fastTime(s); ok {
		*dst = t
		return true
	}
	t, err := ParseTime(s)
	if err != nil {
		return false
	}
	*dst = t
	return true
}

// fastTime parses "2006-01-02T15:04:05.000+0000" (UTC only) without
// allocating; other offsets and shapes are left to time.Parse.
func fastTime(s string) (Time, bool) {
	if len(s) != 28 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[23:] != "+0000" {
		return Time{}, false
	}
	num := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec, ms := num(0, 4), num(5, 7), num(8, 10), num(11, 13), num(14, 16), num(17, 19), num(20, 23)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0 {
		return Time{}, false
	}
	if d > daysIn(time.Month(mo), y) {
		return Time{}, false
	}
	return Time{time.Date(y, time.Month(mo), d, h, mi, sec, ms*1e6, time.UTC)}, true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// --- models ---

func (l *lexer) callerID(c *CallerID) bool { return object(l, c, callerIDField) }

func callerIDField(l *lexer, c *CallerID, k string) bool {
	switch k {
	case "name":
		return l.str(&c.Name)
	case "number":
		return l.str(&c.Number)
	}
	return false
}

func (l *lexer) dialplan(d *DialplanCEP) bool { return object(l, d, dialplanField) }

func dialplanField(l *lexer, d *DialplanCEP, k string) bool {
	switch k {
	case "context":
		return l.str(&d.Context)
	case "exten":
		return l.str(&d.Exten)
	case "priority":
		return l.integer64(&d.Priority)
	case "app_name":
		return l.str(&d.AppName)
	case "app_data":
		return l.str(&d.AppData)
	}
	return false
}

func (l *lexer) channel(c *Channel) bool { return object(l, c, channelField) }

func channelField(l *lexer, c *Channel, k string) bool {
	switch k {
	case "id":
		return l.str(&c.ID)
	case "name":
		return l.str(&c.Name)
	case "state":
		return l.str(&c.State)
	case "protocol_id":
		return l.str(&c.ProtocolID)
	case "caller":
		return l.callerID(&c.Caller)
	case "connected":
		return l.callerID(&c.Connected)
	case "accountcode":
		return l.str(&c.AccountCode)
	case "dialplan":
		return l.dialplan(&c.Dialplan)
	case "creationtime":
		return l.time(&c.CreationTime)
	case "language":
		return l.str(&c.Language)
	case "caller_rdnis":
		return l.str(&c.CallerRDNIS)
	case "tenantid":
		return l.str(&c.TenantID)
	}
	return false // channelvars and the unknown: encoding/json
}

func (l *lexer) channelPtr(dst **Channel) bool {
	c := new(Channel)
	*dst = c
	return l.channel(c)
}

func (l *lexer) bridge(b *Bridge) bool { return object(l, b, bridgeField) }

func bridgeField(l *lexer, b *Bridge, k string) bool {
	switch k {
	case "id":
		return l.str(&b.ID)
	case "technology":
		return l.str(&b.Technology)
	case "bridge_type":
		return l.str(&b.BridgeType)
	case "bridge_class":
		return l.str(&b.BridgeClass)
	case "creator":
		return l.str(&b.Creator)
	case "name":
		return l.str(&b.Name)
	case "channels":
		return l.strings(&b.Channels)
	case "creationtime":
		return l.time(&b.CreationTime)
	case "video_mode":
		return l.str(&b.VideoMode)
	case "video_source_id":
		return l.str(&b.VideoSourceID)
	}
	return false
}

func (l *lexer) playback(p *Playback) bool { return object(l, p, playbackField) }

func playbackField(l *lexer, p *Playback, k string) bool {
	switch k {
	case "id":
		return l.str(&p.ID)
	case "media_uri":
		return l.str(&p.MediaURI)
	case "next_media_uri":
		return l.str(&p.NextMediaURI)
	case "target_uri":
		return l.str(&p.TargetURI)
	case "language":
		return l.str(&p.Language)
	case "state":
		return l.str(&p.State)
	}
	return false
}

func (l *lexer) intPtr(dst **int) bool {
	v := new(int)
	*dst = v
	return l.integer(v)
}

func (l *lexer) recording(r *LiveRecording) bool { return object(l, r, recordingField) }

func recordingField(l *lexer, r *LiveRecording, k string) bool {
	switch k {
	case "name":
		return l.str(&r.Name)
	case "format":
		return l.str(&r.Format)
	case "state":
		return l.str(&r.State)
	case "target_uri":
		return l.str(&r.TargetURI)
	case "duration":
		return l.intPtr(&r.Duration)
	case "talking_duration":
		return l.intPtr(&r.TalkingDuration)
	case "silence_duration":
		return l.intPtr(&r.SilenceDuration)
	case "cause":
		return l.str(&r.Cause)
	}
	return false
}

func (l *lexer) deviceState(d *DeviceState) bool { return object(l, d, deviceStateField) }

func deviceStateField(l *lexer, d *DeviceState, k string) bool {
	switch k {
	case "name":
		return l.str(&d.Name)
	case "state":
		return l.str(&d.State)
	}
	return false
}

// decodeFast fills ev from the frame; false means "use encoding/json".
func decodeFast(s string, ev Event) bool {
	l := &lexer{s: s}
	if !object(l, &ev, eventField) {
		return false
	}
	l.ws()
	return l.i == len(l.s)
}

func eventField(l *lexer, ev *Event, k string) bool {
	b := (*ev).Base()
	switch k {
	case "type":
		return l.str(&b.Type)
	case "application":
		return l.str(&b.Application)
	case "timestamp":
		return l.time(&b.Timestamp)
	case "asterisk_id":
		return l.str(&b.AsteriskID)
	}
	return fastField(l, *ev, k)
}

// fastField reads one event-specific field.
func fastField(l *lexer, ev Event, k string) bool {
	switch e := ev.(type) {
	case *StasisStart:
		switch k {
		case "args":
			return l.strings(&e.Args)
		case "channel":
			return l.channel(&e.Channel)
		case "replace_channel":
			return l.channelPtr(&e.ReplaceChannel)
		}
	case *StasisEnd:
		return k == "channel" && l.channel(&e.Channel)
	case *ChannelCreated:
		return k == "channel" && l.channel(&e.Channel)
	case *ChannelStateChange:
		return k == "channel" && l.channel(&e.Channel)
	case *ChannelConnectedLine:
		return k == "channel" && l.channel(&e.Channel)
	case *ChannelUnhold:
		return k == "channel" && l.channel(&e.Channel)
	case *ChannelTalkingStarted:
		return k == "channel" && l.channel(&e.Channel)
	case *ChannelDtmfReceived:
		switch k {
		case "digit":
			return l.str(&e.Digit)
		case "duration_ms":
			return l.integer(&e.DurationMs)
		case "channel":
			return l.channel(&e.Channel)
		}
	case *ChannelHangupRequest:
		switch k {
		case "cause":
			return l.intPtr(&e.Cause)
		case "soft":
			e.Soft = new(bool)
			return l.boolean(e.Soft)
		case "channel":
			return l.channel(&e.Channel)
		}
	case *ChannelDestroyed:
		switch k {
		case "cause":
			return l.integer(&e.Cause)
		case "cause_txt":
			return l.str(&e.CauseTxt)
		case "channel":
			return l.channel(&e.Channel)
		}
	case *ChannelVarset:
		switch k {
		case "variable":
			return l.str(&e.Variable)
		case "value":
			return l.str(&e.Value)
		case "channel":
			return l.channelPtr(&e.Channel)
		}
	case *ChannelDialplan:
		switch k {
		case "dialplan_app":
			return l.str(&e.DialplanApp)
		case "dialplan_app_data":
			return l.str(&e.DialplanAppData)
		case "channel":
			return l.channel(&e.Channel)
		}
	case *ChannelCallerId:
		switch k {
		case "caller_presentation":
			return l.integer(&e.CallerPresentation)
		case "caller_presentation_txt":
			return l.str(&e.CallerPresentationTxt)
		case "channel":
			return l.channel(&e.Channel)
		}
	case *Dial:
		switch k {
		case "dialstatus":
			return l.str(&e.DialStatus)
		case "forward":
			return l.str(&e.Forward)
		case "dialstring":
			return l.str(&e.DialString)
		case "caller":
			return l.channelPtr(&e.Caller)
		case "peer":
			return l.channel(&e.Peer)
		case "forwarded":
			return l.channelPtr(&e.Forwarded)
		}
	case *ChannelEnteredBridge:
		switch k {
		case "bridge":
			return l.bridge(&e.Bridge)
		case "channel":
			return l.channelPtr(&e.Channel)
		}
	case *ChannelLeftBridge:
		switch k {
		case "bridge":
			return l.bridge(&e.Bridge)
		case "channel":
			return l.channel(&e.Channel)
		}
	case *BridgeCreated:
		return k == "bridge" && l.bridge(&e.Bridge)
	case *BridgeDestroyed:
		return k == "bridge" && l.bridge(&e.Bridge)
	case *PlaybackStarted:
		return k == "playback" && l.playback(&e.Playback)
	case *PlaybackContinuing:
		return k == "playback" && l.playback(&e.Playback)
	case *PlaybackFinished:
		return k == "playback" && l.playback(&e.Playback)
	case *RecordingStarted:
		return k == "recording" && l.recording(&e.Recording)
	case *RecordingFinished:
		return k == "recording" && l.recording(&e.Recording)
	case *RecordingFailed:
		return k == "recording" && l.recording(&e.Recording)
	case *DeviceStateChanged:
		return k == "device_state" && l.deviceState(&e.DeviceState)
	}
	return false
}
