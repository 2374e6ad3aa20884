package aritest

import (
	"net/http"
	"strconv"
	"strings"
)

// stasisChannel finds the channel of a request and checks it is in Stasis,
// answering 404 or 409 as Asterisk does.
func (s *Server) stasisChannel(r *request) (*channel, *response) {
	ch := s.st.channels[r.path["id"]]
	if ch == nil || ch.dead {
		resp := fail(http.StatusNotFound, "Channel not found")
		return nil, &resp
	}
	if ch.stasisApp == "" {
		resp := fail(http.StatusConflict, "Channel not in Stasis application")
		return nil, &resp
	}
	return ch, nil
}

// withStasis adapts a handler that needs a channel in Stasis.
func withStasis(f func(s *Server, r *request, ch *channel) response) handler {
	return func(s *Server, r *request) response {
		ch, errResp := s.stasisChannel(r)
		if errResp != nil {
			return *errResp
		}
		return f(s, r, ch)
	}
}

func listChannels(s *Server, r *request) response {
	out := []channelJSON{}
	for _, ch := range s.st.channelsInOrder() {
		out = append(out, ch.json())
	}
	return ok(out)
}

func getChannel(s *Server, r *request) response {
	ch := s.st.channels[r.path["id"]]
	if ch == nil {
		return fail(http.StatusNotFound, "Channel not found")
	}
	return ok(ch.json())
}

func originate(s *Server, r *request) response { return s.originateLocked(r, r.path["id"], false) }

func createChannel(s *Server, r *request) response { return s.originateLocked(r, "", true) }

var hangupReasons = map[string]int{
	"normal": 16, "busy": 17, "congestion": 34, "no_answer": 19, "timeout": 19,
	"rejected": 21, "unallocated": 1, "normal_unspecified": 31, "number_incomplete": 28,
	"codec_mismatch": 58, "interworking": 127, "failure": 38, "answered_elsewhere": 26,
}

func hangupChannel(s *Server, r *request) response {
	ch := s.st.channels[r.path["id"]]
	if ch == nil || ch.hanging {
		return fail(http.StatusNotFound, "Channel not found")
	}
	cause := 16
	if rc := r.get("reason_code"); rc != "" {
		n, err := strconv.Atoi(rc)
		if err != nil {
			return fail(http.StatusBadRequest, "Invalid reason_code")
		}
		cause = n
	} else if reason := r.get("reason"); reason != "" {
		n, known := hangupReasons[reason]
		if !known {
			return fail(http.StatusBadRequest, "Invalid reason for hangup provided")
		}
		cause = n
	}
	if ch.dial != nil && ch.stasisApp == "" {
		// Cancelling an outgoing call that is still ringing.
		s.emitHangupRequest(ch, 32, true)
		s.dialFailedLocked(ch, "CANCEL", cause)
		return noContent()
	}
	s.hangupLocked(ch, 32, true, cause)
	return noContent()
}

func answer(s *Server, r *request, ch *channel) response {
	if ch.state == "Up" {
		return noContent()
	}
	s.setStateLocked(ch, "Up")
	if p := ch.partner; p != nil && p.half == 1 && !p.answered {
		s.setStateLocked(p, "Up")
		s.answeredLocked(p)
		s.emitDeviceState(localDevice(ch), "INUSE")
		s.emitDeviceState(localDevice(ch), "INUSE")
	}
	return noContent()
}

func ring(s *Server, r *request, ch *channel) response {
	if ch.party != nil {
		ch.party.hearLocked("ringing")
	}
	s.indicateRingingLocked(ch, false)
	return noContent()
}

func noop(s *Server, r *request, ch *channel) response { return noContent() }

func sendDTMF(s *Server, r *request, ch *channel) response {
	digits := r.get("dtmf")
	if digits == "" {
		return fail(http.StatusBadRequest, "DTMF is required")
	}
	if ch.party != nil {
		for _, d := range digits {
			if d != ',' {
				ch.party.hearLocked("dtmf:" + string(d))
			}
		}
	}
	return noContent()
}

func mute(s *Server, r *request, ch *channel) response {
	switch r.get("direction") {
	case "", "both", "in", "out":
		return noContent()
	}
	return fail(http.StatusBadRequest, "Invalid direction specified")
}

func hold(s *Server, r *request, ch *channel) response {
	ch.hold = r.http.Method == http.MethodPost
	return noContent()
}

func startMOH(s *Server, r *request, ch *channel) response {
	class := r.get("mohClass")
	if class == "" {
		class = "default"
	}
	ch.moh = class
	if ch.party != nil {
		ch.party.hearLocked("moh:" + class)
	}
	return noContent()
}

func stopMOH(s *Server, r *request, ch *channel) response {
	if ch.moh != "" && ch.party != nil {
		ch.party.hearLocked("moh:stop")
	}
	ch.moh = ""
	return noContent()
}

func silence(s *Server, r *request, ch *channel) response {
	ch.silence = r.http.Method == http.MethodPost
	return noContent()
}

func play(s *Server, r *request, ch *channel) response {
	return s.playLocked(r, ch, nil, r.path["pbid"])
}

