package aritest

import (
	"context"
	"net/http"
	"strings"

	"github.com/coder/websocket"
)

// serveEvents is GET /ari/events?app=NAME[,NAME...][&subscribeAll=true].
func (s *Server) serveEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.loading > 0 {
		// res_ari not loaded yet: Asterisk's HTTP server has no such URI.
		s.loading--
		s.mu.Unlock()
		writeHTML(w, http.StatusNotFound, "404 Not Found", "Not Found", "The requested URL was not found on this server.")
		return
	}
	s.mu.Unlock()
	q := r.URL.Query()
	var names []string
	for _, n := range strings.Split(q.Get("app"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		writeHTML(w, http.StatusBadRequest, "400 Bad Request", "Bad Request", "HTTP request is missing param: [app]")
		return
	}
	all := q.Get("subscribeAll") == "true" || q.Get("subscribeAll") == "1"
	// Register before the handshake completes: a client may act the moment
	// it sees 101, and its application must already exist then.
	var counted Clock
	if s.counted {
		counted = s.clock
	}
	wc := newWSConn(nil, counted)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		writeHTML(w, http.StatusServiceUnavailable, "503 Service Unavailable", "Service Unavailable", "Shutting down.")
		return
	}
	s.conns[wc] = true
	close(s.connsChanged)
	s.connsChanged = make(chan struct{})
	for _, n := range names {
		a := s.st.apps[n]
		if a == nil {
			a = newApp(n)
			s.st.apps[n] = a
		}
		if a.conn != nil && a.conn != wc {
			// The old socket is told and then left open, as Asterisk does.
			s.deliver([]*app{a}, "ApplicationReplaced")
		}
		a.conn = wc
		a.all = all
	}
	s.mu.Unlock()

	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		s.mu.Lock()
		s.detachConnLocked(wc)
		s.mu.Unlock()
		wc.stop()
		return // Accept already answered the client
	}
	wc.c = c
	ctx := c.CloseRead(context.Background())
	wc.run(ctx)

	s.mu.Lock()
	s.detachConnLocked(wc)
	s.mu.Unlock()
}
