package ari

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// Application gets the client's application on node: what it is subscribed
// to. name "" means the client's own application.
func (c *Client) Application(ctx context.Context, node, name string) (*Application, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = c.cfg.Application
	}
	var out Application
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/applications/" + seg(name)}, &out); err != nil {
		return nil, fmt.Errorf("get application %s: %w", name, err)
	}
	out.Node = n.id
	return &out, nil
}

// Applications lists the applications registered on node.
func (c *Client) Applications(ctx context.Context, node string) ([]Application, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	var out []Application
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/applications"}, &out); err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	for i := range out {
		out[i].Node = n.id
	}
	return out, nil
}

// eventSource turns a key into ARI's eventSource ("channel:ID", "bridge:ID",
// "endpoint:TECH/RES", "deviceState:NAME").
func eventSource(k Key) (string, error) {
	if err := k.check(KindChannel, KindBridge, KindEndpoint, KindDeviceState); err != nil {
		return "", err
	}
	return string(k.Kind) + ":" + k.ID, nil
}

// SubscribeSource subscribes the application to a resource's events on its
// node (POST /applications/{app}/subscription).
//
// Why: without subscribeAll, Asterisk sends a channel's events only while
// it is in the application. When the application itself hangs the channel
// up it gets ChannelHangupRequest and StasisEnd but no ChannelDestroyed
// unless it subscribed to the channel this way. Subscribe to a channel right
// after its StasisStart when its final ChannelDestroyed (with the hangup
// cause) matters.
func (c *Client) SubscribeSource(ctx context.Context, k Key) (*Application, error) {
	return c.appSubscription(ctx, http.MethodPost, k)
}

// UnsubscribeSource undoes SubscribeSource.
func (c *Client) UnsubscribeSource(ctx context.Context, k Key) (*Application, error) {
	return c.appSubscription(ctx, http.MethodDelete, k)
}

func (c *Client) appSubscription(ctx context.Context, method string, k Key) (*Application, error) {
	src, err := eventSource(k)
	if err != nil {
		return nil, err
	}
	n, err := c.node(k.Node)
	if err != nil {
		return nil, err
	}
	var out Application
	r := request{method: method, path: "/applications/" + seg(c.cfg.Application) + "/subscription", query: query{}.str("eventSource", src).values()}
	if err := c.do(ctx, n, r, &out); err != nil {
		return nil, fmt.Errorf("application subscription %s: %w", src, err)
	}
	out.Node = n.id
	return &out, nil
}

// Resync lists the channels the application still holds on node, for use
// after a reconnect (StateChange.Reconnected): events may have been missed
// while the socket was down, so the engine checks its calls against this
// list (and hangs up or forgets the rest). An application Asterisk no
// longer knows (404: it held no channels) gives an empty list.
func (c *Client) Resync(ctx context.Context, node string) ([]Key, error) {
	app, err := c.Application(ctx, node, "")
	if IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resync: %w", err)
	}
	var keys []Key
	for _, id := range app.ChannelIDs {
		// "__AST_CHANNEL_ALL_TOPIC" stands for subscribeAll, not a channel.
		if strings.HasPrefix(id, "__AST_") {
			continue
		}
		keys = append(keys, ChannelKey(node, id))
	}
	if len(app.ChannelIDs) > 0 && len(keys) == 0 {
		// subscribeAll hides the list: ask for the channels instead.
		return c.stasisChannels(ctx, node)
	}
	return keys, nil
}

// stasisChannels lists the node's channels that sit in our application.
func (c *Client) stasisChannels(ctx context.Context, node string) ([]Key, error) {
	chs, err := c.Channels(ctx, node)
	if err != nil {
		return nil, fmt.Errorf("resync: %w", err)
	}
	var keys []Key
	for _, ch := range chs {
		if ch.Dialplan.AppName == "Stasis" && (ch.Dialplan.AppData == c.cfg.Application || strings.HasPrefix(ch.Dialplan.AppData, c.cfg.Application+",")) {
			keys = append(keys, ch.Key())
		}
	}
	return keys, nil
}
