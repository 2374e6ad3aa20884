package ari

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Error is a REST (or WebSocket handshake) answer from Asterisk that was not
// a success. Message is Asterisk's own text: the "message" field of the JSON
// body, or "error" for originate allocation failures ({"error":"Allocation
// failed"}), or a short excerpt of a non-JSON body. Act on Status through the
// predicates (IsNotFound...), never on Message.
type Error struct {
	Node    string // entity id of the node that answered ("" before it is known)
	Method  string
	Path    string // request path below the ARI base, e.g. "/channels/1.2/answer"
	Status  int
	Message string
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	node := ""
	if e.Node != "" {
		node = " on " + e.Node
	}
	return fmt.Sprintf("ari %s %s%s: %d %s", e.Method, e.Path, node, e.Status, msg)
}

// errorBody is Asterisk's JSON error body in both of its shapes.
type errorBody struct {
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
}

// maxErrorText bounds how much of a non-JSON body goes into Message.
const maxErrorText = 200

// decodeError builds an *Error from a status and body. It never fails: a body
// that is not Asterisk's JSON is kept as (trimmed, valid UTF-8) text.
func decodeError(status int, contentType string, body []byte) *Error {
	e := &Error{Status: status}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		switch {
		case eb.Message != "":
			e.Message = eb.Message
		case eb.Error != "":
			e.Message = eb.Error
		}
		return e
	}
	e.Message = bodyExcerpt(contentType, body)
	return e
}

// bodyExcerpt keeps the readable part of an HTML or text body: Asterisk's
// HTML error pages carry the reason in a <p> element.
func bodyExcerpt(contentType string, body []byte) string {
	s := strings.ToValidUTF8(string(body), "")
	if strings.HasPrefix(contentType, "text/html") || strings.Contains(s, "<html") {
		if _, rest, ok := strings.Cut(s, "<p>"); ok {
			if p, _, ok := strings.Cut(rest, "</p>"); ok {
				s = p
			}
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxErrorText {
		cut := maxErrorText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsNotFound reports a 404: the channel, bridge, playback... is gone. For a
// channel that just hung up this is normal, not a failure.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsConflict reports a 409, e.g. "Channel not in Stasis application" or a
// channel id / recording name that already exists.
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsUnprocessable reports a 422, e.g. adding a channel that is not in Stasis
// to a bridge, or an unknown recording format.
func IsUnprocessable(err error) bool { return statusOf(err) == http.StatusUnprocessableEntity }

// IsUnauthorized reports a 401: wrong ARI username or password.
func IsUnauthorized(err error) bool { return statusOf(err) == http.StatusUnauthorized }

// IsBadRequest reports a 400: a missing or invalid parameter.
func IsBadRequest(err error) bool { return statusOf(err) == http.StatusBadRequest }

// IsServerError reports a 5xx, including originate's "Allocation failed".
func IsServerError(err error) bool { return statusOf(err) >= 500 }

// retryableStatus says whether a WebSocket handshake answered with status is
// worth retrying: 404 (res_ari still loading after a restart), 408, 429 and
// 5xx are; 401 and other 4xx mean the configuration is wrong.
func retryableStatus(status int) bool {
	switch {
	case status == http.StatusNotFound, status == http.StatusRequestTimeout,
		status == http.StatusTooManyRequests, status >= 500:
		return true
	}
	return false
}
