package ari

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Media URIs for Play. Asterisk plays them in order when several are given.

// MediaSound names a sound file, e.g. "hello-world" or "custom/greeting".
func MediaSound(name string) string { return "sound:" + name }

// MediaRecording names a stored recording.
func MediaRecording(name string) string { return "recording:" + name }

// MediaNumber says a number ("one hundred twenty-three").
func MediaNumber(n int) string { return "number:" + strconv.Itoa(n) }

// MediaDigits says digits one by one.
func MediaDigits(digits string) string { return "digits:" + digits }

// MediaCharacters spells characters out.
func MediaCharacters(s string) string { return "characters:" + s }

// MediaTone plays a tone until stopped: "ring", "busy", or with a country's
// cadence "ring;tonezone=cn".
func MediaTone(tone string) string { return "tone:" + tone }

// PlayOptions is what to play to a channel or bridge.
type PlayOptions struct {
	Media      []string // one or more media URIs (MediaSound...)
	Lang       string
	OffsetMs   int
	SkipMs     int
	PlaybackID string // client-chosen id; PlayWatch chooses one for you
}

// Play starts a playback on a channel or bridge and returns at once (the
// playback is "queued"); its PlaybackStarted/Finished events go to
// subscribers of the playback and of target.
func (c *Client) Play(ctx context.Context, target Key, o PlayOptions) (*Playback, error) {
	if err := target.check(KindChannel, KindBridge); err != nil {
		return nil, err
	}
	n, err := c.node(target.Node)
	if err != nil {
		return nil, err
	}
	q := query{}.str("lang", o.Lang).num("offsetms", o.OffsetMs).num("skipms", o.SkipMs).
		str("playbackId", o.PlaybackID)
	// One parameter, comma-separated: Asterisk keeps only the last of
	// repeated "media" parameters.
	q = q.str("media", strings.Join(o.Media, ","))
	var out Playback
	r := request{method: http.MethodPost, path: targetPath(target) + "/play", query: q.values()}
	if err := c.do(ctx, n, r, &out); err != nil {
		return nil, fmt.Errorf("play on %s: %w", target.ID, err)
	}
	out.Node = n.id
	return &out, nil
}

// RecordOptions is how to record a channel or bridge.
type RecordOptions struct {
	Name               string // required; the stored recording's name
	Format             string // e.g. "wav" (default "wav")
	MaxDurationSeconds int
	MaxSilenceSeconds  int
	IfExists           string // "fail" (Asterisk default), "overwrite", "append"
	Beep               bool
	TerminateOn        string // "none", "any", "*", "#"
}

// Record starts recording a channel or bridge.
func (c *Client) Record(ctx context.Context, target Key, o RecordOptions) (*LiveRecording, error) {
	if err := target.check(KindChannel, KindBridge); err != nil {
		return nil, err
	}
	n, err := c.node(target.Node)
	if err != nil {
		return nil, err
	}
	if o.Format == "" {
		o.Format = "wav"
	}
	q := query{}.str("name", o.Name).str("format", o.Format).num("maxDurationSeconds", o.MaxDurationSeconds).
		num("maxSilenceSeconds", o.MaxSilenceSeconds).str("ifExists", o.IfExists).flag("beep", o.Beep).
		str("terminateOn", o.TerminateOn)
	var out LiveRecording
	r := request{method: http.MethodPost, path: targetPath(target) + "/record", query: q.values()}
	if err := c.do(ctx, n, r, &out); err != nil {
		return nil, fmt.Errorf("record %s: %w", target.ID, err)
	}
	out.Node = n.id
	return &out, nil
}

func targetPath(k Key) string {
	if k.Kind == KindBridge {
		return "/bridges/" + seg(k.ID)
	}
	return "/channels/" + seg(k.ID)
}
