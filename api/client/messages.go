package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"callsvc/api/record"
)

// PutMessage writes a message the engine took (m.ID chosen by the engine).
// Writing the same id again is a no-op: created reports whether this call
// stored it, and the returned message is what the server holds.
func (c *Client) PutMessage(ctx context.Context, m record.Message) (stored record.Message, created bool, err error) {
	in := struct {
		ID             string    `json:"id"`
		CallID         string    `json:"call_id"`
		ForStaffID     string    `json:"for_staff_id"`
		CallerNumber   string    `json:"caller_number,omitempty"`
		CallerName     string    `json:"caller_name,omitempty"`
		CallbackNumber string    `json:"callback_number,omitempty"`
		RecordingName  string    `json:"recording_name,omitempty"`
		DurationMS     int       `json:"duration_ms"`
		Partial        bool      `json:"partial"`
		CreatedAt      time.Time `json:"created_at"`
	}{m.ID, m.CallID, m.ForStaffID, m.CallerNumber, m.CallerName, m.CallbackNumber,
		m.RecordingName, m.DurationMS, m.Partial, m.CreatedAt}
	body, err := json.Marshal(in)
	if err != nil {
		return record.Message{}, false, fmt.Errorf("put message: %w", record.Wrap(record.EInvalid, err, "the message cannot be encoded"))
	}
	// Sent by hand rather than through do: the status tells a replay apart.
	status, data, err := c.send(ctx, http.MethodPut, "/v1/messages/"+url.PathEscape(m.ID), nil, "application/json", "", body)
	if err != nil {
		return record.Message{}, false, fmt.Errorf("put message: %w", err)
	}
	if err := decodeAnswer(data, &stored); err != nil {
		return record.Message{}, false, fmt.Errorf("put message: %w", err)
	}
	return stored, status == http.StatusCreated, nil
}

// PutMessageAudio uploads a message's WAV audio, as fetched from Asterisk.
// The same bytes again are a no-op; the message must be written first.
func (c *Client) PutMessageAudio(ctx context.Context, id string, wav []byte) error {
	if _, _, err := c.send(ctx, http.MethodPut, "/v1/messages/"+url.PathEscape(id)+"/audio", nil, "audio/wav", "", wav); err != nil {
		return fmt.Errorf("put message audio: %w", err)
	}
	return nil
}

// MessageAudio downloads a message's audio, byte for byte.
func (c *Client) MessageAudio(ctx context.Context, id string) ([]byte, error) {
	_, wav, err := c.send(ctx, http.MethodGet, "/v1/messages/"+url.PathEscape(id)+"/audio", nil, "", "", nil)
	if err != nil {
		return nil, fmt.Errorf("message audio: %w", err)
	}
	return wav, nil
}

// GetPresence returns a person's presence as they or a supervisor set it;
// combine it with the phone's state through record.Effective.
func (c *Client) GetPresence(ctx context.Context, staffID string) (record.Presence, error) {
	var p record.Presence
	if err := c.do(ctx, http.MethodGet, "/v1/staff/"+url.PathEscape(staffID)+"/presence", nil, nil, &p); err != nil {
		return record.Presence{}, fmt.Errorf("get presence: %w", err)
	}
	return p, nil
}

// ListPresence returns one page of everyone's presence, by staff id, and
// the next page's cursor (empty on the last page).
func (c *Client) ListPresence(ctx context.Context, lq record.ListQuery) ([]record.Presence, string, error) {
	var res struct {
		Presence   []record.Presence `json:"presence"`
		NextCursor string            `json:"next_cursor"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/presence", pageQuery(lq), nil, &res); err != nil {
		return nil, "", fmt.Errorf("list presence: %w", err)
	}
	return res.Presence, res.NextCursor, nil
}
