package ari

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Endpoints lists the node's endpoints.
func (c *Client) Endpoints(ctx context.Context, node string) ([]Endpoint, error) {
	return list(ctx, c, node, "list endpoints", "/endpoints", nil,
		func(v *Endpoint, node string) { v.Node = node })
}

// Endpoint gets one endpoint with its state ("online", "offline"...). Its
// key's ID is "tech/resource" (EndpointKey).
func (c *Client) Endpoint(ctx context.Context, ep Key) (*Endpoint, error) {
	if err := ep.check(KindEndpoint); err != nil {
		return nil, err
	}
	tech, res, ok := strings.Cut(ep.ID, "/")
	if !ok || tech == "" || res == "" {
		return nil, fmt.Errorf("%w: endpoint id %q is not tech/resource", ErrBadKey, ep.ID)
	}
	n, err := c.node(ep.Node)
	if err != nil {
		return nil, err
	}
	var out Endpoint
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/endpoints/" + seg(tech) + "/" + seg(res)}, &out); err != nil {
		return nil, fmt.Errorf("get endpoint %s: %w", ep.ID, err)
	}
	out.Node = n.id
	return &out, nil
}
