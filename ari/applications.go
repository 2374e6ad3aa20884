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
	return list(ctx, c, node, "list applications", "/applications", nil,
		func(v *Application, node string) { v.Node = node })
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

// Resync lists the channels that sit in the application on node, for use
// after a reconnect (StateChange.Reconnected): events may have been missed
// while the socket was down, so the engine checks its calls against this
// list (and forgets or hangs up the rest). It reads GET /channels and keeps
// those running Stasis(app): GET /applications/{app} is not enough, since
// its channel_ids lists explicit subscriptions (or "__AST_CHANNEL_ALL_TOPIC"
// with subscribeAll) and Asterisk forgets an application with no socket.
func (c *Client) Resync(ctx context.Context, node string) ([]Key, error) {
	chs, err := c.Channels(ctx, node)
	if err != nil {
		return nil, fmt.Errorf("resync: %w", err)
	}
	var keys []Key
	for _, ch := range chs {
		if c.inApp(&ch) {
			keys = append(keys, ch.Key())
		}
	}
	return keys, nil
}

// inApp reports whether ch runs Stasis(our app[, args...]).
func (c *Client) inApp(ch *Channel) bool {
	if !strings.EqualFold(ch.Dialplan.AppName, "Stasis") {
		return false
	}
	app, _, _ := strings.Cut(ch.Dialplan.AppData, ",")
	return app == c.cfg.Application
}
