package aritest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient is a raw ARI events reader for tests (deliberately not the
// callsvc/ari client: the stand-in is checked on its own).
type wsClient struct {
	conn *websocket.Conn

	mu       sync.Mutex
	events   []map[string]any
	raw      [][]byte
	closeErr error
	closed   bool
	changed  chan struct{}
}

func dialWS(t *testing.T, srv *Server, query string) *wsClient {
	t.Helper()
	c, err := tryDialWS(srv.WSURL()+"?"+query, srv.opts.Username, srv.opts.Password)
	if err != nil {
		t.Fatalf("websocket %s: %v", query, err)
	}
	t.Cleanup(func() { _ = c.conn.CloseNow() })
	return c
}

func tryDialWS(u, user, pass string) (*wsClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	h := http.Header{}
	req, _ := http.NewRequest(http.MethodGet, "http://x", nil)
	req.SetBasicAuth(user, pass)
	h.Set("Authorization", req.Header.Get("Authorization"))
	conn, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 22)
	c := &wsClient{conn: conn, changed: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *wsClient) read() {
	for {
		_, data, err := c.conn.Read(context.Background())
		c.mu.Lock()
		if err != nil {
			c.closed, c.closeErr = true, err
			close(c.changed)
			c.changed = make(chan struct{})
			c.mu.Unlock()
			return
		}
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			c.events = append(c.events, m)
			c.raw = append(c.raw, data)
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
}

// waitFor waits until cond holds on the events so far.
func (c *wsClient) waitFor(ctx context.Context, cond func(events []map[string]any, closed bool) bool) error {
	for {
		c.mu.Lock()
		done := cond(c.events, c.closed)
		ch := c.changed
		c.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// waitEvent waits for the first event of type typ matching match (nil: any)
// after the first skip events, and returns it with its index.
func (c *wsClient) waitEvent(t *testing.T, typ string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var found map[string]any
	err := c.waitFor(ctx, func(evs []map[string]any, _ bool) bool {
		for _, e := range evs {
			if e["type"] == typ && (match == nil || match(e)) {
				found = e
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("wait for %s: %v; got %v", typ, err, c.types())
	}
	return found
}

func (c *wsClient) types() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.events))
	for _, e := range c.events {
		out = append(out, e["type"].(string))
	}
	return out
}

func (c *wsClient) snapshot() []map[string]any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]map[string]any(nil), c.events...)
}

// abnormal reports whether the server dropped the connection without a
// close frame.
func (c *wsClient) abnormal() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed && websocket.CloseStatus(c.closeErr) == -1 && !errors.Is(c.closeErr, context.Canceled)
}

// rest is a raw ARI REST caller for tests.
type rest struct {
	t   *testing.T
	srv *Server
}

type restResult struct {
	status int
	header http.Header
	body   []byte
}

func (r restResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return m
}

func (r rest) do(method, path string, query url.Values, body []byte) restResult {
	r.t.Helper()
	res, err := doREST(r.srv, method, path, query.Encode(), body, "")
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// doREST sends one request; auth "" uses the server's credentials,
// "none" none, "basic u:p" those.
func doREST(srv *Server, method, path, rawQuery string, body []byte, auth string) (restResult, error) {
	u := srv.URL() + path
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return restResult{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case auth == "":
		req.SetBasicAuth(srv.opts.Username, srv.opts.Password)
	case auth == "none":
	default:
		up := auth[len("basic "):]
		user, pass, _ := cutColon(up)
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return restResult{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return restResult{}, err
	}
	return restResult{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// jsonID is the "id" member of a JSON object body, "" if none.
func (r restResult) jsonID() string {
	var m map[string]any
	if json.Unmarshal(r.body, &m) != nil {
		return ""
	}
	id, _ := m["id"].(string)
	return id
}
