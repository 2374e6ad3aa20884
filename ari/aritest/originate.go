package aritest

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// dialOp is an outgoing call being placed on a channel (originate or
// POST /channels/{id}/dial) until it is answered or fails.
type dialOp struct {
	first string // dialstring of the first Dial event
	later string // dialstring of the RINGING/ANSWER events
	timer stopper
}

// originateLocked serves POST /channels, /channels/{id} and, with create,
// /channels/create.
func (s *Server) originateLocked(r *request, id string, create bool) response {
	endpoint := r.get("endpoint")
	if endpoint == "" {
		return fail(http.StatusBadRequest, "Endpoint must be specified")
	}
	appName, exten := r.get("app"), r.get("extension")
	if appName == "" && (create || exten == "") {
		return fail(http.StatusBadRequest, "Application or extension must be specified")
	}
	if id == "" {
		id = r.get("channelId")
	}
	if id != "" && s.st.channels[id] != nil {
		return fail(http.StatusConflict, "Channel with given unique ID already exists")
	}
	otherID := r.get("otherChannelId")
	if otherID != "" && s.st.channels[otherID] != nil {
		return fail(http.StatusConflict, "Channel with given unique ID already exists")
	}
	tech, resource, _ := strings.Cut(endpoint, "/")
	var args []string
	if a := r.get("appArgs"); a != "" {
		args = strings.Split(a, ",")
	}
	callerID := parseCallerID(r.get("callerId"))
	timeout := time.Duration(r.getInt("timeout", 30)) * time.Second
	context := r.get("context")
	if context == "" {
		context = "default"
	}

	switch {
	case strings.EqualFold(tech, "Local"):
		target, _, _ := strings.Cut(resource, "/") // drop Local options such as /n
		lexten, lcontext, found := strings.Cut(target, "@")
		if !found {
			lcontext = "default"
		}
		steps, known := s.lookupExten(lexten, lcontext)
		if !known {
			return response{status: http.StatusInternalServerError, body: obj{{"error", "Allocation failed"}}}
		}
		base := s.channelNameLocked("Local", target)
		ch1 := s.newChannelLocked(id, "Local", base+";1")
		ch2 := s.newChannelLocked(otherID, "Local", base+";2")
		ch1.partner, ch2.partner = ch2, ch1
		ch1.half, ch2.half = 1, 2
		ch1.device, ch2.device = localDevice(ch1), localDevice(ch1)
		ch1.context, ch1.exten = lcontext, lexten
		ch2.context, ch2.exten = lcontext, lexten
		ch2.state = "Ring"
		ch1.caller, ch1.conn = callerID, callerID
		ch2.caller, ch2.conn = callerID, callerID
		if create {
			return s.createLocal(ch1, ch2, r, appName, args, steps)
		}
		ch1.appName, ch1.appData = "AppDial2", "(Outgoing Line)"
		resp := ok(ch1.json())
		s.emitChannel("ChannelCreated", ch1)
		s.emitChannel("ChannelCreated", ch2)
		s.emitDialplan(ch1)
		s.emitCallerID(ch1)
		s.emitChannel("ChannelConnectedLine", ch1)
		if appName != "" && s.st.apps[appName] != nil {
			ch1.followers[appName], ch2.followers[appName] = true, true
		}
		for _, k := range reverseSorted(r.vars) {
			ch1.vars[k] = r.vars[k]
			s.setVarLocked(ch2, k, r.vars[k])
		}
		s.emitCallerID(ch2)
		s.emitChannel("ChannelConnectedLine", ch2)
		ch1.dial = &dialOp{first: target, later: target}
		s.emitDial(ch1, "", target)
		s.armOriginate(ch1, appName, args, exten, context, timeout)
		s.runDialplanLocked(ch2, lexten, lcontext, steps)
		return resp

	case strings.EqualFold(tech, "PJSIP"):
		ph := s.phones["PJSIP/"+resource]
		if ph == nil {
			return response{status: http.StatusInternalServerError, body: obj{{"error", "Allocation failed"}}}
		}
		ch := s.newChannelLocked(id, "PJSIP", s.channelNameLocked("PJSIP", resource))
		ch.device = "PJSIP/" + resource
		ch.protoID = newUUID()
		ch.caller, ch.conn = callerID, callerID
		ch.context, ch.exten = context, "s"
		for _, k := range reverseSorted(r.vars) {
			ch.vars[k] = r.vars[k]
		}
		if create {
			resp := ok(ch.json())
			s.emitChannel("ChannelCreated", ch)
			if s.st.apps[appName] != nil {
				ch.followers[appName] = true
			}
			s.enterStasisLocked(ch, appName, args, "create")
			return resp
		}
		ch.appName, ch.appData = "AppDial2", "(Outgoing Line)"
		resp := ok(ch.json())
		s.emitChannel("ChannelCreated", ch)
		if appName != "" && s.st.apps[appName] != nil {
			ch.followers[appName] = true
		}
		ch.dial = &dialOp{first: resource, later: resource}
		s.armOriginate(ch, appName, args, exten, context, timeout)
		s.ringPhoneLocked(ph, ch)
		return resp
	}
	return response{status: http.StatusInternalServerError, body: obj{{"error", "Allocation failed"}}}
}

