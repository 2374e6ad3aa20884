package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"callsvc/api/record"
)

// Bounds on what a written record may hold. They are generous; they exist so
// that garbage is refused with a clear message rather than stored.
const (
	maxNotes      = 64 << 10
	maxEventData  = 64 << 10
	maxShortText  = 200
	maxStaffIDs   = 100
	maxRings      = 20
	maxAnswerMS   = 10 * 60 * 1000
	maxTalkSecond = 7 * 24 * 3600
	clockSkew     = 24 * time.Hour
)

// earliest is the oldest time a record may carry: older means a zero or
// garbage clock on the sender's side.
var earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

var knownIntents = map[string]bool{
	record.IntentOrder: true, record.IntentComplaint: true, record.IntentSuggestion: true,
	record.IntentPerson: true, record.IntentDesk: true, record.IntentGeneralManager: true,
}

var knownOutcomes = map[string]bool{
	record.OutcomeInProgress: true, record.OutcomeCompleted: true, record.OutcomeConnected: true,
	record.OutcomeTransferred: true, record.OutcomeMessageTaken: true,
	record.OutcomeCallbackRequested: true, record.OutcomeAbandoned: true,
	record.OutcomeCallerHungUp: true, record.OutcomeFailed: true,
}

var knownEndedBy = map[string]bool{"caller": true, "system": true, "staff": true}

// isULID reports whether s is a canonical ULID: 26 Crockford base32
// characters in upper case, as ulid.ULID.String writes them. The parser
// also takes lower case, which would let one call be stored twice under
// two spellings; such ids are refused, not rewritten.
func isULID(s string) bool {
	id, err := ulid.ParseStrict(s)
	return err == nil && len(s) == ulid.EncodedSize && id.String() == s
}

// isRef accepts references to staff and customers: short and of safe
// characters. They are ULIDs when created through this API, but the
// directory may hold ids imported from elsewhere.
func isRef(s string) bool {
	return s != "" && len(s) <= 64 && saneRequestID(s)
}

// invalid is an EInvalid naming the field at fault.
func invalid(field, format string, args ...any) error {
	return record.Errorf(record.EInvalid, "%s: %s", field, fmt.Sprintf(format, args...))
}

// checkTime requires t to be set and between 2000 and a day past now.
func checkTime(field string, t time.Time, now time.Time) error {
	switch {
	case t.IsZero():
		return invalid(field, "is required")
	case t.Before(earliest):
		return invalid(field, "is before 2000")
	case t.After(now.Add(clockSkew)):
		return invalid(field, "is in the future")
	}
	return nil
}

// checkText checks a single-line text field (names, places): at most max
// bytes of valid UTF-8 without control characters.
func checkText(field, s string, max int) error { return record.CheckText(field, s, max, false) }

// checkNotes is checkText for text that may run over lines (notes):
// newlines and tabs are allowed.
func checkNotes(field, s string, max int) error { return record.CheckText(field, s, max, true) }

