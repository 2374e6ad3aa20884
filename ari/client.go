package ari

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Client talks to one or more Asterisk nodes over ARI: REST requests routed
// by the node in each Key, and one event WebSocket per node, kept alive.
// It is safe for concurrent use.
type Client struct {
	cfg    Config
	log    zerolog.Logger
	http   *http.Client
	wsHTTP *http.Client
	nodes  map[string]*node
	order  []string // entity ids in configuration order
	bus    *bus

	ctx    context.Context // ends on Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	stateMu    sync.Mutex
	stateFeeds []*feed[StateChange]
	closed     bool // guarded by stateMu
}

// Default socket settings.
const (
	DefaultPingInterval = 20 * time.Second
	DefaultMaxEventSize = 1 << 20
)

// ErrUnknownNode is returned for a Key or node id the client is not
// connected to.
var ErrUnknownNode = errors.New("ari: unknown node")

// ErrClosed is returned by operations on a closed Client.
var ErrClosed = errors.New("ari: client closed")

// Connect asks every configured node for its entity id (failing fast on bad
// credentials or an unreachable node), opens one event socket per node and
// waits, within ctx, until each is up. The sockets then reconnect by
// themselves until Close.
func Connect(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = DefaultPingInterval
	}
	if cfg.MaxEventSize <= 0 {
		cfg.MaxEventSize = DefaultMaxEventSize
	}
	c := newClient(cfg)
	if err := c.identifyNodes(ctx); err != nil {
		return nil, err
	}
	for _, id := range c.order {
		n := c.nodes[id]
		c.wg.Go(func() { n.run(c.ctx) })
	}
	for _, id := range c.order {
		n := c.nodes[id]
		select {
		case <-n.firstUp:
		case <-ctx.Done():
			c.Close()
			return nil, fmt.Errorf("connect node %s: event socket: %w", id, ctx.Err())
		}
		n.mu.Lock()
		st, err := n.state, n.err
		n.mu.Unlock()
		if st != StateConnected {
			c.Close()
			return nil, fmt.Errorf("connect node %s: %w", id, err)
		}
	}
	c.log.Info().Strs("nodes", c.order).Str("app", cfg.Application).Msg("ari connected")
	return c, nil
}

// newClient builds a Client for cfg (defaults already applied) with no
// nodes yet and nothing running.
func newClient(cfg Config) *Client {
	c := &Client{cfg: cfg, nodes: map[string]*node{}, log: zerolog.Nop()}
	if cfg.Logger != nil {
		c.log = *cfg.Logger
	}
	c.http = cfg.HTTPClient
	if c.http == nil {
		c.http = &http.Client{Transport: newTransport()}
	}
	// The socket dial gets its own transport: a hijacked connection must
	// not come from (or count against) the REST keep-alive pool.
	c.wsHTTP = &http.Client{Transport: newTransport()}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.bus = newBus(&c.wg)
	return c
}

// identifyNodes asks every configured node for its entity id and registers
// it under that id, so bad credentials or an unreachable node fail here. On
// error the client is closed.
func (c *Client) identifyNodes(ctx context.Context) error {
	for i, nc := range c.cfg.Nodes {
		n := &node{c: c, cfg: nc, firstUp: make(chan struct{})}
		info, err := c.info(ctx, n, "system")
		if err != nil {
			c.Close()
			return fmt.Errorf("connect node %d (%s): %w", i, nc.URL, err)
		}
		n.id = nodeID(info, nc)
		if _, dup := c.nodes[n.id]; dup {
			c.Close()
			return fmt.Errorf("%w: nodes share entity id %q", ErrConfig, n.id)
		}
		c.nodes[n.id] = n
		c.order = append(c.order, n.id)
	}
	return nil
}

// nodeID is the entity id, or host:port for a server that does not tell.
func nodeID(info *AsteriskInfo, nc NodeConfig) string {
	if info != nil && info.System != nil && info.System.EntityID != "" {
		return info.System.EntityID
	}
	if u, err := url.Parse(nc.URL); err == nil {
		return u.Host
	}
	return nc.URL
}

func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:       http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		// Many calls act at once on one node: a pool smaller than the
		// requests in flight closes a connection after nearly every burst
		// and dials a new one (a handshake each, and TIME_WAIT sockets
		// piling up until ephemeral ports run out at a few hundred calls/s).
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   512,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// Close stops the event sockets, ends every subscription and waits for the
// client's goroutines.
func (c *Client) Close() error {
	c.bus.shutdown()
	c.stateMu.Lock()
	c.closed = true
	c.stateMu.Unlock()
	c.cancel()
	c.wg.Wait()
	c.stateMu.Lock()
	for _, f := range c.stateFeeds {
		f.close()
	}
	c.stateMu.Unlock()
	c.http.CloseIdleConnections()
	c.wsHTTP.CloseIdleConnections()
	return nil
}

// Nodes lists the entity ids of the connected nodes, in configuration order.
func (c *Client) Nodes() []string { return slices.Clone(c.order) }

// AppName is the Stasis application name.
func (c *Client) AppName() string { return c.cfg.Application }

// State is the node's current event socket state.
func (c *Client) State(node string) State {
	n, ok := c.nodes[node]
	if !ok {
		return StateClosed
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.state
}

// WatchState delivers every state change of every node, in order, until ctx
// ends or the client closes.
func (c *Client) WatchState(ctx context.Context) <-chan StateChange {
	f := newFeed[StateChange]()
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	if c.closed {
		close(f.out)
		return f.out
	}
	c.stateFeeds = append(c.stateFeeds, f)
	c.wg.Go(func() {
		f.run(ctx, c.ctx.Done())
		c.stateMu.Lock()
		c.stateFeeds = slices.DeleteFunc(c.stateFeeds, func(x *feed[StateChange]) bool { return x == f })
		c.stateMu.Unlock()
	})
	return f.out
}

func (c *Client) publishState(sc StateChange) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	for _, f := range c.stateFeeds {
		f.push(sc)
	}
}

// node finds the node that owns id.
func (c *Client) node(id string) (*node, error) {
	if c.ctx.Err() != nil {
		return nil, ErrClosed
	}
	n, ok := c.nodes[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownNode, id)
	}
	return n, nil
}

// Subscribe receives the events of the given resources (channels, bridges,
// playbacks, recordings...), in order. Playback and recording events also
// go to the subscribers of their target channel or bridge. It is registered
// before Subscribe returns.
func (c *Client) Subscribe(ctx context.Context, keys ...Key) *Subscription {
	return c.bus.subscribeKeys(ctx, keys)
}

// SubscribeTypes receives every event of the given types from node ("" for
// all nodes); no types means every event.
func (c *Client) SubscribeTypes(ctx context.Context, node string, types ...string) *Subscription {
	return c.bus.subscribeTypes(ctx, node, types)
}

// StasisStarts receives every StasisStart of the application on node (""
// for all nodes): new inbound calls, and also channels this client
// originated into the application (tell them apart by Args).
func (c *Client) StasisStarts(ctx context.Context, node string) *Subscription {
	return c.bus.subscribeTypes(ctx, node, []string{"StasisStart"})
}