func (s *Server) createLocal(ch1, ch2 *channel, r *request, appName string, args []string, steps []dpStep) response {
	resp := ok(ch1.json())
	s.emitChannel("ChannelCreated", ch1)
	s.emitChannel("ChannelCreated", ch2)
	if s.st.apps[appName] != nil {
		ch1.followers[appName] = true
	}
	for _, k := range reverseSorted(r.vars) {
		s.setVarLocked(ch1, k, r.vars[k])
	}
	ch2.dp = &dpRun{steps: steps} // runs once /dial is called
	ch1.dial = nil
	s.enterStasisLocked(ch1, appName, args, "create")
	return resp
}

// armOriginate decides what an originated channel does once answered and
// gives up after timeout.
func (s *Server) armOriginate(ch *channel, appName string, args []string, exten, context string, timeout time.Duration) {
	ch.onAnswer = func() {
		if appName != "" {
			if !s.enterStasisLocked(ch, appName, args, "originate") {
				s.hangupLocked(ch, 16, false, 16)
			}
			return
		}
		steps, found := s.lookupExten(exten, context)
		if !found {
			s.hangupLocked(ch, 16, false, 16)
			return
		}
		s.runDialplanLocked(ch, exten, context, steps)
	}
	if timeout > 0 {
		op := ch.dial
		op.timer = s.after(timeout, func() {
			if ch.dial == op && !ch.dead {
				s.dialFailedLocked(ch, "NOANSWER", 19)
			}
		})
	}
}

// dialLocked serves POST /channels/{id}/dial for a channel made by
// /channels/create.
func (s *Server) dialLocked(ch *channel, r *request) response {
	if ch.stasisApp == "" {
		return fail(http.StatusConflict, "Channel not in Stasis application")
	}
	if ch.dial != nil || ch.state != "Down" {
		return fail(http.StatusConflict, "Channel is not in the 'Down' state")
	}
	timeout := time.Duration(r.getInt("timeout", 0)) * time.Second
	switch {
	case ch.partner != nil && ch.half == 1:
		p := ch.partner
		target := ch.exten + "@" + ch.context
		ch.dial = &dialOp{first: target}
		s.emitChannel("ChannelConnectedLine", ch)
		s.emitDial(ch, "", target)
		s.armDialTimeout(ch, timeout)
		if p.dp != nil {
			steps := p.dp.steps
			p.dp = nil
			s.runDialplanLocked(p, p.exten, p.context, steps)
		}
	case ch.tech == "PJSIP":
		ph := s.phones[ch.device]
		if ph == nil {
			return fail(http.StatusInternalServerError, "Allocation failed")
		}
		res := strings.TrimPrefix(ch.device, "PJSIP/")
		ch.dial = &dialOp{first: res}
		s.armDialTimeout(ch, timeout)
		s.ringPhoneLocked(ph, ch)
	default:
		return fail(http.StatusConflict, "Channel cannot be dialed")
	}
	return noContent()
}

