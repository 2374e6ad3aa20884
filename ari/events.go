package ari

import "encoding/json"

// Event is one message from the ARI event WebSocket. Switch on the concrete
// type (*StasisStart, *ChannelDtmfReceived, ...); types this package does not
// know arrive as *UnknownEvent with their raw JSON.
type Event interface {
	// Base gives the fields every event has (type, application, timestamp,
	// asterisk id) and the node the event came from.
	Base() *EventBase
	// keys lists the resources the event is about, for delivery to
	// per-resource subscribers.
	keys() []Key
}

// eventKinds names the event types this package models by their ARI
// "type". A type's struct and json tags below are its only description:
// the fast decoder and the node stamping are derived from them (plan.go).
// A new event is its struct, its keys method and one line here.
var eventKinds = kindsOf(map[string]Event{
	"StasisStart":            new(StasisStart),
	"StasisEnd":              new(StasisEnd),
	"ApplicationReplaced":    new(ApplicationReplaced),
	"ChannelCreated":         new(ChannelCreated),
	"ChannelStateChange":     new(ChannelStateChange),
	"ChannelDtmfReceived":    new(ChannelDtmfReceived),
	"ChannelHangupRequest":   new(ChannelHangupRequest),
	"ChannelDestroyed":       new(ChannelDestroyed),
	"ChannelVarset":          new(ChannelVarset),
	"ChannelDialplan":        new(ChannelDialplan),
	"ChannelCallerId":        new(ChannelCallerId),
	"ChannelConnectedLine":   new(ChannelConnectedLine),
	"ChannelHold":            new(ChannelHold),
	"ChannelUnhold":          new(ChannelUnhold),
	"ChannelTalkingStarted":  new(ChannelTalkingStarted),
	"ChannelTalkingFinished": new(ChannelTalkingFinished),
	"Dial":                   new(Dial),
	"ChannelEnteredBridge":   new(ChannelEnteredBridge),
	"ChannelLeftBridge":      new(ChannelLeftBridge),
	"BridgeCreated":          new(BridgeCreated),
	"BridgeDestroyed":        new(BridgeDestroyed),
	"PlaybackStarted":        new(PlaybackStarted),
	"PlaybackContinuing":     new(PlaybackContinuing),
	"PlaybackFinished":       new(PlaybackFinished),
	"RecordingStarted":       new(RecordingStarted),
	"RecordingFinished":      new(RecordingFinished),
	"RecordingFailed":        new(RecordingFailed),
	"EndpointStateChange":    new(EndpointStateChange),
	"DeviceStateChanged":     new(DeviceStateChanged),
})

// EventBase holds the fields common to every event.
type EventBase struct {
	Node        string `json:"-"`
	Type        string `json:"type"`
	Application string `json:"application"`
	Timestamp   Time   `json:"timestamp"`
	AsteriskID  string `json:"asterisk_id,omitempty"`
}

// Base returns b itself; embedding EventBase makes a type an Event.
func (b *EventBase) Base() *EventBase { return b }

func (b *EventBase) keys() []Key { return nil }

func (b *EventBase) chanKeys(chs ...*Channel) []Key {
	keys := make([]Key, 0, len(chs))
	for _, c := range chs {
		if c != nil && c.ID != "" {
			keys = append(keys, ChannelKey(b.Node, c.ID))
		}
	}
	return keys
}

// UnknownEvent is an event whose type this package does not model. Raw is
// the event exactly as received.
type UnknownEvent struct {
	EventBase
	Raw json.RawMessage `json:"-"`
}

// MarshalJSON gives back the raw event.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) { return e.Raw, nil }

// --- Stasis ---

// StasisStart: a channel entered the application. Args are the Stasis()
// dialplan arguments or originate appArgs.
type StasisStart struct {
	EventBase
	Args           []string `json:"args"`
	Channel        Channel  `json:"channel"`
	ReplaceChannel *Channel `json:"replace_channel,omitempty"`
}

func (e *StasisStart) keys() []Key { return e.chanKeys(&e.Channel) }

// StasisEnd: a channel left the application (hung up, or continued to the
// dialplan).
type StasisEnd struct {
	EventBase
	Channel Channel `json:"channel"`
}

func (e *StasisEnd) keys() []Key { return e.chanKeys(&e.Channel) }

