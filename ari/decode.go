package ari

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ErrMalformedEvent is wrapped by DecodeEvent for frames that are not a JSON
// object with a string "type".
var ErrMalformedEvent = errors.New("ari: malformed event")

// DecodeEvent decodes one WebSocket frame into its typed event. node is
// recorded in the event and its nested resources so their keys route back to
// the right Asterisk. An unknown type gives *UnknownEvent, not an error.
func DecodeEvent(node string, data []byte) (Event, error) {
	typ, err := peekType(data)
	if err != nil {
		return nil, err
	}
	ev := newEvent(typ)
	if u, ok := ev.(*UnknownEvent); ok {
		if err := json.Unmarshal(data, &u.EventBase); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrMalformedEvent, typ, err)
		}
		u.Raw = append(json.RawMessage(nil), data...)
		setNode(ev, node)
		return ev, nil
	}
	if !decodeFast(string(data), ev) {
		if ev, err = decodeSlow(typ, data); err != nil {
			return nil, err
		}
	}
	setNode(ev, node)
	return ev, nil
}

// decodeSlow decodes with encoding/json, into a fresh value since the fast
// path may have filled part of the first one.
func decodeSlow(typ string, data []byte) (Event, error) {
	ev := newEvent(typ)
	if err := json.Unmarshal(data, ev); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformedEvent, typ, err)
	}
	return ev, nil
}

func newEvent(typ string) Event {
	switch typ {
	case "StasisStart":
		return &StasisStart{}
	case "StasisEnd":
		return &StasisEnd{}
	case "ApplicationReplaced":
		return &ApplicationReplaced{}
	case "ChannelCreated":
		return &ChannelCreated{}
	case "ChannelStateChange":
		return &ChannelStateChange{}
	case "ChannelDtmfReceived":
		return &ChannelDtmfReceived{}
	case "ChannelHangupRequest":
		return &ChannelHangupRequest{}
	case "ChannelDestroyed":
		return &ChannelDestroyed{}
	case "ChannelVarset":
		return &ChannelVarset{}
	case "ChannelDialplan":
		return &ChannelDialplan{}
	case "ChannelCallerId":
		return &ChannelCallerId{}
	case "ChannelConnectedLine":
		return &ChannelConnectedLine{}
	case "ChannelHold":
		return &ChannelHold{}
	case "ChannelUnhold":
		return &ChannelUnhold{}
	case "ChannelTalkingStarted":
		return &ChannelTalkingStarted{}
	case "ChannelTalkingFinished":
		return &ChannelTalkingFinished{}
	case "Dial":
		return &Dial{}
	case "ChannelEnteredBridge":
		return &ChannelEnteredBridge{}
	case "ChannelLeftBridge":
		return &ChannelLeftBridge{}
	case "BridgeCreated":
		return &BridgeCreated{}
	case "BridgeDestroyed":
		return &BridgeDestroyed{}
	case "PlaybackStarted":
		return &PlaybackStarted{}
	case "PlaybackContinuing":
		return &PlaybackContinuing{}
	case "PlaybackFinished":
		return &PlaybackFinished{}
	case "RecordingStarted":
		return &RecordingStarted{}
	case "RecordingFinished":
		return &RecordingFinished{}
	case "RecordingFailed":
		return &RecordingFailed{}
	case "EndpointStateChange":
		return &EndpointStateChange{}
	case "DeviceStateChanged":
		return &DeviceStateChanged{}
	}
	return &UnknownEvent{}
}