func (s *Server) armDialTimeout(ch *channel, timeout time.Duration) {
	if timeout <= 0 {
		return
	}
	op := ch.dial
	op.timer = s.after(timeout, func() {
		if ch.dial == op && !ch.dead {
			s.dialFailedLocked(ch, "NOANSWER", 19)
		}
	})
}

// indicateRingingLocked: ch (a Local ";2" half or a called channel) rings;
// the caller side learns it. fromDialplan defers the Dial RINGING event
// until the next dialplan step started, matching Asterisk's order.
func (s *Server) indicateRingingLocked(ch *channel, fromDialplan bool) {
	p := ch.partner
	if p == nil || p.half != 1 || p.answered {
		return
	}
	if p.state == "Down" {
		s.setStateLocked(p, "Ringing")
		s.emitDeviceState(localDevice(p), "INUSE")
	}
	if p.dial == nil {
		return
	}
	ring := func() {
		if p.dial != nil && !p.dead {
			s.emitDial(p, "RINGING", p.dial.later)
		}
	}
	if fromDialplan && ch.dp != nil {
		ch.dp.pendingRing = ring
		return
	}
	ring()
}

// answerFromDialplanLocked is Answer() on ch; on a Local ";2" half the
// originating ";1" half is answered first.
func (s *Server) answerFromDialplanLocked(ch *channel) {
	p := ch.partner
	if p != nil && p.half == 1 && !p.answered {
		s.setStateLocked(p, "Up")
		s.setStateLocked(ch, "Up")
		s.answeredLocked(p)
		return
	}
	s.setStateLocked(ch, "Up")
}

// answeredLocked finishes a successful outgoing call on ch: Dial ANSWER,
// then whatever the originate asked for.
func (s *Server) answeredLocked(ch *channel) {
	if op := ch.dial; op != nil {
		ch.dial = nil
		if op.timer != nil {
			op.timer.Stop()
		}
		s.emitDial(ch, "ANSWER", op.later)
	}
	if f := ch.onAnswer; f != nil {
		ch.onAnswer = nil
		f()
	}
}

// calleeFailedLocked: ch, the called side, refuses (Busy, Congestion);
// the caller side's dial fails.
func (s *Server) calleeFailedLocked(ch *channel, status string, cause int) {
	if p := ch.partner; p != nil && p.half == 1 && p.dial != nil {
		s.dialFailedLocked(p, status, cause)
		return
	}
	if ch.dial != nil {
		s.dialFailedLocked(ch, status, cause)
	}
}

// dialFailedLocked ends a failed outgoing call on ch (the ";1" half or
// the called PJSIP channel) the way Asterisk reports it; cause is the
// called side's hangup cause.
func (s *Server) dialFailedLocked(ch *channel, status string, cause int) {
	op := ch.dial
	if op == nil {
		return
	}
	ch.dial = nil
	if op.timer != nil {
		op.timer.Stop()
	}
	s.emitDial(ch, status, op.later)
	ch.onAnswer = nil
	if ch.stasisApp != "" {
		// A channel dialled from Stasis is hung up when its dial fails.
		s.hangupLocked(ch, cause, false, cause)
		return
	}
	p := ch.partner
	if p == nil || p.dead || p.hanging {
		ch.hanging = true
		s.destroyLocked(ch, cause)
		return
	}
	p.hanging = true
	s.stopDialplanLocked(p)
	s.emitHangupRequest(p, 0, false)
	ch.hanging = true
	s.destroyLocked(ch, 0)
	if p.runsDialplan {
		s.emitHangupRequest(p, 16, true)
	}
	s.destroyLocked(p, cause)
}

func (s *Server) cancelDialLocked(ch *channel) {
	if op := ch.dial; op != nil {
		if op.timer != nil {
			op.timer.Stop()
		}
		ch.dial = nil
	}
	ch.onAnswer = nil
}

func reverseSorted(m map[string]string) []string {
	keys := sortedKeys(m)
	sort.Sort(sort.Reverse(sort.StringSlice(keys)))
	return keys
}
