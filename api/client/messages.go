package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
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
	var buf bytes.Buffer
	status, err := c.raw(ctx, http.MethodPut, "/v1/messages/"+url.PathEscape(m.ID), "application/json", body, &buf)
	if err != nil {
		return record.Message{}, false, fmt.Errorf("put message: %w", err)
	}
	if err := json.Unmarshal(buf.Bytes(), &stored); err != nil {
		return record.Message{}, false, fmt.Errorf("put message: %w", record.Wrap(record.EInternal, err, "the API's answer is not the expected JSON"))
	}
	return stored, status == http.StatusCreated, nil
}

// PutMessageAudio uploads a message's WAV audio, as fetched from Asterisk.
// The same bytes again are a no-op; the message must be written first.
func (c *Client) PutMessageAudio(ctx context.Context, id string, wav []byte) error {
	if _, err := c.raw(ctx, http.MethodPut, "/v1/messages/"+url.PathEscape(id)+"/audio", "audio/wav", wav, nil); err != nil {
		return fmt.Errorf("put message audio: %w", err)
	}
	return nil
}

// MessageAudio downloads a message's audio, byte for byte.
func (c *Client) MessageAudio(ctx context.Context, id string) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := c.raw(ctx, http.MethodGet, "/v1/messages/"+url.PathEscape(id)+"/audio", "", nil, &buf); err != nil {
		return nil, fmt.Errorf("message audio: %w", err)
	}
	return buf.Bytes(), nil
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
	q := url.Values{}
	if lq.Limit != 0 {
		q.Set("limit", strconv.Itoa(lq.Limit))
	}
	if lq.Cursor != "" {
		q.Set("cursor", lq.Cursor)
	}
	var res struct {
		Presence   []record.Presence `json:"presence"`
		NextCursor string            `json:"next_cursor"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/presence", q, nil, &res); err != nil {
		return nil, "", fmt.Errorf("list presence: %w", err)
	}
	return res.Presence, res.NextCursor, nil
}

// raw sends a body of contentType (none when body is nil) and, on a 2xx
// answer, returns its status and copies the response body into out when
// out is set. It is do for bodies that are not JSON or answers whose
// status matters.
func (c *Client) raw(ctx context.Context, method, path, contentType string, body []byte, out *bytes.Buffer) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, record.Wrap(record.EInvalid, err, "the request cannot be built")
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, record.Wrap(record.EUnavailable, errors.Join(ctx.Err(), err), "the request was cancelled")
		}
		return 0, record.Wrap(record.EUnavailable, err, "the API cannot be reached")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, record.Wrap(record.EUnavailable, err, "the API's answer was cut off")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, responseError(resp.StatusCode, data)
	}
	if out != nil {
		out.Write(data)
	}
	return resp.StatusCode, nil
}
