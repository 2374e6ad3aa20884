package ari

import "encoding/json"

// The types below are ARI's JSON models. Field names follow the wire format
// seen in real Asterisk traces; every field Asterisk sends has a home here so
// that nothing is lost on decode. Node (json:"-") is filled in by the client
// with the entity id of the node the value came from.

// CallerID is a name and number pair.
type CallerID struct {
	Name   string `json:"name"`
	Number string `json:"number"`
}

// DialplanCEP is a channel's dialplan location.
type DialplanCEP struct {
	Context  string `json:"context"`
	Exten    string `json:"exten"`
	Priority int64  `json:"priority"`
	AppName  string `json:"app_name"`
	AppData  string `json:"app_data"`
}

// Channel is an Asterisk channel (one call leg).
type Channel struct {
	Node         string            `json:"-"`
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	State        string            `json:"state"` // Down, Rsrvd, OffHook, Dialing, Ring, Ringing, Up, Busy...
	ProtocolID   string            `json:"protocol_id"`
	Caller       CallerID          `json:"caller"`
	Connected    CallerID          `json:"connected"`
	AccountCode  string            `json:"accountcode"`
	Dialplan     DialplanCEP       `json:"dialplan"`
	CreationTime Time              `json:"creationtime"`
	Language     string            `json:"language"`
	CallerRDNIS  string            `json:"caller_rdnis,omitempty"`
	TenantID     string            `json:"tenantid,omitempty"`
	ChannelVars  map[string]string `json:"channelvars,omitempty"`
}

// Key is the channel's resource key.
func (c *Channel) Key() Key { return ChannelKey(c.Node, c.ID) }

// Bridge is a mixing or holding bridge.
type Bridge struct {
	Node          string   `json:"-"`
	ID            string   `json:"id"`
	Technology    string   `json:"technology"`
	BridgeType    string   `json:"bridge_type"`
	BridgeClass   string   `json:"bridge_class"`
	Creator       string   `json:"creator"`
	Name          string   `json:"name"`
	Channels      []string `json:"channels"`
	CreationTime  Time     `json:"creationtime"`
	VideoMode     string   `json:"video_mode,omitempty"`
	VideoSourceID string   `json:"video_source_id,omitempty"`
}

// Key is the bridge's resource key.
func (b *Bridge) Key() Key { return BridgeKey(b.Node, b.ID) }

// ChannelKeys gives keys for the channels in the bridge.
func (b *Bridge) ChannelKeys() []Key {
	keys := make([]Key, len(b.Channels))
	for i, id := range b.Channels {
		keys[i] = ChannelKey(b.Node, id)
	}
	return keys
}

// Playback states.
const (
	PlaybackQueued   = "queued"
	PlaybackPlaying  = "playing"
	PlaybackDone     = "done"
	PlaybackFailed   = "failed" // e.g. the channel hung up mid-playback, or the sound is missing
	PlaybackCanceled = "canceled"
)

// Playback is media being played to a channel or bridge.
type Playback struct {
	Node         string `json:"-"`
	ID           string `json:"id"`
	MediaURI     string `json:"media_uri"`
	NextMediaURI string `json:"next_media_uri,omitempty"`
	TargetURI    string `json:"target_uri"` // "channel:ID" or "bridge:ID"
	Language     string `json:"language,omitempty"`
	State        string `json:"state"`
}

// Key is the playback's resource key.
func (p *Playback) Key() Key { return PlaybackKey(p.Node, p.ID) }

// Target is the channel or bridge the playback plays to.
func (p *Playback) Target() (Key, bool) { return targetKey(p.Node, p.TargetURI) }

// LiveRecording is a recording in progress (or just ended, in events).
type LiveRecording struct {
	Node            string `json:"-"`
	Name            string `json:"name"`
	Format          string `json:"format"`
	State           string `json:"state"` // queued, recording, paused, done, failed, canceled
	TargetURI       string `json:"target_uri"`
	Duration        *int   `json:"duration,omitempty"` // seconds, set when it ends
	TalkingDuration *int   `json:"talking_duration,omitempty"`
	SilenceDuration *int   `json:"silence_duration,omitempty"`
	Cause           string `json:"cause,omitempty"` // why it failed
}

