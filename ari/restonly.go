package ari

import (
	"context"
	"fmt"
	"net/http"

	"github.com/rs/zerolog"
)

// ConnectREST is Connect without the event sockets: a Client for REST
// requests only, for diagnostics such as `callsvc doctor`. Opening an event
// socket registers the application, and a second socket for the same
// application takes it over from a running service (Asterisk sends
// ApplicationReplaced to the old one), so a check must not open one. Like
// Connect it asks each node for its entity id first, so bad credentials or
// an unreachable node fail here; Subscribe and the other event methods
// deliver nothing.
func ConnectREST(ctx context.Context, cfg Config) (*Client, error) {
	if err := cfg.withDefaults(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, nodes: map[string]*node{}, log: zerolog.Nop()}
	if cfg.Logger != nil {
		c.log = *cfg.Logger
	}
	c.http = cfg.HTTPClient
	if c.http == nil {
		c.http = &http.Client{Transport: newTransport()}
	}
	c.wsHTTP = &http.Client{Transport: newTransport()} // unused; Close expects it
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.bus = newBus(c.ctx.Done(), &c.wg)
	for i, nc := range cfg.Nodes {
		n := &node{c: c, cfg: nc, firstUp: make(chan struct{})}
		info, err := c.info(ctx, n, "system")
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("connect node %d (%s): %w", i, nc.URL, err)
		}
		n.id = nodeID(info, nc)
		if _, dup := c.nodes[n.id]; dup {
			c.Close()
			return nil, fmt.Errorf("%w: nodes share entity id %q", ErrConfig, n.id)
		}
		c.nodes[n.id] = n
		c.order = append(c.order, n.id)
	}
	return c, nil
}
