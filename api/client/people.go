package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"callsvc/api/record"
)

// What a person does from a screen (the web console uses these, through the
// same routes and checks as any other client).

// Transfer passes a live call on (POST /v1/calls/{id}/transfer): blind or
// attended to a person, extension or department, then complete or cancel.
// req.CallID names the call; an agent token acts as its staff member.
func (c *Client) Transfer(ctx context.Context, req record.TransferRequest) (record.TransferResult, error) {
	var res record.TransferResult
	if err := c.do(ctx, http.MethodPost, "/v1/calls/"+url.PathEscape(req.CallID)+"/transfer", nil, req, &res); err != nil {
		return res, fmt.Errorf("transfer: %w", err)
	}
	return res, nil
}

// AddNote puts a note on a call; live reports whether it travels with the
// live call to the next person (false: the timeline only).
func (c *Client) AddNote(ctx context.Context, callID, text string) (live bool, err error) {
	var res struct {
		Live bool `json:"live"`
	}
	in := struct {
		Text string `json:"text"`
	}{text}
	if err := c.do(ctx, http.MethodPost, "/v1/calls/"+url.PathEscape(callID)+"/notes", nil, in, &res); err != nil {
		return false, fmt.Errorf("add note: %w", err)
	}
	return res.Live, nil
}

// AnswerUrgent accepts or declines a caller holding for this token's
// person with an urgent matter.
func (c *Client) AnswerUrgent(ctx context.Context, callID string, accept bool) error {
	in := struct {
		Answer string `json:"answer"`
	}{"decline"}
	if accept {
		in.Answer = "accept"
	}
	if err := c.do(ctx, http.MethodPost, "/v1/calls/"+url.PathEscape(callID)+"/urgent", nil, in, nil); err != nil {
		return fmt.Errorf("answer urgent: %w", err)
	}
	return nil
}

// PresenceUpdate is what SetPresence sends: the status, and for out or
// event where (and for out when back). Working hours are left as stored.
type PresenceUpdate struct {
	Status string     `json:"status"`
	Where  string     `json:"where,omitempty"`
	BackAt *time.Time `json:"back_at,omitempty"`
	Note   string     `json:"note,omitempty"`
}

// SetPresence sets a person's presence (an agent: their own only).
func (c *Client) SetPresence(ctx context.Context, staffID string, p PresenceUpdate) (record.Presence, error) {
	var res record.Presence
	if err := c.do(ctx, http.MethodPut, "/v1/staff/"+url.PathEscape(staffID)+"/presence", nil, p, &res); err != nil {
		return res, fmt.Errorf("set presence: %w", err)
	}
	return res, nil
}

// ListMessages returns one page of messages, newest first (an agent: their
// own only).
func (c *Client) ListMessages(ctx context.Context, f record.MessageFilter) (record.MessagePage, error) {
	q := pageQuery(record.ListQuery{Limit: f.Limit, Cursor: f.Cursor})
	if f.Status != "" {
		q.Set("status", f.Status)
	}
	if f.ForStaffID != "" {
		q.Set("staff_id", f.ForStaffID)
	}
	var page record.MessagePage
	if err := c.do(ctx, http.MethodGet, "/v1/messages", q, nil, &page); err != nil {
		return page, fmt.Errorf("list messages: %w", err)
	}
	return page, nil
}

// HandleMessage marks a message handled.
func (c *Client) HandleMessage(ctx context.Context, id string) (record.Message, error) {
	var m record.Message
	if err := c.do(ctx, http.MethodPost, "/v1/messages/"+url.PathEscape(id)+"/handled", nil, nil, &m); err != nil {
		return m, fmt.Errorf("handle message: %w", err)
	}
	return m, nil
}

// Summary reads the S21 figures over [q.From, q.To) grouped by q.By, with
// day boundaries in q.Location (UTC when nil).
func (c *Client) Summary(ctx context.Context, q record.SummaryQuery) ([]record.SummaryRow, error) {
	v := url.Values{}
	v.Set("from", q.From.UTC().Format(time.RFC3339Nano))
	v.Set("to", q.To.UTC().Format(time.RFC3339Nano))
	v.Set("by", q.By)
	if q.Location != nil {
		v.Set("tz", q.Location.String())
	}
	var res struct {
		Rows []record.SummaryRow `json:"rows"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/reports/summary", v, nil, &res); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	return res.Rows, nil
}

// ListStaffAll is the whole directory, page by page.
func (c *Client) ListStaffAll(ctx context.Context) ([]record.Staff, error) {
	var all []record.Staff
	cursor := ""
	for {
		page, next, err := c.ListStaff(ctx, record.ListQuery{Limit: 1000, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}
