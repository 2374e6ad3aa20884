package ari

import (
	"errors"
	"fmt"
	"strings"
)

// Kind names the sort of Asterisk resource a Key points at.
type Kind string

// Resource kinds. The strings match ARI's event source prefixes where ARI
// has one ("channel:ID", "bridge:ID"), so a Key can become an eventSource.
const (
	KindChannel         Kind = "channel"
	KindBridge          Kind = "bridge"
	KindPlayback        Kind = "playback"
	KindLiveRecording   Kind = "recording"
	KindStoredRecording Kind = "storedRecording"
	KindEndpoint        Kind = "endpoint" // ID is "tech/resource", e.g. "PJSIP/2001"
	KindDeviceState     Kind = "deviceState"
)

// Key names one resource on one Asterisk node. Node is the node's entity id
// (GET /asterisk/info -> system.entity_id), so a request for a Key always goes
// to the node that owns it.
type Key struct {
	Node string
	Kind Kind
	ID   string
}

// ChannelKey names a channel on a node.
func ChannelKey(node, id string) Key { return Key{Node: node, Kind: KindChannel, ID: id} }

// BridgeKey names a bridge on a node.
func BridgeKey(node, id string) Key { return Key{Node: node, Kind: KindBridge, ID: id} }

// PlaybackKey names a playback on a node.
func PlaybackKey(node, id string) Key { return Key{Node: node, Kind: KindPlayback, ID: id} }

// LiveRecordingKey names a recording in progress (by its name).
func LiveRecordingKey(node, name string) Key {
	return Key{Node: node, Kind: KindLiveRecording, ID: name}
}

// StoredRecordingKey names a finished recording (by its name).
func StoredRecordingKey(node, name string) Key {
	return Key{Node: node, Kind: KindStoredRecording, ID: name}
}

// EndpointKey names an endpoint such as tech "PJSIP", resource "2001".
func EndpointKey(node, tech, resource string) Key {
	return Key{Node: node, Kind: KindEndpoint, ID: tech + "/" + resource}
}

// DeviceStateKey names a device state such as "Stasis:agent-2001".
func DeviceStateKey(node, name string) Key {
	return Key{Node: node, Kind: KindDeviceState, ID: name}
}

// String gives "kind:id@node".
func (k Key) String() string { return string(k.Kind) + ":" + k.ID + "@" + k.Node }

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k == Key{} }

// ErrBadKey is returned when a Key's kind does not fit the operation or it
// lacks a node or id.
var ErrBadKey = errors.New("ari: bad resource key")

func (k Key) check(kinds ...Kind) error {
	if k.Node == "" || k.ID == "" {
		return fmt.Errorf("%w: %s lacks node or id", ErrBadKey, k)
	}
	for _, want := range kinds {
		if k.Kind == want {
			return nil
		}
	}
	return fmt.Errorf("%w: %s is not a %v", ErrBadKey, k, kinds)
}

// targetKey turns ARI's "channel:ID" / "bridge:ID" target URIs into keys.
func targetKey(node, uri string) (Key, bool) {
	kind, id, ok := strings.Cut(uri, ":")
	if !ok || id == "" {
		return Key{}, false
	}
	switch Kind(kind) {
	case KindChannel, KindBridge, KindEndpoint, KindDeviceState:
		return Key{Node: node, Kind: Kind(kind), ID: id}, true
	}
	return Key{}, false
}
