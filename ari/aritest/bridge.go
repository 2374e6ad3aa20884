package aritest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// bridge is a simulated Stasis bridge.
type bridge struct {
	id, name  string
	typ       string // mixing or holding
	created   time.Time
	channels  []*channel
	media     []mediaOp
	moh       string
	announcer string          // name of the music-on-hold Announcer channel
	sticky    map[string]bool // apps told of BridgeDestroyed (see leaveStasisLocked)
}

func (b *bridge) json() bridgeJSON {
	ids := make([]string, 0, len(b.channels))
	for _, c := range b.channels {
		ids = append(ids, c.id)
	}
	tech := "simple_bridge"
	if b.typ == "holding" {
		tech = "holding_bridge"
	}
	return bridgeJSON{ID: b.id, Technology: tech, BridgeType: b.typ, BridgeClass: "stasis",
		Creator: "Stasis", Name: b.name, Channels: ids, CreationTime: stamp(b.created), VideoMode: "talker"}
}

func createBridge(s *Server, r *request) response {
	id := r.path["id"]
	if id == "" {
		id = r.get("bridgeId")
	}
	if id != "" {
		if b := s.st.bridges[id]; b != nil {
			// POST /bridges/{id} on an existing bridge updates it.
			if n := r.get("name"); n != "" {
				b.name = n
			}
			return ok(b.json())
		}
	} else {
		id = newUUID()
	}
	typ := ""
	for _, t := range strings.Split(r.get("type"), ",") {
		switch strings.TrimSpace(t) {
		case "mixing", "":
			if typ == "" {
				typ = "mixing"
			}
		case "holding":
			typ = "holding"
		case "dtmf_events", "proxy_media", "video_sfu", "video_single", "sdp_label":
		default:
			return fail(http.StatusInternalServerError, "Unable to create bridge. Possible duplicate bridge id '(null)'")
		}
	}
	if typ == "" {
		typ = "mixing"
	}
	b := &bridge{id: id, name: r.get("name"), typ: typ, created: s.now(), sticky: map[string]bool{}}
	s.st.bridges[id] = b
	s.deliver(s.allWatchers(), "BridgeCreated", kv{"bridge", b.json()})
	return ok(b.json())
}

func listBridges(s *Server, r *request) response {
	out := []bridgeJSON{}
	for _, id := range sortedKeys(s.st.bridges) {
		out = append(out, s.st.bridges[id].json())
	}
	return ok(out)
}

func getBridge(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	return ok(b.json())
}

func destroyBridge(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	for _, c := range slices.Clone(b.channels) {
		// An application with a channel still inside hears the bridge go.
		if c.stasisApp != "" {
			b.sticky[c.stasisApp] = true
		}
		s.leaveBridgeLocked(c)
	}
	queue := b.media
	b.media = nil // nothing queued starts while the bridge goes
	for _, op := range queue {
		switch op := op.(type) {
		case *playback:
			if op.state == "playing" {
				s.finishPlaybackLocked(op, "done")
			} else {
				s.dropPlaybackLocked(op)
			}
		case *liveRecording:
			if op.state == "recording" {
				s.finishRecordingLocked(op, "done")
			} else {
				delete(s.st.live, op.name)
			}
		}
	}
	s.emitBridge("BridgeDestroyed", b, nil)
	delete(s.st.bridges, b.id)
	for _, a := range s.st.apps {
		delete(a.bridges, b.id)
	}
	return noContent()
}

// bridgeChannels resolves the channel parameter of addChannel and
// removeChannel.
func (s *Server) bridgeChannels(r *request) ([]*channel, *response) {
	v := r.get("channel")
	if v == "" {
		resp := fail(http.StatusBadRequest, "Missing parameter channel")
		return nil, &resp
	}
	var out []*channel
	for _, id := range strings.Split(v, ",") {
		ch := s.st.channels[strings.TrimSpace(id)]
		if ch == nil {
			resp := fail(http.StatusBadRequest, "Channel not found")
			return nil, &resp
		}
		out = append(out, ch)
	}
	return out, nil
}

