package ari

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// BridgeOptions for CreateBridge. Type is a comma list such as "mixing",
// "holding", "mixing,dtmf_events" (default "mixing").
type BridgeOptions struct {
	Type string
	ID   string // client-chosen id; "" lets Asterisk pick
	Name string
}

// CreateBridge creates a bridge on node.
func (c *Client) CreateBridge(ctx context.Context, node string, o BridgeOptions) (*Bridge, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	if o.Type == "" {
		o.Type = "mixing"
	}
	q := query{}.str("type", o.Type).str("bridgeId", o.ID).str("name", o.Name)
	var out Bridge
	if err := c.do(ctx, n, request{method: http.MethodPost, path: "/bridges", query: q.values()}, &out); err != nil {
		return nil, fmt.Errorf("create bridge: %w", err)
	}
	out.Node = n.id
	return &out, nil
}

// Bridges lists the node's bridges.
func (c *Client) Bridges(ctx context.Context, node string) ([]Bridge, error) {
	return list(ctx, c, node, "list bridges", "/bridges", nil,
		func(v *Bridge, node string) { v.Node = node })
}

// Bridge gets one bridge.
func (c *Client) Bridge(ctx context.Context, b Key) (*Bridge, error) {
	if err := b.check(KindBridge); err != nil {
		return nil, err
	}
	n, err := c.node(b.Node)
	if err != nil {
		return nil, err
	}
	var out Bridge
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/bridges/" + seg(b.ID)}, &out); err != nil {
		return nil, fmt.Errorf("get bridge: %w", err)
	}
	out.Node = n.id
	return &out, nil
}

func (c *Client) bridgeOp(ctx context.Context, step string, b Key, method, sub string, q query) error {
	if err := b.check(KindBridge); err != nil {
		return err
	}
	n, err := c.node(b.Node)
	if err != nil {
		return err
	}
	if err := c.do(ctx, n, request{method: method, path: "/bridges/" + seg(b.ID) + sub, query: q.values()}, nil); err != nil {
		return fmt.Errorf("%s %s: %w", step, b.ID, err)
	}
	return nil
}

// DestroyBridge destroys the bridge (channels in it stay up).
func (c *Client) DestroyBridge(ctx context.Context, b Key) error {
	return c.bridgeOp(ctx, "destroy bridge", b, http.MethodDelete, "", nil)
}

// channelList joins channel ids, refusing channels of another node: a
// bridge can only hold channels of its own Asterisk.
func channelList(b Key, chs []Key) (string, error) {
	ids := make([]string, len(chs))
	for i, ch := range chs {
		if err := ch.check(KindChannel); err != nil {
			return "", err
		}
		if ch.Node != b.Node {
			return "", fmt.Errorf("%w: channel %s is not on the bridge's node %s", ErrBadKey, ch, b.Node)
		}
		ids[i] = ch.ID
	}
	return strings.Join(ids, ","), nil
}

// AddChannel puts channels into the bridge. A channel not in Stasis gives a
// 422 (IsUnprocessable).
func (c *Client) AddChannel(ctx context.Context, b Key, chs ...Key) error {
	ids, err := channelList(b, chs)
	if err != nil {
		return err
	}
	return c.bridgeOp(ctx, "add to bridge", b, http.MethodPost, "/addChannel", query{}.str("channel", ids))
}

// RemoveChannel takes channels out of the bridge.
func (c *Client) RemoveChannel(ctx context.Context, b Key, chs ...Key) error {
	ids, err := channelList(b, chs)
	if err != nil {
		return err
	}
	return c.bridgeOp(ctx, "remove from bridge", b, http.MethodPost, "/removeChannel", query{}.str("channel", ids))
}
