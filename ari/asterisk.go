package ari

import (
	"context"
	"fmt"
	"net/http"
)

func (c *Client) info(ctx context.Context, n *node, only string) (*AsteriskInfo, error) {
	var info AsteriskInfo
	err := c.do(ctx, n, request{method: http.MethodGet, path: "/asterisk/info", query: query{}.str("only", only).values()}, &info)
	if err != nil {
		return nil, err
	}
	return &info, nil
}

// Info is GET /asterisk/info. only filters the parts ("build", "system",
// "config", "status", comma-separated); "" gives all.
func (c *Client) Info(ctx context.Context, node, only string) (*AsteriskInfo, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	info, err := c.info(ctx, n, only)
	if err != nil {
		return nil, fmt.Errorf("asterisk info: %w", err)
	}
	return info, nil
}

// Ping is GET /asterisk/ping: a cheap liveness check of the node.
func (c *Client) Ping(ctx context.Context, node string) (*AsteriskPing, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	var p AsteriskPing
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/asterisk/ping"}, &p); err != nil {
		return nil, fmt.Errorf("asterisk ping: %w", err)
	}
	return &p, nil
}

// GlobalVariable reads a global dialplan variable (Asterisk answers "" for
// one that is not set).
func (c *Client) GlobalVariable(ctx context.Context, node, name string) (string, error) {
	n, err := c.node(node)
	if err != nil {
		return "", err
	}
	var v Variable
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/asterisk/variable", query: query{}.str("variable", name).values()}, &v); err != nil {
		return "", fmt.Errorf("get global variable %s: %w", name, err)
	}
	return v.Value, nil
}

// SetGlobalVariable sets a global dialplan variable.
func (c *Client) SetGlobalVariable(ctx context.Context, node, name, value string) error {
	n, err := c.node(node)
	if err != nil {
		return err
	}
	q := query{}.str("variable", name).str("value", value).values()
	if err := c.do(ctx, n, request{method: http.MethodPost, path: "/asterisk/variable", query: q}, nil); err != nil {
		return fmt.Errorf("set global variable %s: %w", name, err)
	}
	return nil
}