// ApplicationReplaced: another WebSocket registered the same application;
// this connection will get no more events for it.
type ApplicationReplaced struct {
	EventBase
}

// --- Channels ---

// ChannelCreated: a channel was created (seen with subscribeAll).
type ChannelCreated struct {
	EventBase
	Channel Channel `json:"channel"`
}

func (e *ChannelCreated) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelStateChange: the channel's state changed (e.g. Ring -> Up).
type ChannelStateChange struct {
	EventBase
	Channel Channel `json:"channel"`
}

func (e *ChannelStateChange) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelDtmfReceived: the caller pressed a key.
type ChannelDtmfReceived struct {
	EventBase
	Digit      string  `json:"digit"`
	DurationMs int     `json:"duration_ms"`
	Channel    Channel `json:"channel"`
}

func (e *ChannelDtmfReceived) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelHangupRequest: a hangup was requested; it may arrive twice.
type ChannelHangupRequest struct {
	EventBase
	Cause   *int    `json:"cause,omitempty"`
	Soft    *bool   `json:"soft,omitempty"`
	Channel Channel `json:"channel"`
}

func (e *ChannelHangupRequest) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelDestroyed: the channel is gone. Without subscribeAll it arrives only
// for channels the application subscribed to (see Client.SubscribeSource).
type ChannelDestroyed struct {
	EventBase
	Cause    int     `json:"cause"`
	CauseTxt string  `json:"cause_txt"`
	Channel  Channel `json:"channel"`
}

func (e *ChannelDestroyed) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelVarset: a variable changed. Channel is nil for a global variable.
type ChannelVarset struct {
	EventBase
	Variable string   `json:"variable"`
	Value    string   `json:"value"`
	Channel  *Channel `json:"channel,omitempty"`
}

func (e *ChannelVarset) keys() []Key { return e.chanKeys(e.Channel) }

// ChannelDialplan: the channel moved to a new dialplan application.
type ChannelDialplan struct {
	EventBase
	DialplanApp     string  `json:"dialplan_app"`
	DialplanAppData string  `json:"dialplan_app_data"`
	Channel         Channel `json:"channel"`
}

func (e *ChannelDialplan) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelCallerId: the channel's caller id changed.
type ChannelCallerId struct {
	EventBase
	CallerPresentation    int     `json:"caller_presentation"`
	CallerPresentationTxt string  `json:"caller_presentation_txt"`
	Channel               Channel `json:"channel"`
}

func (e *ChannelCallerId) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelConnectedLine: the channel's connected line changed.
type ChannelConnectedLine struct {
	EventBase
	Channel Channel `json:"channel"`
}

func (e *ChannelConnectedLine) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelHold: the channel was put on hold by its peer.
type ChannelHold struct {
	EventBase
	MusicClass string  `json:"musicclass,omitempty"`
	Channel    Channel `json:"channel"`
}

func (e *ChannelHold) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelUnhold: the channel was taken off hold.
type ChannelUnhold struct {
	EventBase
	Channel Channel `json:"channel"`
}

func (e *ChannelUnhold) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelTalkingStarted: talk detection saw speech begin.
type ChannelTalkingStarted struct {
	EventBase
	Channel Channel `json:"channel"`
}

func (e *ChannelTalkingStarted) keys() []Key { return e.chanKeys(&e.Channel) }

// ChannelTalkingFinished: talk detection saw speech end (Duration in ms).
type ChannelTalkingFinished struct {
	EventBase
	Duration int     `json:"duration"`
	Channel  Channel `json:"channel"`
}

func (e *ChannelTalkingFinished) keys() []Key { return e.chanKeys(&e.Channel) }

// Dial: progress of a dial (dialstatus "" at the start, then RINGING,
// ANSWER, BUSY, NOANSWER...). Peer is the dialed channel; Caller is the
// channel dialing, when there is one.
type Dial struct {
	EventBase
	DialStatus string   `json:"dialstatus"`
	Forward    string   `json:"forward"`
	DialString string   `json:"dialstring"`
	Caller     *Channel `json:"caller,omitempty"`
	Peer       Channel  `json:"peer"`
	Forwarded  *Channel `json:"forwarded,omitempty"`
}