func addChannel(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	chans, errResp := s.bridgeChannels(r)
	if errResp != nil {
		return *errResp
	}
	for _, ch := range chans {
		if ch.stasisApp == "" {
			return fail(http.StatusUnprocessableEntity, "Channel not in Stasis application")
		}
	}
	for _, ch := range chans {
		if ch.bridge == b {
			continue
		}
		if ch.bridge != nil {
			s.leaveBridgeLocked(ch)
		}
		s.joinBridgeLocked(b, ch)
	}
	return noContent()
}

func removeChannel(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	chans, errResp := s.bridgeChannels(r)
	if errResp != nil {
		return *errResp
	}
	for _, ch := range chans {
		if ch.bridge != b {
			return fail(http.StatusUnprocessableEntity, "Channel not in this bridge")
		}
	}
	for _, ch := range chans {
		s.leaveBridgeLocked(ch)
	}
	return noContent()
}

// peerNames is what BRIDGEPEER holds for ch: the other channels' names.
func peerNames(b *bridge, ch *channel) string {
	var names []string
	for _, c := range b.channels {
		if c != ch {
			names = append(names, c.name)
		}
	}
	return strings.Join(names, ",")
}

func (s *Server) joinBridgeLocked(b *bridge, ch *channel) {
	b.channels = append(b.channels, ch)
	ch.bridge = b
	s.emitBridge("ChannelEnteredBridge", b, ch)
	if len(b.channels) > 1 {
		s.setVarLocked(ch, "BRIDGEPEER", peerNames(b, ch))
		for _, c := range b.channels {
			if c == ch {
				continue
			}
			s.setVarLocked(c, "BRIDGEPEER", peerNames(b, c))
			if ch.tech == "PJSIP" && len(b.channels) == 2 {
				c.pvtCallID = true
				s.setVarLocked(c, "BRIDGEPVTCALLID", ch.protoID)
			}
		}
		for _, c := range b.channels {
			if c != ch {
				s.emitChannel("ChannelConnectedLine", c)
			}
		}
		s.emitChannel("ChannelConnectedLine", ch)
	}
	if b.moh != "" && ch.party != nil {
		ch.party.hearLocked("moh:" + b.moh)
	}
	s.mediaArrivedLocked(ch)
}

func (s *Server) leaveBridgeLocked(ch *channel) {
	b := ch.bridge
	if b == nil {
		return
	}
	b.channels = slices.DeleteFunc(b.channels, func(c *channel) bool { return c == ch })
	s.setVarLocked(ch, "BRIDGEPEER", "")
	if ch.pvtCallID {
		ch.pvtCallID = false
		s.setVarLocked(ch, "BRIDGEPVTCALLID", "")
	}
	s.emitBridge("ChannelLeftBridge", b, ch)
	ch.bridge = nil
	if b.moh != "" && ch.party != nil {
		ch.party.hearLocked("moh:stop")
	}
}

func bridgeMOH(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	class := r.get("mohClass")
	if class == "" {
		class = "default"
	}
	b.moh = class
	if b.announcer == "" {
		n := s.st.nameSeq["Local"]
		s.st.nameSeq["Local"]++
		b.announcer = fmt.Sprintf("Announcer/ARI_MOH-%08x;2", n)
	}
	for _, c := range b.channels {
		// The Announcer channel joins the bridge as a peer.
		s.setVarLocked(c, "BRIDGEPEER", strings.Trim(peerNames(b, c)+","+b.announcer, ","))
		s.emitChannel("ChannelConnectedLine", c)
		if c.party != nil {
			c.party.hearLocked("moh:" + class)
		}
	}
	return noContent()
}

func bridgeStopMOH(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	if b.moh != "" {
		for _, c := range b.channels {
			if c.party != nil {
				c.party.hearLocked("moh:stop")
			}
		}
	}
	b.moh = ""
	return noContent()
}

func bridgeRecord(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	return s.recordLocked(r, nil, b)
}

func bridgePlay(s *Server, r *request) response {
	b := s.st.bridges[r.path["id"]]
	if b == nil {
		return fail(http.StatusNotFound, "Bridge not found")
	}
	return s.playLocked(r, nil, b, r.path["pbid"])
}