func record(s *Server, r *request, ch *channel) response { return s.recordLocked(r, ch, nil) }

func dial(s *Server, r *request, ch *channel) response { return s.dialLocked(ch, r) }

// continueDialplan leaves Stasis and resumes the dialplan (or runs the
// given extension).
func continueDialplan(s *Server, r *request, ch *channel) response {
	s.leaveStasisLocked(ch, false)
	ctx, exten := r.get("context"), r.get("extension")
	if ctx == "" && exten == "" && ch.dp != nil {
		s.stepLocked(ch)
		return noContent()
	}
	if ctx == "" {
		ctx = ch.context
	}
	if exten == "" {
		exten = ch.exten
	}
	steps, found := s.lookupExten(exten, ctx)
	if !found {
		s.hangupLocked(ch, 16, false, 16)
		return noContent()
	}
	s.runDialplanLocked(ch, exten, ctx, steps)
	return noContent()
}

// move leaves one application for another.
func move(s *Server, r *request, ch *channel) response {
	appName := r.get("app")
	if appName == "" {
		return fail(http.StatusBadRequest, "Missing parameter app")
	}
	var args []string
	if a := r.get("appArgs"); a != "" {
		args = strings.Split(a, ",")
	}
	s.emitChannel("StasisEnd", ch)
	prev := ch.stasisApp
	ch.stasisApp = ""
	if a := s.st.apps[prev]; a != nil {
		s.maybeForgetApp(a)
	}
	if !s.enterStasisLocked(ch, appName, args, "originate") {
		s.hangupLocked(ch, 16, false, 16)
	}
	return noContent()
}

func getVar(s *Server, r *request) response {
	name := r.get("variable")
	if name == "" {
		return fail(http.StatusBadRequest, "Variable name is required")
	}
	ch := s.st.channels[r.path["id"]]
	if ch == nil {
		return fail(http.StatusNotFound, "Provided channel was not found")
	}
	v, found := s.readVarLocked(ch, name)
	if !found {
		return fail(http.StatusNotFound, "Provided variable was not found")
	}
	return ok(obj{{"value", v}})
}

func setVar(s *Server, r *request) response {
	name := r.get("variable")
	if name == "" {
		return fail(http.StatusBadRequest, "Variable name is required")
	}
	ch := s.st.channels[r.path["id"]]
	if ch == nil {
		return fail(http.StatusNotFound, "Provided channel was not found")
	}
	s.setVarLocked(ch, name, r.get("value"))
	return noContent()
}

// readVarLocked reads a channel variable or one of the dialplan functions
// callers commonly read through ARI.
func (s *Server) readVarLocked(ch *channel, name string) (string, bool) {
	switch strings.ToUpper(name) {
	case "CALLERID(NUM)":
		return ch.caller.Number, true
	case "CALLERID(NAME)":
		return ch.caller.Name, true
	case "CONNECTEDLINE(NUM)":
		return ch.conn.Number, true
	case "CONNECTEDLINE(NAME)":
		return ch.conn.Name, true
	case "CHANNEL(STATE)":
		return ch.state, true
	case "CHANNEL(NAME)":
		return ch.name, true
	case "CHANNEL(UNIQUEID)", "UNIQUEID":
		return ch.id, true
	case "CHANNEL(LANGUAGE)":
		return ch.language, true
	}
	v, found := ch.vars[name]
	return v, found
}

// setVarLocked sets a channel variable and reports ChannelVarset.
func (s *Server) setVarLocked(ch *channel, name, value string) {
	switch strings.ToUpper(name) {
	case "CALLERID(NUM)":
		ch.caller.Number = value
	case "CALLERID(NAME)":
		ch.caller.Name = value
	case "CHANNEL(LANGUAGE)":
		ch.language = value
	default:
		ch.vars[name] = value
	}
	s.emitVarset(ch, name, value)
}

func snoop(s *Server, r *request) response {
	ch := s.st.channels[r.path["id"]]
	if ch == nil {
		return fail(http.StatusNotFound, "Channel not found")
	}
	appName := r.get("app")
	if appName == "" {
		return fail(http.StatusBadRequest, "Missing parameter app")
	}
	for _, p := range []string{"spy", "whisper"} {
		switch r.get(p) {
		case "", "none", "both", "in", "out":
		default:
			return fail(http.StatusBadRequest, "Invalid direction specified for "+p)
		}
	}
	id := r.path["snoopId"]
	if id == "" {
		id = r.get("snoopId")
	}
	if id != "" && s.st.channels[id] != nil {
		return fail(http.StatusConflict, "Channel with given unique ID already exists")
	}
	var args []string
	if a := r.get("appArgs"); a != "" {
		args = strings.Split(a, ",")
	}
	sn := s.newChannelLocked(id, "Snoop", s.channelNameLocked("Snoop", ch.id))
	sn.state = "Up"
	sn.answered = true
	ch.snoops = append(ch.snoops, sn)
	resp := ok(sn.json())
	s.emitChannel("ChannelCreated", sn)
	if !s.enterStasisLocked(sn, appName, args, "originate") {
		s.hangupLocked(sn, 16, false, 16)
	}
	return resp
}
