package api

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"callsvc/api/record"
)

// Batch sizes: one request is one store transaction, kept to a size that
// finishes well within a request's deadline.
const (
	maxBatchCalls  = 1000
	maxBatchEvents = 5000
)

// decodeCall reads the body of PUT /v1/calls/{id}: one call, whose id is the
// path's (the body may omit it, but may not contradict it).
func decodeCall(data []byte, pathID string, now time.Time) (record.Call, error) {
	var c record.Call
	if err := decodeStrict(data, &c); err != nil {
		return record.Call{}, err
	}
	if c.ID == "" {
		c.ID = pathID
	}
	if c.ID != pathID {
		return record.Call{}, invalid("call.id", "does not match the id in the path")
	}
	if err := validateCall("call", &c, now); err != nil {
		return record.Call{}, err
	}
	return c, nil
}

// decodeCalls reads the body of POST /v1/calls: a JSON array of calls. When a
// batch holds several versions of one call (a spool replayed), the newest by
// updated_at wins, as it would if they had been sent one by one.
func decodeCalls(data []byte, now time.Time) ([]record.Call, error) {
	if firstByte(data) != '[' {
		return nil, record.Errorf(record.EInvalid, "the body must be a JSON array of calls")
	}
	var calls []record.Call
	if err := decodeStrict(data, &calls); err != nil {
		return nil, err
	}
	switch {
	case len(calls) == 0:
		return nil, record.Errorf(record.EInvalid, "the batch is empty")
	case len(calls) > maxBatchCalls:
		return nil, record.Errorf(record.EInvalid, "a batch holds at most %d calls", maxBatchCalls)
	}
	at := make(map[string]int, len(calls))
	out := calls[:0:0]
	for i := range calls {
		if err := validateCall(fmt.Sprintf("calls[%d]", i), &calls[i], now); err != nil {
			return nil, err
		}
		j, seen := at[calls[i].ID]
		switch {
		case !seen:
			at[calls[i].ID] = len(out)
			out = append(out, calls[i])
		case !calls[i].UpdatedAt.Before(out[j].UpdatedAt):
			out[j] = calls[i]
		}
	}
	return out, nil
}

// decodeEvents reads timeline events: for POST /v1/calls/{id}/events (pathID
// set) one event object or an array of them, whose call_id may be omitted;
// for POST /v1/events an array of events naming their calls. An event
// repeated within the batch is kept once, as the store would.
func decodeEvents(data []byte, pathID string, now time.Time) ([]record.Event, error) {
	var events []record.Event
	switch b := firstByte(data); {
	case b == '[':
		if err := decodeStrict(data, &events); err != nil {
			return nil, err
		}
	case b == '{' && pathID != "":
		var e record.Event
		if err := decodeStrict(data, &e); err != nil {
			return nil, err
		}
		events = []record.Event{e}
	case pathID != "":
		return nil, record.Errorf(record.EInvalid, "the body must be an event object or a JSON array of events")
	default:
		return nil, record.Errorf(record.EInvalid, "the body must be a JSON array of events")
	}
	switch {
	case len(events) == 0:
		return nil, record.Errorf(record.EInvalid, "the batch is empty")
	case len(events) > maxBatchEvents:
		return nil, record.Errorf(record.EInvalid, "a batch holds at most %d events", maxBatchEvents)
	}
	seen := make(map[string]bool, len(events))
	out := events[:0:0]
	for i := range events {
		name := fmt.Sprintf("events[%d]", i)
		if pathID != "" {
			if events[i].CallID == "" {
				events[i].CallID = pathID
			}
			if events[i].CallID != pathID {
				return nil, invalid(name+".call_id", "does not match the call id in the path")
			}
		}
		if err := validateEvent(name, &events[i], now); err != nil {
			return nil, err
		}
		if !seen[events[i].ID] {
			seen[events[i].ID] = true
			out = append(out, events[i])
		}
	}
	return out, nil
}

// firstByte is the first non-space byte of data, or 0.
func firstByte(data []byte) byte {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 {
		return 0
	}
	return data[0]
}

// refersToStored refuses (400) records that name calls not stored, unless
// the service role (the engine) writes them. The engine's record writer,
// message writer and spool replays run independently: a call's first
// events ("arrived" comes before the first summary) or its message may
// reach the store before its summary, and must be kept (S4). Anyone else
// writes only about calls that exist.
func (h *Handler) refersToStored(r *http.Request, field string, callIDs []string) error {
	if t, _ := TokenFrom(r.Context()); t.Role == record.RoleService || len(callIDs) == 0 {
		return nil
	}
	missing, err := h.cfg.Store.MissingCalls(r.Context(), callIDs)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return invalid(field, "no call %s is stored (%d unknown)", missing[0], len(missing))
	}
	return nil
}
