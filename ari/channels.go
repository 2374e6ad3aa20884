package ari

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// OriginateRequest is POST /channels: dial Endpoint and either put the
// channel into a Stasis App (with AppArgs) or send it to the dialplan.
type OriginateRequest struct {
	Endpoint       string // e.g. "PJSIP/2001", "Local/100@from-pstn"
	App            string // "" = the client's application, unless Context is set
	AppArgs        []string
	Context        string // dialplan target instead of an app
	Extension      string
	Priority       int
	Label          string
	CallerID       string // e.g. `"CallSvc" <+15550000000>`
	Timeout        int    // seconds to wait for answer (Asterisk's default: 30)
	ChannelID      string // client-chosen id; "" lets Asterisk pick
	OtherChannelID string
	Originator     string // channel id whose context the new channel inherits
	Formats        string
	Variables      map[string]string // sent in the JSON body
}

// CreateRequest is POST /channels/create: make a channel in Stasis without
// dialing it; dial it later with Dial.
type CreateRequest struct {
	Endpoint       string
	App            string // "" = the client's application
	AppArgs        []string
	ChannelID      string
	OtherChannelID string
	Originator     string
	Formats        string
	Variables      map[string]string
}

type variablesBody struct {
	Variables map[string]string `json:"variables"`
}

func varsBody(v map[string]string) any {
	if len(v) == 0 {
		return nil
	}
	return variablesBody{Variables: v}
}

// Channels lists the node's channels.
func (c *Client) Channels(ctx context.Context, node string) ([]Channel, error) {
	return list(ctx, c, node, "list channels", "/channels", nil,
		func(v *Channel, node string) { v.Node = node })
}

// Channel gets one channel.
func (c *Client) Channel(ctx context.Context, ch Key) (*Channel, error) {
	var out Channel
	if err := c.channelDo(ctx, ch, http.MethodGet, "", nil, &out); err != nil {
		return nil, fmt.Errorf("get channel: %w", err)
	}
	out.Node = ch.Node
	return &out, nil
}

// Originate dials a new channel on node. Set ChannelID to choose its id;
// OriginateWatch does that and subscribes first.
func (c *Client) Originate(ctx context.Context, node string, req OriginateRequest) (*Channel, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	app := req.App
	if app == "" && req.Context == "" {
		app = c.cfg.Application
	}
	q := query{}.str("endpoint", req.Endpoint).str("app", app).
		str("appArgs", strings.Join(req.AppArgs, ",")).
		str("context", req.Context).str("extension", req.Extension).num("priority", req.Priority).
		str("label", req.Label).str("callerId", req.CallerID).num("timeout", req.Timeout).
		str("channelId", req.ChannelID).str("otherChannelId", req.OtherChannelID).
		str("originator", req.Originator).str("formats", req.Formats)
	var out Channel
	r := request{method: http.MethodPost, path: "/channels", query: q.values(), body: varsBody(req.Variables)}
	if err := c.do(ctx, n, r, &out); err != nil {
		return nil, fmt.Errorf("originate %s: %w", req.Endpoint, err)
	}
	out.Node = n.id
	return &out, nil
}

// Create makes a channel in the application without dialing it.
func (c *Client) Create(ctx context.Context, node string, req CreateRequest) (*Channel, error) {
	n, err := c.node(node)
	if err != nil {
		return nil, err
	}
	app := req.App
	if app == "" {
		app = c.cfg.Application
	}
	q := query{}.str("endpoint", req.Endpoint).str("app", app).
		str("appArgs", strings.Join(req.AppArgs, ",")).
		str("channelId", req.ChannelID).str("otherChannelId", req.OtherChannelID).
		str("originator", req.Originator).str("formats", req.Formats)
	var out Channel
	r := request{method: http.MethodPost, path: "/channels/create", query: q.values(), body: varsBody(req.Variables)}
	if err := c.do(ctx, n, r, &out); err != nil {
		return nil, fmt.Errorf("create channel %s: %w", req.Endpoint, err)
	}
	out.Node = n.id
	return &out, nil
}

