package ari

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// request is one REST call below a node's ARI base URL.
type request struct {
	method string
	path   string     // e.g. "/channels/ID/answer", segments already escaped
	query  url.Values // may be nil
	body   any        // JSON-encoded when non-nil
}

// do sends r to node n and decodes a JSON answer into out (when non-nil).
func (c *Client) do(ctx context.Context, n *node, r request, out any) error {
	resp, cancel, err := c.send(ctx, n, r)
	if err != nil {
		return err
	}
	defer cancel()
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("ari %s %s on %s: decode answer: %w", r.method, r.path, n.id, err)
	}
	return nil
}

// list GETs the list at path (with q) from node and stamps each item with
// the node it came from, which the wire format does not carry.
func list[T any](ctx context.Context, c *Client, node, step, path string, q query, stamp func(*T, string)) ([]T, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	var out []T
	if err := c.do(ctx, n, request{method: http.MethodGet, path: path, query: q.values()}, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", step, err)
	}
	for i := range out {
		stamp(&out[i], n.id)
	}
	return out, nil
}

// send performs r and returns a successful response (the caller closes the
// body, then calls cancel) or an error: *Error for non-2xx answers.
func (c *Client) send(ctx context.Context, n *node, r request) (*http.Response, context.CancelFunc, error) {
	// The context's own deadline wins when it is earlier.
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	u := n.cfg.URL + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("ari %s %s: encode body: %w", r.method, r.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("ari %s %s: build request: %w", r.method, r.path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.SetBasicAuth(c.cfg.Username, c.cfg.Password)
	resp, err := c.http.Do(req)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("ari %s %s on %s: %w", r.method, r.path, n.name(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		cancel()
		e := decodeError(resp.StatusCode, resp.Header.Get("Content-Type"), b)
		e.Node, e.Method, e.Path = n.id, r.method, r.path
		return nil, nil, e
	}
	return resp, cancel, nil
}

// seg escapes one path segment (ids may hold '/' or '@' in odd setups).
func seg(s string) string { return url.PathEscape(s) }

// query builds url.Values skipping empty strings, so optional parameters
// are left out rather than sent empty.
type query url.Values

func (q query) str(k, v string) query {
	if v != "" {
		url.Values(q).Set(k, v)
	}
	return q
}

func (q query) num(k string, v int) query {
	if v != 0 {
		url.Values(q).Set(k, strconv.Itoa(v))
	}
	return q
}

func (q query) flag(k string, v bool) query {
	if v {
		url.Values(q).Set(k, "true")
	}
	return q
}

func (q query) values() url.Values { return url.Values(q) }
