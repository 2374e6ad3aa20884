package arictl

import (
	"strings"
	"time"

	"callsvc/ari"
	"callsvc/routing"
)

// Convert translates an ARI event into the engine's terms; ok is false for
// events the engine does not use.
func Convert(ev ari.Event) (routing.Event, bool) {
	base := ev.Base()
	out := routing.Event{At: base.Timestamp.Time}
	leg := func(ch *ari.Channel) routing.Leg { return routing.Leg{Node: base.Node, ID: ch.ID} }
	switch e := ev.(type) {
	case *ari.StasisStart:
		out.Kind, out.Leg, out.Args = routing.EvStart, leg(&e.Channel), e.Args
	case *ari.StasisEnd:
		out.Kind, out.Leg = routing.EvEnd, leg(&e.Channel)
	case *ari.ChannelDestroyed:
		out.Kind, out.Leg, out.Cause = routing.EvEnd, leg(&e.Channel), e.CauseTxt
	case *ari.ChannelHangupRequest:
		out.Kind, out.Leg = routing.EvHangupRequest, leg(&e.Channel)
	case *ari.ChannelStateChange:
		out.Kind, out.Leg, out.State = routing.EvStateChange, leg(&e.Channel), e.Channel.State
	case *ari.ChannelDtmfReceived:
		out.Kind, out.Leg, out.Digit = routing.EvDTMF, leg(&e.Channel), e.Digit
	case *ari.PlaybackFinished:
		out.Kind, out.PlaybackID = routing.EvPlaybackFinished, e.Playback.ID
		out.Failed = e.Playback.State == ari.PlaybackFailed
		out.Leg = targetLeg(base.Node, e.Playback.TargetURI)
	case *ari.RecordingFinished:
		out.Kind, out.RecordingName = routing.EvRecordingFinished, e.Recording.Name
		if e.Recording.Duration != nil {
			out.Duration = time.Duration(*e.Recording.Duration) * time.Second
		}
		out.Leg = targetLeg(base.Node, e.Recording.TargetURI)
	case *ari.RecordingFailed:
		out.Kind, out.RecordingName, out.Cause = routing.EvRecordingFailed, e.Recording.Name, e.Recording.Cause
		out.Leg = targetLeg(base.Node, e.Recording.TargetURI)
	case *ari.Dial:
		out.Kind, out.Leg, out.DialStatus = routing.EvDialResult, leg(&e.Peer), e.DialStatus
	default:
		return routing.Event{}, false
	}
	return out, true
}

func targetLeg(node, uri string) routing.Leg {
	if id, ok := strings.CutPrefix(uri, "channel:"); ok {
		return routing.Leg{Node: node, ID: id}
	}
	return routing.Leg{Node: node}
}

// arrival builds the engine's view of a new inbound call.
func arrival(e *ari.StasisStart) routing.Arrival {
	return routing.Arrival{
		Leg:          routing.Leg{Node: e.Node, ID: e.Channel.ID},
		Args:         e.Args,
		CallerNumber: e.Channel.Caller.Number,
		CallerName:   e.Channel.Caller.Name,
		Dialed:       e.Channel.Dialplan.Exten,
		At:           e.Timestamp.Time,
	}
}