// validateCall checks one call summary as the engine writes it and puts its
// times in UTC. at names the call in messages ("calls[2]").
func validateCall(at string, c *record.Call, now time.Time) error {
	if !isULID(c.ID) {
		return invalid(at+".id", "must be a ULID")
	}
	for _, f := range []struct{ name, value string }{
		{".node", c.Node}, {".channel_id", c.ChannelID}, {".caller_number", c.CallerNumber},
		{".caller_name", c.CallerName}, {".dialed_number", c.DialedNumber}, {".language", c.Language},
	} {
		if err := checkText(at+f.name, f.value, maxShortText); err != nil {
			return err
		}
	}
	if err := checkNotes(at+".notes", c.Notes, maxNotes); err != nil {
		return err
	}
	if c.CustomerID != "" && !isRef(c.CustomerID) {
		return invalid(at+".customer_id", "is not a valid id")
	}
	if c.OwnerStaffID != "" && !isRef(c.OwnerStaffID) {
		return invalid(at+".owner_staff_id", "is not a valid id")
	}
	if len(c.StaffIDs) > maxStaffIDs {
		return invalid(at+".staff_ids", "has more than %d entries", maxStaffIDs)
	}
	for i, s := range c.StaffIDs {
		if !isRef(s) {
			return invalid(fmt.Sprintf("%s.staff_ids[%d]", at, i), "is not a valid id")
		}
	}
	if c.Intent != "" && !knownIntents[c.Intent] {
		return invalid(at+".intent", "%q is not a known intent", c.Intent)
	}
	if c.Outcome != "" && !knownOutcomes[c.Outcome] {
		return invalid(at+".outcome", "%q is not a known outcome", c.Outcome)
	}
	if c.EndedBy != "" && !knownEndedBy[c.EndedBy] {
		return invalid(at+".ended_by", "must be caller, system or staff")
	}
	switch {
	case c.RingsToAnswer < 0 || c.RingsToAnswer > maxRings:
		return invalid(at+".rings_to_answer", "must be between 0 and %d", maxRings)
	case c.AnswerMS < 0 || c.AnswerMS > maxAnswerMS:
		return invalid(at+".answer_ms", "must be between 0 and %d", maxAnswerMS)
	case c.TalkSeconds < 0 || c.TalkSeconds > maxTalkSecond:
		return invalid(at+".talk_seconds", "must be between 0 and %d", maxTalkSecond)
	}
	if err := checkTime(at+".arrived_at", c.ArrivedAt, now); err != nil {
		return err
	}
	if err := checkTime(at+".updated_at", c.UpdatedAt, now); err != nil {
		return err
	}
	c.ArrivedAt, c.UpdatedAt = c.ArrivedAt.UTC(), c.UpdatedAt.UTC()
	if c.AnsweredAt != nil {
		if err := checkTime(at+".answered_at", *c.AnsweredAt, now); err != nil {
			return err
		}
		if c.AnsweredAt.Before(c.ArrivedAt) {
			return invalid(at+".answered_at", "is before arrived_at")
		}
		t := c.AnsweredAt.UTC()
		c.AnsweredAt = &t
	}
	if c.EndedAt != nil {
		if err := checkTime(at+".ended_at", *c.EndedAt, now); err != nil {
			return err
		}
		if c.EndedAt.Before(c.ArrivedAt) || (c.AnsweredAt != nil && c.EndedAt.Before(*c.AnsweredAt)) {
			return invalid(at+".ended_at", "is before the call was answered or arrived")
		}
		t := c.EndedAt.UTC()
		c.EndedAt = &t
	}
	return nil
}

// validateEvent checks one timeline event and puts its time in UTC.
func validateEvent(at string, e *record.Event, now time.Time) error {
	if !isULID(e.ID) {
		return invalid(at+".id", "must be a ULID")
	}
	if !isULID(e.CallID) {
		return invalid(at+".call_id", "must be a ULID")
	}
	if e.Type == "" {
		return invalid(at+".type", "is required")
	}
	if e.StaffID != "" && !isRef(e.StaffID) {
		return invalid(at+".staff_id", "is not a valid id")
	}
	if err := checkTime(at+".at", e.At, now); err != nil {
		return err
	}
	e.At = e.At.UTC()
	data := bytes.TrimSpace(e.Data)
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		e.Data = nil
	case len(data) > maxEventData:
		return invalid(at+".data", "is larger than %d bytes", maxEventData)
	case data[0] != '{' || !json.Valid(data):
		return invalid(at+".data", "must be a JSON object")
	default:
		e.Data = data
	}
	// The vocabulary is declared: a type the document does not list, or
	// data that does not fit the type's schema, is refused, so everything
	// stored reads back as the document says. (The engine writes to the
	// store itself; its types are the same declared ones.)
	return checkEventData(at, e.Type, e.Data)
}
