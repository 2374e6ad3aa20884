package ari

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
)

// The *Watch helpers do "subscribe, then act": they choose the new
// resource's id on the client side, subscribe to its events, and only then
// send the request, so events that Asterisk sends before the HTTP answer
// (it often does) are never missed. On error the subscription is closed.
// Otherwise the caller owns it and closes it (or lets ctx end it).

// NewID makes a random id for channels, playbacks, bridges and recordings.
func NewID() string { return strings.ToLower(rand.Text()) }

// subscribeThen subscribes to key, then runs act; when act fails the
// subscription is closed, otherwise the caller owns it.
func subscribeThen[T any](ctx context.Context, c *Client, key Key, act func() (*T, error)) (*T, *Subscription, error) {
	sub := c.Subscribe(ctx, key)
	v, err := act()
	if err != nil {
		sub.Close()
		return nil, nil, err
	}
	return v, sub, nil
}

// OriginateWatch originates with a client-chosen channel id (req.ChannelID,
// set if empty) and returns the channel's subscription, registered before
// the request went out.
func (c *Client) OriginateWatch(ctx context.Context, node string, req OriginateRequest) (*Channel, *Subscription, error) {
	if req.ChannelID == "" {
		req.ChannelID = NewID()
	}
	return subscribeThen(ctx, c, ChannelKey(node, req.ChannelID), func() (*Channel, error) {
		return c.Originate(ctx, node, req)
	})
}

// CreateWatch is Create with the same subscribe-first guarantee.
func (c *Client) CreateWatch(ctx context.Context, node string, req CreateRequest) (*Channel, *Subscription, error) {
	if req.ChannelID == "" {
		req.ChannelID = NewID()
	}
	return subscribeThen(ctx, c, ChannelKey(node, req.ChannelID), func() (*Channel, error) {
		return c.Create(ctx, node, req)
	})
}

// SnoopWatch is Snoop with the same subscribe-first guarantee for the
// snoop channel.
func (c *Client) SnoopWatch(ctx context.Context, ch Key, o SnoopOptions) (*Channel, *Subscription, error) {
	if o.SnoopID == "" {
		o.SnoopID = NewID()
	}
	return subscribeThen(ctx, c, ChannelKey(ch.Node, o.SnoopID), func() (*Channel, error) {
		return c.Snoop(ctx, ch, o)
	})
}

// PlayWatch plays with a client-chosen playback id (o.PlaybackID, set if
// empty) and returns the playback's subscription.
func (c *Client) PlayWatch(ctx context.Context, target Key, o PlayOptions) (*Playback, *Subscription, error) {
	if o.PlaybackID == "" {
		o.PlaybackID = NewID()
	}
	return subscribeThen(ctx, c, PlaybackKey(target.Node, o.PlaybackID), func() (*Playback, error) {
		return c.Play(ctx, target, o)
	})
}

// RecordWatch records under o.Name (a new id if empty) and returns the
// recording's subscription.
func (c *Client) RecordWatch(ctx context.Context, target Key, o RecordOptions) (*LiveRecording, *Subscription, error) {
	if o.Name == "" {
		o.Name = NewID()
	}
	return subscribeThen(ctx, c, LiveRecordingKey(target.Node, o.Name), func() (*LiveRecording, error) {
		return c.Record(ctx, target, o)
	})
}

// ErrPlaybackFailed is returned by PlayAndWait when Asterisk ends the
// playback in state "failed" (the caller hung up, or the sound is missing).
var ErrPlaybackFailed = errors.New("ari: playback failed")

// PlayAndWait plays media to target and waits for PlaybackFinished. It
// returns the finished playback; its state is "done", or "failed" with
// ErrPlaybackFailed.
func (c *Client) PlayAndWait(ctx context.Context, target Key, media ...string) (*Playback, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, sub, err := c.PlayWatch(ctx, target, PlayOptions{Media: media})
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("wait for playback: %w", err)
		}
		if f, ok := ev.(*PlaybackFinished); ok {
			if f.Playback.State == PlaybackFailed {
				return &f.Playback, fmt.Errorf("play %v on %s: %w", media, target.ID, ErrPlaybackFailed)
			}
			return &f.Playback, nil
		}
	}
}

// ErrRecordingFailed is returned by RecordAndWait on RecordingFailed.
var ErrRecordingFailed = errors.New("ari: recording failed")

// RecordAndWait records target and waits for the recording to end
// (maximum duration, silence, terminating DTMF, or StopRecording from
// elsewhere). It returns the finished recording with its Duration.
func (c *Client) RecordAndWait(ctx context.Context, target Key, o RecordOptions) (*LiveRecording, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, sub, err := c.RecordWatch(ctx, target, o)
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			return nil, fmt.Errorf("wait for recording: %w", err)
		}
		switch e := ev.(type) {
		case *RecordingFinished:
			return &e.Recording, nil
		case *RecordingFailed:
			return &e.Recording, fmt.Errorf("record %s (%s): %w", target.ID, e.Recording.Cause, ErrRecordingFailed)
		}
	}
}

// ErrChannelLeft is the cause of a ChannelContext that ended because its
// channel left the application.
var ErrChannelLeft = errors.New("ari: channel left the application")

// ChannelContext returns a context that ends when ch leaves the application
// (StasisEnd or ChannelDestroyed; context.Cause gives ErrChannelLeft), when
// the client closes (ErrClosed), when ctx ends, or when cancel is called.
// A call's work runs under it, so nothing outlives the call.
func (c *Client) ChannelContext(ctx context.Context, ch Key) (context.Context, context.CancelFunc) {
	cctx, cancel := context.WithCancelCause(ctx)
	sub := c.Subscribe(cctx, ch)
	go func() {
		for {
			ev, err := sub.Next(cctx)
			if err != nil {
				cancel(ErrClosed) // no-op when cctx ended first
				return
			}
			switch ev.(type) {
			case *StasisEnd, *ChannelDestroyed:
				cancel(ErrChannelLeft)
				return
			}
		}
	}()
	return cctx, func() { cancel(context.Canceled) }
}