// channelDo sends a request about channel ch; sub is the path below it.
func (c *Client) channelDo(ctx context.Context, ch Key, method, sub string, q query, out any) error {
	if err := ch.check(KindChannel); err != nil {
		return err
	}
	n, err := c.node(ch.Node)
	if err != nil {
		return err
	}
	return c.do(ctx, n, request{method: method, path: "/channels/" + seg(ch.ID) + sub, query: q.values()}, out)
}

// simple channel operations, each one POST or DELETE without a body.
func (c *Client) chanOp(ctx context.Context, step string, ch Key, method, sub string, q query) error {
	if err := c.channelDo(ctx, ch, method, sub, q, nil); err != nil {
		return fmt.Errorf("%s %s: %w", step, ch.ID, err)
	}
	return nil
}

// Answer answers the channel.
func (c *Client) Answer(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "answer", ch, http.MethodPost, "/answer", nil)
}

// Ring sends ringing to the caller (ringback) without answering.
func (c *Client) Ring(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "ring", ch, http.MethodPost, "/ring", nil)
}

// RingStop stops the ringing indication.
func (c *Client) RingStop(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "ring stop", ch, http.MethodDelete, "/ring", nil)
}

// Progress sends a progress indication (early media) to the caller.
func (c *Client) Progress(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "progress", ch, http.MethodPost, "/progress", nil)
}

// Hangup reasons understood by Asterisk.
const (
	HangupNormal            = "normal"
	HangupBusy              = "busy"
	HangupCongestion        = "congestion"
	HangupNoAnswer          = "no_answer"
	HangupTimeout           = "timeout"
	HangupRejected          = "rejected"
	HangupUnallocated       = "unallocated"
	HangupAnsweredElsewhere = "answered_elsewhere"
)

// Hangup hangs the channel up with reason ("" = normal). A 404 means the
// channel was already gone; test with IsNotFound.
func (c *Client) Hangup(ctx context.Context, ch Key, reason string) error {
	return c.chanOp(ctx, "hang up", ch, http.MethodDelete, "", query{}.str("reason", reason))
}

// ContinueOptions say where in the dialplan a channel continues.
type ContinueOptions struct {
	Context   string
	Extension string
	Priority  int
	Label     string
}

// Continue sends the channel back to the dialplan (it leaves the app).
func (c *Client) Continue(ctx context.Context, ch Key, o ContinueOptions) error {
	q := query{}.str("context", o.Context).str("extension", o.Extension).num("priority", o.Priority).str("label", o.Label)
	return c.chanOp(ctx, "continue", ch, http.MethodPost, "/continue", q)
}

// Redirect moves the channel to another endpoint (e.g. a SIP transfer).
func (c *Client) Redirect(ctx context.Context, ch Key, endpoint string) error {
	return c.chanOp(ctx, "redirect", ch, http.MethodPost, "/redirect", query{}.str("endpoint", endpoint))
}

// DTMFOptions: Before/Between/After in ms, Duration per digit in ms.
type DTMFOptions struct {
	Before, Between, Duration, After int
}

// SendDTMF plays DTMF digits to the channel.
func (c *Client) SendDTMF(ctx context.Context, ch Key, digits string, o DTMFOptions) error {
	q := query{}.str("dtmf", digits).num("before", o.Before).num("between", o.Between).
		num("duration", o.Duration).num("after", o.After)
	return c.chanOp(ctx, "send dtmf", ch, http.MethodPost, "/dtmf", q)
}

// Mute directions.
const (
	DirectionBoth = "both"
	DirectionIn   = "in"
	DirectionOut  = "out"
)

// Mute mutes audio in a direction ("" = both).
func (c *Client) Mute(ctx context.Context, ch Key, direction string) error {
	return c.chanOp(ctx, "mute", ch, http.MethodPost, "/mute", query{}.str("direction", direction))
}