func (e *Dial) keys() []Key { return e.chanKeys(&e.Peer, e.Caller, e.Forwarded) }

// --- Bridges ---

// ChannelEnteredBridge: a channel joined a bridge.
type ChannelEnteredBridge struct {
	EventBase
	Bridge  Bridge   `json:"bridge"`
	Channel *Channel `json:"channel,omitempty"`
}

func (e *ChannelEnteredBridge) keys() []Key {
	return append(e.chanKeys(e.Channel), BridgeKey(e.Node, e.Bridge.ID))
}

// ChannelLeftBridge: a channel left a bridge.
type ChannelLeftBridge struct {
	EventBase
	Bridge  Bridge  `json:"bridge"`
	Channel Channel `json:"channel"`
}

func (e *ChannelLeftBridge) keys() []Key {
	return append(e.chanKeys(&e.Channel), BridgeKey(e.Node, e.Bridge.ID))
}

// BridgeCreated: a bridge was created.
type BridgeCreated struct {
	EventBase
	Bridge Bridge `json:"bridge"`
}

func (e *BridgeCreated) keys() []Key { return []Key{BridgeKey(e.Node, e.Bridge.ID)} }

// BridgeDestroyed: a bridge was destroyed.
type BridgeDestroyed struct {
	EventBase
	Bridge Bridge `json:"bridge"`
}

func (e *BridgeDestroyed) keys() []Key { return []Key{BridgeKey(e.Node, e.Bridge.ID)} }

// --- Playbacks and recordings ---

// PlaybackStarted: a playback began.
type PlaybackStarted struct {
	EventBase
	Playback Playback `json:"playback"`
}

func (e *PlaybackStarted) keys() []Key { return playbackKeys(e.Node, &e.Playback) }

// PlaybackContinuing: a playback of several media moved to the next one.
type PlaybackContinuing struct {
	EventBase
	Playback Playback `json:"playback"`
}

func (e *PlaybackContinuing) keys() []Key { return playbackKeys(e.Node, &e.Playback) }

// PlaybackFinished: a playback ended; Playback.State says how ("done",
// "failed" when the caller hung up or the sound is missing).
type PlaybackFinished struct {
	EventBase
	Playback Playback `json:"playback"`
}

func (e *PlaybackFinished) keys() []Key { return playbackKeys(e.Node, &e.Playback) }

func playbackKeys(node string, p *Playback) []Key {
	keys := []Key{PlaybackKey(node, p.ID)}
	if t, ok := targetKey(node, p.TargetURI); ok {
		keys = append(keys, t)
	}
	return keys
}

// RecordingStarted: a recording began.
type RecordingStarted struct {
	EventBase
	Recording LiveRecording `json:"recording"`
}

func (e *RecordingStarted) keys() []Key { return recordingKeys(e.Node, &e.Recording) }

// RecordingFinished: a recording ended; Recording.Duration is its length.
type RecordingFinished struct {
	EventBase
	Recording LiveRecording `json:"recording"`
}

func (e *RecordingFinished) keys() []Key { return recordingKeys(e.Node, &e.Recording) }

// RecordingFailed: a recording failed (Recording.Cause says why).
type RecordingFailed struct {
	EventBase
	Recording LiveRecording `json:"recording"`
}

func (e *RecordingFailed) keys() []Key { return recordingKeys(e.Node, &e.Recording) }

func recordingKeys(node string, r *LiveRecording) []Key {
	keys := []Key{LiveRecordingKey(node, r.Name)}
	if t, ok := targetKey(node, r.TargetURI); ok {
		keys = append(keys, t)
	}
	return keys
}

// --- Endpoints and devices ---

// EndpointStateChange: an endpoint went online/offline.
type EndpointStateChange struct {
	EventBase
	Endpoint Endpoint `json:"endpoint"`
}

func (e *EndpointStateChange) keys() []Key {
	return []Key{EndpointKey(e.Node, e.Endpoint.Technology, e.Endpoint.Resource)}
}

// DeviceStateChanged: a device state changed.
type DeviceStateChanged struct {
	EventBase
	DeviceState DeviceState `json:"device_state"`
}

func (e *DeviceStateChanged) keys() []Key {
	return []Key{DeviceStateKey(e.Node, e.DeviceState.Name)}
}
