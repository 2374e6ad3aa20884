package ari

import "context"

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
	c := newClient(cfg)
	if err := c.identifyNodes(ctx); err != nil {
		return nil, err
	}
	return c, nil
}
