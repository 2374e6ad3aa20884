package ari

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// State is a node's event connection state.
type State int

// Connection states.
const (
	StateConnecting   State = iota // not yet connected
	StateConnected                 // the event socket is up
	StateDisconnected              // lost; reconnecting with backoff
	StateFailed                    // gave up: bad credentials or configuration
	StateClosed                    // the client was closed
)

// String names the state for logs.
func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateDisconnected:
		return "disconnected"
	case StateFailed:
		return "failed"
	case StateClosed:
		return "closed"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// StateChange reports a node's event socket going up or down.
type StateChange struct {
	Node  string
	State State
	// Reconnected is set on StateConnected after a loss: events may have
	// been missed, so the engine should resync (see Client.Resync).
	Reconnected bool
	Err         error // why it went down or failed
	At          time.Time
}

// node is one Asterisk: its REST base and its event socket loop.
type node struct {
	c   *Client
	cfg NodeConfig
	id  string // entity id

	mu        sync.Mutex
	state     State
	err       error
	firstUp   chan struct{} // closed on first connect or on failure
	firstOnce sync.Once
}

// name is the entity id, or the URL before it is known.
func (n *node) name() string {
	if n.id != "" {
		return n.id
	}
	return n.cfg.URL
}

func (n *node) setState(s State, reconnected bool, err error) {
	n.mu.Lock()
	n.state, n.err = s, err
	n.mu.Unlock()
	n.c.publishState(StateChange{Node: n.id, State: s, Reconnected: reconnected, Err: err, At: time.Now()})
	if s == StateConnected || s == StateFailed || s == StateClosed {
		n.firstOnce.Do(func() { close(n.firstUp) })
	}
}

func (n *node) wsURL() string {
	v := url.Values{"app": {n.c.cfg.Application}}
	if n.c.cfg.SubscribeAll {
		v.Set("subscribeAll", "true")
	}
	return n.cfg.WSURL + "?" + v.Encode()
}

// run keeps the event socket up until ctx ends or the failure is fatal.
func (n *node) run(ctx context.Context) {
	log := n.c.log.With().Str("node", n.id).Logger()
	attempt := 0
	everUp := false
	for {
		conn, err := n.dial(ctx)
		if ctx.Err() != nil {
			if conn != nil {
				conn.CloseNow()
			}
			n.setState(StateClosed, false, nil)
			return
		}
		if err != nil {
			var he *Error
			if errors.As(err, &he) && !retryableStatus(he.Status) {
				log.Error().Err(err).Msg("ari event socket refused; not retrying")
				n.setState(StateFailed, false, err)
				return
			}
			if attempt == 0 && !everUp {
				// After a loss, Disconnected was already reported.
				n.setState(StateDisconnected, false, err)
			}
			wait := n.c.backoff(attempt)
			attempt++
			log.Warn().Err(err).Dur("retry_in", wait).Int("attempt", attempt).Msg("ari event socket connect failed")
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				n.setState(StateClosed, false, nil)
				return
			case <-t.C:
			}
			continue
		}
		attempt = 0
		log.Info().Bool("reconnected", everUp).Msg("ari event socket connected")
		n.setState(StateConnected, everUp, nil)
		everUp = true
		err = n.read(ctx, conn)
		if ctx.Err() != nil {
			conn.Close(websocket.StatusNormalClosure, "client closing")
			n.setState(StateClosed, false, nil)
			return
		}
		conn.CloseNow()
		log.Warn().Err(err).Msg("ari event socket lost; reconnecting")
		n.setState(StateDisconnected, false, err)
	}
}

// dial opens the event socket; a refused handshake becomes *Error.
func (n *node) dial(ctx context.Context) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, n.c.cfg.RequestTimeout)
	defer cancel()
	h := http.Header{"Authorization": {basicAuth(n.c.cfg.Username, n.c.cfg.Password)}}
	conn, resp, err := websocket.Dial(ctx, n.wsURL(), &websocket.DialOptions{HTTPClient: n.c.wsHTTP, HTTPHeader: h})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			var body []byte
			if resp.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
				resp.Body.Close()
			}
			e := decodeError(resp.StatusCode, resp.Header.Get("Content-Type"), body)
			e.Node, e.Method, e.Path = n.id, http.MethodGet, "/events"
			return nil, fmt.Errorf("ari event socket: %w", e)
		}
		return nil, fmt.Errorf("ari event socket: %w", err)
	}
	conn.SetReadLimit(n.c.cfg.MaxEventSize)
	return conn, nil
}

// read decodes and dispatches frames until the socket fails. A frame that
// does not decode is logged and skipped; it never stops the stream.
func (n *node) read(ctx context.Context, conn *websocket.Conn) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pingErr := make(chan error, 1)
	go n.keepalive(ctx, conn, pingErr)
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			select {
			case perr := <-pingErr:
				return fmt.Errorf("keepalive: %w", perr)
			default:
			}
			return err
		}
		if typ != websocket.MessageText {
			n.c.log.Warn().Str("node", n.id).Msg("ari: skipped non-text event frame")
			continue
		}
		ev, err := DecodeEvent(n.id, data)
		if err != nil {
			n.c.log.Warn().Str("node", n.id).Err(err).Int("bytes", len(data)).Msg("ari: skipped malformed event")
			continue
		}
		if _, ok := ev.(*ApplicationReplaced); ok {
			n.c.log.Warn().Str("node", n.id).Msg("ari: another connection took over the application")
		}
		n.c.bus.dispatch(ev)
	}
}

// keepalive pings so a dead TCP connection (no close frame, as when
// Asterisk stops) is noticed even when no events flow.
func (n *node) keepalive(ctx context.Context, conn *websocket.Conn, errc chan<- error) {
	t := time.NewTicker(n.c.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, n.c.cfg.RequestTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				errc <- err
				conn.CloseNow()
				return
			}
		}
	}
}

// backoff gives the wait before reconnect attempt n: doubling from
// MinBackoff, capped at MaxBackoff, with "equal jitter" (half fixed, half
// random) so many clients do not reconnect in step.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.MinBackoff
	for i := 0; i < attempt && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.MaxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}