// setNode stamps the node on the event and the resources inside it.
func setNode(ev Event, node string) {
	ev.Base().Node = node
	ch := func(c *Channel) {
		if c != nil {
			c.Node = node
		}
	}
	switch e := ev.(type) {
	case *StasisStart:
		ch(&e.Channel)
		ch(e.ReplaceChannel)
	case *StasisEnd:
		ch(&e.Channel)
	case *ChannelCreated:
		ch(&e.Channel)
	case *ChannelStateChange:
		ch(&e.Channel)
	case *ChannelDtmfReceived:
		ch(&e.Channel)
	case *ChannelHangupRequest:
		ch(&e.Channel)
	case *ChannelDestroyed:
		ch(&e.Channel)
	case *ChannelVarset:
		ch(e.Channel)
	case *ChannelDialplan:
		ch(&e.Channel)
	case *ChannelCallerId:
		ch(&e.Channel)
	case *ChannelConnectedLine:
		ch(&e.Channel)
	case *ChannelHold:
		ch(&e.Channel)
	case *ChannelUnhold:
		ch(&e.Channel)
	case *ChannelTalkingStarted:
		ch(&e.Channel)
	case *ChannelTalkingFinished:
		ch(&e.Channel)
	case *Dial:
		ch(&e.Peer)
		ch(e.Caller)
		ch(e.Forwarded)
	case *ChannelEnteredBridge:
		e.Bridge.Node = node
		ch(e.Channel)
	case *ChannelLeftBridge:
		e.Bridge.Node = node
		ch(&e.Channel)
	case *BridgeCreated:
		e.Bridge.Node = node
	case *BridgeDestroyed:
		e.Bridge.Node = node
	case *PlaybackStarted:
		e.Playback.Node = node
	case *PlaybackContinuing:
		e.Playback.Node = node
	case *PlaybackFinished:
		e.Playback.Node = node
	case *RecordingStarted:
		e.Recording.Node = node
	case *RecordingFinished:
		e.Recording.Node = node
	case *RecordingFailed:
		e.Recording.Node = node
	case *EndpointStateChange:
		e.Endpoint.Node = node
	case *DeviceStateChanged:
		e.DeviceState.Node = node
	}
}

// peekType finds the top-level "type" string of a JSON object without
// decoding the rest, so the frame is decoded once, straight into its type.
// Nested objects are skipped, so a "type" key deeper down is never taken.
func peekType(data []byte) (string, error) {
	s := scanner{b: data}
	s.space()
	if !s.eat('{') {
		return "", fmt.Errorf("%w: not a JSON object", ErrMalformedEvent)
	}
	for {
		s.space()
		if s.eat('}') {
			return "", fmt.Errorf("%w: no \"type\"", ErrMalformedEvent)
		}
		key, ok := s.str()
		if !ok {
			return "", fmt.Errorf("%w: bad key at byte %d", ErrMalformedEvent, s.i)
		}
		s.space()
		if !s.eat(':') {
			return "", fmt.Errorf("%w: missing ':' at byte %d", ErrMalformedEvent, s.i)
		}
		s.space()
		if string(key) == "type" {
			v, ok := s.str()
			if !ok || len(v) == 0 {
				return "", fmt.Errorf("%w: \"type\" is not a non-empty string", ErrMalformedEvent)
			}
			return string(v), nil
		}
		if !s.skipValue() {
			return "", fmt.Errorf("%w: bad value at byte %d", ErrMalformedEvent, s.i)
		}
		s.space()
		if !s.eat(',') {
			s.space()
			if s.eat('}') {
				return "", fmt.Errorf("%w: no \"type\"", ErrMalformedEvent)
			}
			return "", fmt.Errorf("%w: missing ',' at byte %d", ErrMalformedEvent, s.i)
		}
	}
}

// scanner is just enough of a JSON reader for peekType.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string and returns its raw bytes (escapes left as they are;
// event type names never contain any, and a key with escapes is simply not
// "type").
func (s *scanner) str() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			s.i += 2
			continue
		case '"':
			v := s.b[start:s.i]
			s.i++
			return v, true
		}
		s.i++
	}
	return nil, false
}

// skipValue skips one value of any kind; nesting is tracked by depth only,
// leaving full validation to encoding/json.
func (s *scanner) skipValue() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	default: // number, true, false, null
		start := s.i
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.i > start
			}
			s.i++
		}
		return false
	}
}
