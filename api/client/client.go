// Package client is a small Go client of callsvc's HTTP API, for the call
// engine when it runs apart from the API (and for tools). Every error it
// returns is a *record.Error: the server's code and message for an error
// response, EUnavailable when the server cannot be reached or is failing
// (so the caller knows to spool and retry), EInvalid for a request it
// refuses to send.
//
//	c := client.New("http://callsvc:8080", token, nil)
//	if err := c.UpsertCalls(ctx, calls); record.ErrorCode(err) == record.EUnavailable {
//		// spool and replay later
//	}
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
	"strings"
	"time"

	"callsvc/api/record"
)

// MaxCallBatch and MaxEventBatch are the server's batch sizes; longer
// slices are sent in several requests (each its own transaction).
const (
	MaxCallBatch  = 1000
	MaxEventBatch = 5000
)

// Client talks to one API server with one token. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// New returns a client of the API at baseURL ("http://host:8080") using the
// bearer token. hc nil means a client with a 30 s timeout.
func New(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token, hc: hc}
}

// UpsertCalls writes call summaries (newer updated_at wins on the server).
func (c *Client) UpsertCalls(ctx context.Context, calls []record.Call) error {
	for start := 0; start < len(calls); start += MaxCallBatch {
		batch := calls[start:min(start+MaxCallBatch, len(calls))]
		if err := c.do(ctx, http.MethodPost, "/v1/calls", nil, batch, nil); err != nil {
			return fmt.Errorf("upsert calls: %w", err)
		}
	}
	return nil
}

// AppendEvents adds timeline events and reports how many were new.
func (c *Client) AppendEvents(ctx context.Context, events []record.Event) (int, error) {
	total := 0
	for start := 0; start < len(events); start += MaxEventBatch {
		batch := events[start:min(start+MaxEventBatch, len(events))]
		var res struct {
			Inserted int `json:"inserted"`
		}
		if err := c.do(ctx, http.MethodPost, "/v1/events", nil, batch, &res); err != nil {
			return total, fmt.Errorf("append events: %w", err)
		}
		total += res.Inserted
	}
	return total, nil
}

// GetCall returns a call and its timeline.
func (c *Client) GetCall(ctx context.Context, id string) (record.Call, []record.Event, error) {
	var res struct {
		Call   record.Call    `json:"call"`
		Events []record.Event `json:"events"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/calls/"+url.PathEscape(id), nil, nil, &res); err != nil {
		return record.Call{}, nil, fmt.Errorf("get call: %w", err)
	}
	return res.Call, res.Events, nil
}

// ListCalls returns one page of the call log; pass the page's NextCursor as
// f.Cursor for the next.
func (c *Client) ListCalls(ctx context.Context, f record.CallFilter) (record.CallPage, error) {
	q := url.Values{}
	setTime := func(name string, t time.Time) {
		if !t.IsZero() {
			q.Set(name, t.UTC().Format(time.RFC3339Nano))
		}
	}
	set := func(name, v string) {
		if v != "" {
			q.Set(name, v)
		}
	}
	setTime("from", f.From)
	setTime("to", f.To)
	set("caller", f.CallerNumber)
	set("staff_id", f.StaffID)
	set("intent", f.Intent)
	set("outcome", f.Outcome)
	set("q", f.Text)
	set("cursor", f.Cursor)
	if f.WithinRings != 0 {
		q.Set("within_rings", strconv.Itoa(f.WithinRings))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var page record.CallPage
	if err := c.do(ctx, http.MethodGet, "/v1/calls", q, nil, &page); err != nil {
		return record.CallPage{}, fmt.Errorf("list calls: %w", err)
	}
	return page, nil
}

// FindCustomerByPhone returns the customer with that number (in any common
// notation), or an ENotFound error.
func (c *Client) FindCustomerByPhone(ctx context.Context, number string) (record.Customer, error) {
	var res struct {
		Customers []record.Customer `json:"customers"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/customers", url.Values{"phone": {number}}, nil, &res); err != nil {
		return record.Customer{}, fmt.Errorf("find customer: %w", err)
	}
	if len(res.Customers) == 0 {
		return record.Customer{}, fmt.Errorf("find customer: %w", record.Errorf(record.ENotFound, "no customer has number %s", number))
	}
	return res.Customers[0], nil
}

// ListStaff returns one page of the staff directory and the next page's cursor.
func (c *Client) ListStaff(ctx context.Context, lq record.ListQuery) ([]record.Staff, string, error) {
	var res struct {
		Staff      []record.Staff `json:"staff"`
		NextCursor string         `json:"next_cursor"`
	}
	if err := c.do(ctx, http.MethodGet, "/v1/staff", pageQuery(lq), nil, &res); err != nil {
		return nil, "", fmt.Errorf("list staff: %w", err)
	}
	return res.Staff, res.NextCursor, nil
}

// do sends one request with in as its JSON body (none when nil) and
// decodes a 2xx JSON answer into out (if not nil).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) error {
	var body []byte
	contentType := ""
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return record.Wrap(record.EInvalid, err, "the request cannot be encoded")
		}
		body, contentType = b, "application/json"
	}
	_, data, err := c.send(ctx, method, path, q, contentType, "application/json", body)
	if err != nil {
		return err
	}
	return decodeAnswer(data, out)
}

// decodeAnswer decodes a 2xx answer's JSON into out (if not nil).
func decodeAnswer(data []byte, out any) error {
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return record.Wrap(record.EInternal, err, "the API's answer is not the expected JSON")
	}
	return nil
}

// maxAnswer bounds how much of an answer is read.
const maxAnswer = 64 << 20

// send performs one request with a body of contentType (no body when body
// is nil) and returns a 2xx answer's status and body; any other answer
// becomes the server's error. accept, when set, is sent as Accept.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, contentType, accept string, body []byte) (int, []byte, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, record.Wrap(record.EInvalid, err, "the request cannot be built")
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, record.Wrap(record.EUnavailable, errors.Join(ctx.Err(), err), "the request was cancelled")
		}
		return 0, nil, record.Wrap(record.EUnavailable, err, "the API cannot be reached")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, record.Wrap(record.EUnavailable, err, "the API's answer was cut off")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, nil, responseError(resp.StatusCode, data)
	}
	return resp.StatusCode, data, nil
}

// pageQuery puts a list query's limit and cursor in the URL, leaving out
// those not set.
func pageQuery(lq record.ListQuery) url.Values {
	q := url.Values{}
	if lq.Limit != 0 {
		q.Set("limit", strconv.Itoa(lq.Limit))
	}
	if lq.Cursor != "" {
		q.Set("cursor", lq.Cursor)
	}
	return q
}

// responseError turns an error response into the server's *record.Error;
// a body that is not our error JSON (a proxy's page) is classed by status.
func responseError(status int, data []byte) error {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &body) == nil && body.Error.Code != "" {
		return &record.Error{Code: body.Error.Code, Message: body.Error.Message, Err: fmt.Errorf("HTTP %d", status)}
	}
	code := record.EInternal
	switch {
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		code = record.EUnavailable
	case status == http.StatusNotFound:
		code = record.ENotFound
	case status == http.StatusUnauthorized:
		code = record.EUnauthorized
	case status == http.StatusForbidden:
		code = record.EForbidden
	case status == http.StatusTooManyRequests:
		code = record.ERateLimited
	}
	return &record.Error{Code: code, Message: fmt.Sprintf("the API answered HTTP %d", status), Err: fmt.Errorf("HTTP %d: %.200s", status, data)}
}
