package ari

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// stubARI is a minimal ARI server for tests that need exact control over
// what the socket does (frames on demand, drops, refused handshakes). Tests
// of whole call flows use aritest instead.
type stubARI struct {
	t        *testing.T
	entityID string
	srv      *httptest.Server

	mu         sync.Mutex
	conns      []*websocket.Conn
	connected  chan struct{} // one value per accepted socket
	refuse     []int         // statuses to answer the next handshakes with
	handshakes int
	requests   []string // "METHOD /path?query"
	handlers   map[string]http.HandlerFunc
	password   string
	silent     bool          // accept sockets but never read: pings go unanswered
	done       chan struct{} // closed when the stub closes
}

func newStub(t *testing.T, entityID string) *stubARI {
	s := &stubARI{t: t, entityID: entityID, connected: make(chan struct{}, 64), handlers: map[string]http.HandlerFunc{}, password: "p", done: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.close)
	return s
}

func (s *stubARI) close() {
	close(s.done)
	s.mu.Lock()
	for _, c := range s.conns {
		c.CloseNow()
	}
	s.conns = nil
	s.mu.Unlock()
	s.srv.Close()
}

func (s *stubARI) config() Config {
	return Config{
		Nodes:      []NodeConfig{{URL: s.srv.URL + "/ari"}},
		Username:   "u",
		Password:   "p",
		MinBackoff: time.Millisecond,
		MaxBackoff: 20 * time.Millisecond,
	}
}

// handle sets the answer for "METHOD /path" (path below /ari).
func (s *stubARI) handle(route string, h http.HandlerFunc) {
	s.mu.Lock()
	s.handlers[route] = h
	s.mu.Unlock()
}

func (s *stubARI) serve(w http.ResponseWriter, r *http.Request) {
	if u, p, ok := r.BasicAuth(); !ok || u != "u" || p != s.password {
		w.Header().Set("WWW-Authenticate", `Basic realm="Asterisk REST Interface"`)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Authentication required"}`)
		s.mu.Lock()
		if r.URL.Path == "/ari/events" {
			s.handshakes++
		}
		s.mu.Unlock()
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/ari")
	if path == "/events" {
		s.events(w, r)
		return
	}
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+path+"?"+r.URL.RawQuery)
	h := s.handlers[r.Method+" "+path]
	s.mu.Unlock()
	switch {
	case h != nil:
		h(w, r)
	case path == "/asterisk/info":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"system":{"version":"stub","entity_id":%q}}`, s.entityID)
	case path == "/asterisk/ping":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"ping":"pong","timestamp":"2026-11-26T23:58:48.952+0000","asterisk_id":%q}`, s.entityID)
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		// Enough for operations that decode an answer; tests that look at
		// the answer set a handler.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
	}
}

func (s *stubARI) events(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.handshakes++
	var status int
	if len(s.refuse) > 0 {
		status, s.refuse = s.refuse[0], s.refuse[1:]
	}
	s.mu.Unlock()
	if r.URL.Query().Get("app") == "" {
		status = http.StatusBadRequest
	}
	if status != 0 {
		// Asterisk answers refused handshakes with an HTML page.
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d</title></head><body><p>refused by stub</p></body></html>", status)
		return
	}
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	silent := s.silent
	s.mu.Unlock()
	s.connected <- struct{}{}
	if silent {
		// A peer that is gone without a FIN: nothing is read, so pings
		// are never answered. Held until the client gives up.
		<-s.done
		return
	}
	// Read until the client goes; the stub only writes from tests.
	ctx := c.CloseRead(context.Background())
	<-ctx.Done()
}

// send writes a raw frame to every socket.
func (s *stubARI) send(frame string) {
	s.t.Helper()
	s.mu.Lock()
	conns := append([]*websocket.Conn(nil), s.conns...)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, c := range conns {
		if err := c.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
			s.t.Logf("stub send: %v", err)
		}
	}
}

// drop closes every socket without a close frame, as a dying Asterisk does.
func (s *stubARI) drop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.CloseNow()
	}
	s.conns = nil
}

func (s *stubARI) waitConnected(t *testing.T) {
	t.Helper()
	select {
	case <-s.connected:
	case <-time.After(10 * time.Second):
		t.Fatal("no websocket connection to the stub")
	}
}

func (s *stubARI) requestLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// event builds an event frame for tests.
func event(typ, node string, fields map[string]any) string {
	m := map[string]any{"type": typ, "application": "callsvc", "timestamp": "2026-11-26T23:57:01.345+0000", "asterisk_id": node}
	for k, v := range fields {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func chanJSON(id string) map[string]any {
	return map[string]any{
		"id": id, "name": "PJSIP/pstn-" + id, "state": "Up", "protocol_id": "",
		"caller": map[string]any{"name": "Alice", "number": "+15551234567"}, "connected": map[string]any{"name": "", "number": ""},
		"accountcode": "", "dialplan": map[string]any{"context": "from-pstn", "exten": "100", "priority": 2, "app_name": "Stasis", "app_data": "callsvc,inbound"},
		"creationtime": "2026-11-26T23:57:01.344+0000", "language": "en",
	}
}

// connectStub connects a client to the stubs and closes it at cleanup.
func connectStub(t *testing.T, stubs ...*stubARI) *Client {
	t.Helper()
	cfg := stubs[0].config()
	for _, s := range stubs[1:] {
		cfg.Nodes = append(cfg.Nodes, s.config().Nodes...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Connect(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	for _, s := range stubs {
		s.waitConnected(t)
	}
	return c
}

// next waits for the next event or fails the test.
func next(t *testing.T, sub *Subscription) Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ev, err := sub.Next(ctx)
	if err != nil {
		t.Fatalf("waiting for event: %v", err)
	}
	return ev
}

// waitState waits for a state change matching want.
func waitState(t *testing.T, states <-chan StateChange, want State) StateChange {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case sc, ok := <-states:
			if !ok {
				t.Fatalf("state feed closed while waiting for %v", want)
			}
			if sc.State == want {
				return sc
			}
		case <-deadline:
			t.Fatalf("no %v state change", want)
		}
	}
}