// Key is the live recording's resource key.
func (r *LiveRecording) Key() Key { return LiveRecordingKey(r.Node, r.Name) }

// StoredKey is the key of the stored recording it becomes when done.
func (r *LiveRecording) StoredKey() Key { return StoredRecordingKey(r.Node, r.Name) }

// Target is the channel or bridge being recorded.
func (r *LiveRecording) Target() (Key, bool) { return targetKey(r.Node, r.TargetURI) }

// StoredRecording is a finished recording on the node's disk.
type StoredRecording struct {
	Node   string `json:"-"`
	Name   string `json:"name"`
	Format string `json:"format"`
}

// Key is the stored recording's resource key.
func (r *StoredRecording) Key() Key { return StoredRecordingKey(r.Node, r.Name) }

// Endpoint is a device or trunk, e.g. PJSIP/2001.
type Endpoint struct {
	Node       string   `json:"-"`
	Technology string   `json:"technology"`
	Resource   string   `json:"resource"`
	State      string   `json:"state,omitempty"` // unknown, offline, online
	ChannelIDs []string `json:"channel_ids"`
}

// Key is the endpoint's resource key.
func (e *Endpoint) Key() Key { return EndpointKey(e.Node, e.Technology, e.Resource) }

// DeviceState is a device's presence-like state (NOT_INUSE, INUSE, BUSY...).
type DeviceState struct {
	Node  string `json:"-"`
	Name  string `json:"name"`
	State string `json:"state"`
}

// Application is a Stasis application and what it is subscribed to.
type Application struct {
	Node             string            `json:"-"`
	Name             string            `json:"name"`
	ChannelIDs       []string          `json:"channel_ids"`
	BridgeIDs        []string          `json:"bridge_ids"`
	EndpointIDs      []string          `json:"endpoint_ids"`
	DeviceNames      []string          `json:"device_names"`
	EventsAllowed    []json.RawMessage `json:"events_allowed"`    // free-form filter objects
	EventsDisallowed []json.RawMessage `json:"events_disallowed"` // free-form filter objects
}

// AsteriskInfo is GET /asterisk/info; each part is present only when asked
// for (or when no "only" filter was given).
type AsteriskInfo struct {
	Build  *BuildInfo  `json:"build,omitempty"`
	System *SystemInfo `json:"system,omitempty"`
	Config *ConfigInfo `json:"config,omitempty"`
	Status *StatusInfo `json:"status,omitempty"`
}

// BuildInfo describes how Asterisk was built.
type BuildInfo struct {
	OS      string `json:"os"`
	Kernel  string `json:"kernel"`
	Options string `json:"options"`
	Machine string `json:"machine"`
	Date    string `json:"date"`
	User    string `json:"user"`
}

// SystemInfo carries the version and the entity id that names a node.
type SystemInfo struct {
	Version  string `json:"version"`
	EntityID string `json:"entity_id"`
}

// ConfigInfo is Asterisk's running configuration summary.
type ConfigInfo struct {
	Name            string   `json:"name"`
	DefaultLanguage string   `json:"default_language"`
	MaxChannels     *int     `json:"max_channels,omitempty"`
	MaxOpenFiles    *int     `json:"max_open_files,omitempty"`
	MaxLoad         *float64 `json:"max_load,omitempty"`
	SetID           *SetID   `json:"setid,omitempty"`
}

// SetID is the user and group Asterisk runs as.
type SetID struct {
	User  string `json:"user"`
	Group string `json:"group"`
}

// StatusInfo has Asterisk's start and reload times.
type StatusInfo struct {
	StartupTime    Time `json:"startup_time"`
	LastReloadTime Time `json:"last_reload_time"`
}

// AsteriskPing is GET /asterisk/ping.
type AsteriskPing struct {
	Ping       string `json:"ping"`
	Timestamp  Time   `json:"timestamp"`
	AsteriskID string `json:"asterisk_id"`
}

// Variable is the body of GET .../variable.
type Variable struct {
	Value string `json:"value"`
}
