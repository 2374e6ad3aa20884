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
	k, ok := eventKinds[typ]
	if !ok {
		return decodeUnknown(node, typ, data)
	}
	ev := k.new()
	if !k.decodeFast(data, ev) {
		if ev, err = k.decodeSlow(typ, data); err != nil {
			return nil, err
		}
	}
	k.stamp(ev, node)
	return ev, nil
}

// decodeSlow decodes with encoding/json, into a fresh value since the fast
// path may have filled part of the first one.
func (k *eventKind) decodeSlow(typ string, data []byte) (Event, error) {
	ev := k.new()
	if err := json.Unmarshal(data, ev); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformedEvent, typ, err)
	}
	return ev, nil
}

func decodeUnknown(node, typ string, data []byte) (Event, error) {
	u := &UnknownEvent{}
	if err := json.Unmarshal(data, &u.EventBase); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrMalformedEvent, typ, err)
	}
	u.Raw = append(json.RawMessage(nil), data...)
	u.Node = node
	return u, nil
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
