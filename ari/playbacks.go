package ari

import (
	"context"
	"fmt"
	"net/http"
)

// Playback control operations.
const (
	PlaybackRestart = "restart"
	PlaybackPause   = "pause"
	PlaybackUnpause = "unpause"
	PlaybackReverse = "reverse"
	PlaybackForward = "forward"
)

// Playback gets a playback's current state.
func (c *Client) Playback(ctx context.Context, pb Key) (*Playback, error) {
	n, err := c.playbackNode(pb)
	if err != nil {
		return nil, err
	}
	var out Playback
	if err := c.do(ctx, n, request{method: http.MethodGet, path: "/playbacks/" + seg(pb.ID)}, &out); err != nil {
		return nil, fmt.Errorf("get playback: %w", err)
	}
	out.Node = n.id
	return &out, nil
}

// ControlPlayback pauses, unpauses, restarts, rewinds or forwards it.
func (c *Client) ControlPlayback(ctx context.Context, pb Key, operation string) error {
	n, err := c.playbackNode(pb)
	if err != nil {
		return err
	}
	r := request{method: http.MethodPost, path: "/playbacks/" + seg(pb.ID) + "/control", query: query{}.str("operation", operation).values()}
	if err := c.do(ctx, n, r, nil); err != nil {
		return fmt.Errorf("control playback %s: %w", operation, err)
	}
	return nil
}

// StopPlayback stops it; PlaybackFinished follows with state "done".
func (c *Client) StopPlayback(ctx context.Context, pb Key) error {
	n, err := c.playbackNode(pb)
	if err != nil {
		return err
	}
	if err := c.do(ctx, n, request{method: http.MethodDelete, path: "/playbacks/" + seg(pb.ID)}, nil); err != nil {
		return fmt.Errorf("stop playback: %w", err)
	}
	return nil
}

func (c *Client) playbackNode(pb Key) (*node, error) {
	if err := pb.check(KindPlayback); err != nil {
		return nil, err
	}
	return c.node(pb.Node)
}