// Unmute undoes Mute.
func (c *Client) Unmute(ctx context.Context, ch Key, direction string) error {
	return c.chanOp(ctx, "unmute", ch, http.MethodDelete, "/mute", query{}.str("direction", direction))
}

// Hold puts the channel on hold.
func (c *Client) Hold(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "hold", ch, http.MethodPost, "/hold", nil)
}

// Unhold takes the channel off hold.
func (c *Client) Unhold(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "unhold", ch, http.MethodDelete, "/hold", nil)
}

// StartMOH plays music on hold (class "" = default) to a channel or bridge.
func (c *Client) StartMOH(ctx context.Context, target Key, class string) error {
	q := query{}.str("mohClass", class)
	if target.Kind == KindBridge {
		return c.bridgeOp(ctx, "start moh", target, http.MethodPost, "/moh", q)
	}
	return c.chanOp(ctx, "start moh", target, http.MethodPost, "/moh", q)
}

// StopMOH stops music on hold on a channel or bridge.
func (c *Client) StopMOH(ctx context.Context, target Key) error {
	if target.Kind == KindBridge {
		return c.bridgeOp(ctx, "stop moh", target, http.MethodDelete, "/moh", nil)
	}
	return c.chanOp(ctx, "stop moh", target, http.MethodDelete, "/moh", nil)
}

// StartSilence plays silence to the channel.
func (c *Client) StartSilence(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "start silence", ch, http.MethodPost, "/silence", nil)
}

// StopSilence stops playing silence.
func (c *Client) StopSilence(ctx context.Context, ch Key) error {
	return c.chanOp(ctx, "stop silence", ch, http.MethodDelete, "/silence", nil)
}

// Variable reads a channel variable or function, e.g. "CALLERID(num)". A
// variable that is not set gives a 404 (IsNotFound).
func (c *Client) Variable(ctx context.Context, ch Key, name string) (string, error) {
	var v Variable
	if err := c.channelDo(ctx, ch, http.MethodGet, "/variable", query{}.str("variable", name), &v); err != nil {
		return "", fmt.Errorf("get variable %s on %s: %w", name, ch.ID, err)
	}
	return v.Value, nil
}

// SetVariable sets a channel variable.
func (c *Client) SetVariable(ctx context.Context, ch Key, name, value string) error {
	q := query{}.str("variable", name).str("value", value)
	if err := c.channelDo(ctx, ch, http.MethodPost, "/variable", q, nil); err != nil {
		return fmt.Errorf("set variable %s on %s: %w", name, ch.ID, err)
	}
	return nil
}

// SnoopOptions: Spy/Whisper are "none", "both", "in" or "out". The snoop
// channel enters App ("" = the client's application) with AppArgs.
type SnoopOptions struct {
	Spy, Whisper string
	App          string
	AppArgs      []string
	SnoopID      string // client-chosen id of the snoop channel
}

// Snoop creates a channel that listens to (and/or whispers into) ch.
func (c *Client) Snoop(ctx context.Context, ch Key, o SnoopOptions) (*Channel, error) {
	app := o.App
	if app == "" {
		app = c.cfg.Application
	}
	q := query{}.str("spy", o.Spy).str("whisper", o.Whisper).str("app", app).
		str("appArgs", strings.Join(o.AppArgs, ",")).str("snoopId", o.SnoopID)
	var out Channel
	if err := c.channelDo(ctx, ch, http.MethodPost, "/snoop", q, &out); err != nil {
		return nil, fmt.Errorf("snoop %s: %w", ch.ID, err)
	}
	out.Node = ch.Node
	return &out, nil
}

// Dial dials a channel made with Create. caller is the id of the channel
// on whose behalf it is dialed ("" for none); timeout in seconds (0 =
// Asterisk's default).
func (c *Client) Dial(ctx context.Context, ch Key, caller string, timeout int) error {
	return c.chanOp(ctx, "dial", ch, http.MethodPost, "/dial", query{}.str("caller", caller).num("timeout", timeout))
}
