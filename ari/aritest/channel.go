package aritest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// state is everything an Asterisk forgets when it restarts.
type state struct {
	started   time.Time
	seq       int            // channel id sequence
	made      int            // channels created, for listing in creation order
	nameSeq   map[string]int // per technology, for "-0000002a" name suffixes
	channels  map[string]*channel
	bridges   map[string]*bridge
	playbacks map[string][]*playback // a playback id may be reused while live
	live      map[string]*liveRecording
	apps      map[string]*app
	devices   map[string]string // ARI-controlled (Stasis:) device states
}

func newState(now time.Time) *state {
	return &state{
		started:   now,
		nameSeq:   map[string]int{},
		channels:  map[string]*channel{},
		bridges:   map[string]*bridge{},
		playbacks: map[string][]*playback{},
		live:      map[string]*liveRecording{},
		apps:      map[string]*app{},
		devices:   map[string]string{},
	}
}

func (st *state) channelsInOrder() []*channel {
	out := make([]*channel, 0, len(st.channels))
	for _, ch := range st.channels {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// interval is a stretch of simulated time.
type interval struct{ from, to time.Duration }

// channel is a simulated Asterisk channel.
type channel struct {
	id, name string
	tech     string // "Local", "PJSIP", "Snoop"
	device   string // device-state name, e.g. "PJSIP/2001"
	seq      int
	state    string
	caller   callerJSON
	conn     callerJSON
	context  string
	exten    string
	priority int
	appName  string
	appData  string
	created  time.Time
	language string
	protoID  string
	vars     map[string]string

	stasisApp  string
	stasisArgs []string
	// runsDialplan: the channel executes dialplan, so after Stasis or a
	// hangup it sees a second, soft hangup request, as Asterisk reports.
	runsDialplan bool
	// followers are applications subscribed to the channel by originate,
	// create, or by being in a bridge when it hung up.
	followers map[string]bool

	partner *channel // the other half of a Local channel
	half    int      // 1 or 2 for Local halves

	bridge    *bridge
	pvtCallID bool // BRIDGEPVTCALLID set (bridged with a PJSIP peer)
	media     []mediaOp
	moh       string
	hold      bool
	silence   bool
	answered  bool
	hanging   bool
	dead      bool
	talk      []interval // when the far end talks towards this channel

	party  *party  // the scripted person on this channel, if any
	dp     *dpRun  // dialplan being executed
	dial   *dialOp // an outgoing call being placed on this channel
	snoops []*channel

	// onAnswer runs when an originated channel is answered.
	onAnswer func()
}

func (ch *channel) json() channelJSON {
	return channelJSON{
		ID: ch.id, Name: ch.name, State: ch.state, ProtocolID: ch.protoID,
		Caller: ch.caller, Connected: ch.conn, AccountCode: "",
		Dialplan: dialplanJSON{Context: ch.context, Exten: ch.exten, Priority: ch.priority,
			AppName: ch.appName, AppData: ch.appData},
		CreationTime: stamp(ch.created), Language: ch.language,
	}
}

// channelNameLocked makes the next channel name for tech/resource, e.g.
// "PJSIP/2001-00000001".
func (s *Server) channelNameLocked(tech, resource string) string {
	counter := tech
	if tech == "Snoop" {
		counter = "Local" // Asterisk numbers these with the Local channels
	}
	n := s.st.nameSeq[counter]
	s.st.nameSeq[counter]++
	return fmt.Sprintf("%s/%s-%08x", tech, resource, n)
}

// newChannelLocked allocates a channel id (unless given) and registers a
// channel called name.
func (s *Server) newChannelLocked(id, tech, name string) *channel {
	st := s.st
	now := s.now()
	if id == "" {
		id = fmt.Sprintf("%d.%d", now.Unix(), st.seq)
		st.seq++
	}
	st.made++
	ch := &channel{
		id: id, tech: tech, seq: st.made, name: name,
		state:   "Down",
		created: now, language: "en", priority: 1,
		vars: map[string]string{}, followers: map[string]bool{},
	}
	st.channels[id] = ch
	return ch
}

func (s *Server) setStateLocked(ch *channel, state string) {
	if ch.state == state || ch.dead {
		return
	}
	ch.state = state
	if state == "Up" {
		ch.answered = true
	}
	s.emitChannel("ChannelStateChange", ch)
	if ch.party != nil {
		ch.party.notifyLocked()
	}
}

// enterStasisLocked puts ch into application appName. how is "dialplan"
// (the Stasis() dialplan application), "create" (POST /channels/create) or
// "originate" (an originated channel answered). It reports false when the
// application is not registered.
func (s *Server) enterStasisLocked(ch *channel, appName string, args []string, how string) bool {
	if how != "originate" {
		ch.appName, ch.appData = "Stasis", strings.Join(append([]string{appName}, args...), ",")
		s.emitDialplan(ch)
	} else {
		ch.appName, ch.appData = "Stasis", strings.Join(append([]string{appName}, args...), ",")
	}
	if how == "dialplan" {
		ch.runsDialplan = true
	}
	a := s.st.apps[appName]
	if a == nil || a.conn == nil {
		ch.vars["STASISSTATUS"] = "FAILED"
		s.emitVarset(ch, "STASISSTATUS", "FAILED")
		return false
	}
	ch.vars["STASISSTATUS"] = ""
	s.emitVarset(ch, "STASISSTATUS", "")
	ch.stasisApp, ch.stasisArgs = appName, args
	if args == nil {
		args = []string{}
	}
	s.emitChannel("StasisStart", ch, kv{"args", args})
	return true
}

// leaveStasisLocked ends Stasis for ch (continue, move, hangup): media
// stops, the bridge is left, StasisEnd goes out.
func (s *Server) leaveStasisLocked(ch *channel, hangup bool) {
	s.stopMediaLocked(ch, hangup)
	if ch.bridge != nil {
		b := ch.bridge
		if hangup && ch.stasisApp != "" {
			// Observed: a channel hung up inside a bridge still reports its
			// destruction, and the bridge its own, to the application.
			ch.followers[ch.stasisApp] = true
			b.sticky[ch.stasisApp] = true
		}
		s.leaveBridgeLocked(ch)
	}
	if ch.stasisApp == "" {
		return
	}
	appName := ch.stasisApp
	s.emitChannel("StasisEnd", ch)
	ch.stasisApp, ch.stasisArgs = "", nil
	ch.vars["STASISSTATUS"] = "SUCCESS"
	s.emitVarset(ch, "STASISSTATUS", "SUCCESS")
	if a := s.st.apps[appName]; a != nil {
		s.maybeForgetApp(a)
	}
}

var causeText = map[int]string{
	0: "Unknown", 4: "Subscriber absent", 16: "Normal Clearing", 17: "User busy",
	18: "No user responding", 19: "User alerting, no answer", 20: "Subscriber absent",
	21: "Call Rejected", 34: "Circuit/channel congestion", 38: "Network out of order",
}

func (s *Server) emitHangupRequest(ch *channel, cause int, soft bool) {
	if soft {
		s.emitChannel("ChannelHangupRequest", ch, kv{"cause", cause}, kv{"soft", true})
		return
	}
	s.emitChannel("ChannelHangupRequest", ch, kv{"cause", cause})
}

// hangupLocked hangs ch up: cause and soft describe the hangup request (ARI
// DELETE is cause 32 soft, the far end hanging up is 16), destroyCause the
// cause ChannelDestroyed reports. The other half of a Local channel goes
// too, in the order Asterisk reports it.
func (s *Server) hangupLocked(ch *channel, cause int, soft bool, destroyCause int) {
	if ch.dead || ch.hanging {
		return
	}
	ch.hanging = true
	s.stopDialplanLocked(ch)
	if ch.tech == "PJSIP" && ch.answered {
		s.emitRTPStats(ch)
	}
	s.emitHangupRequest(ch, cause, soft)
	if op := ch.dial; op != nil {
		s.emitDial(ch, "CANCEL", op.later)
	}
	s.cancelDialLocked(ch)
	s.leaveStasisLocked(ch, true)
	if ch.runsDialplan {
		s.emitHangupRequest(ch, 16, true)
	}
	p := ch.partner
	if p == nil || p.dead || p.hanging {
		s.destroyLocked(ch, destroyCause)
		return
	}
	p.hanging = true
	s.stopDialplanLocked(p)
	s.emitHangupRequest(p, 16, false)
	s.cancelDialLocked(p)
	s.leaveStasisLocked(p, true)
	s.destroyLocked(ch, destroyCause)
	if p.answered {
		s.emitDeviceState(localDevice(ch), "NOT_INUSE")
		s.emitDeviceState(localDevice(ch), "NOT_INUSE")
	}
	if p.runsDialplan {
		s.emitHangupRequest(p, 16, true)
	}
	s.destroyLocked(p, 16)
}

// emitRTPStats sends the QoS variables PJSIP channels set as they hang up.
func (s *Server) emitRTPStats(ch *channel) {
	s.emitVarset(ch, "RTPAUDIOQOS", "ssrc=1;themssrc=2;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000")
	s.emitVarset(ch, "RTPAUDIOQOSJITTER", "minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;")
	s.emitVarset(ch, "RTPAUDIOQOSLOSS", "  minrxlost=000.000000;  maxrxlost=000.000000;  avgrxlost=000.000000;  stdevrxlost=000.000000;  mintxlost=000.000000;  maxtxlost=000.000000;  avgtxlost=000.000000;  stdevtxlost=000.000000;")
	s.emitVarset(ch, "RTPAUDIOQOSRTT", "     minrtt=000.000000;     maxrtt=000.000000;     avgrtt=000.000000;     stdevrtt=000.000000;")
	s.emitVarset(ch, "RTPAUDIOQOSMES", "   minrxmes=000.000000;   maxrxmes=000.000000;   avgrxmes=000.000000;   stdevrxmes=000.000000;   mintxmes=000.000000;   maxtxmes=000.000000;   avgtxmes=000.000000;   stdevtxmes=000.000000;")
}

// destroyLocked reports ChannelDestroyed and forgets ch.
func (s *Server) destroyLocked(ch *channel, cause int) {
	if ch.dead {
		return
	}
	ch.hanging = true
	s.stopDialplanLocked(ch)
	s.stopMediaLocked(ch, true)
	if ch.bridge != nil {
		s.leaveBridgeLocked(ch)
	}
	if ch.appName == "Stasis" {
		ch.appName, ch.appData = "", ""
	}
	txt, found := causeText[cause]
	if !found {
		txt = "Unknown"
	}
	s.emitChannel("ChannelDestroyed", ch, kv{"cause", cause}, kv{"cause_txt", txt})
	ch.dead = true
	delete(s.st.channels, ch.id)
	for _, a := range s.st.apps {
		delete(a.chans, ch.id)
	}
	if ch.device != "" && ch.tech == "PJSIP" {
		s.emitDeviceState(ch.device, "NOT_INUSE")
	}
	for _, sn := range ch.snoops {
		s.hangupLocked(sn, 16, false, 16)
	}
	if ch.party != nil {
		ch.party.endLocked()
	}
}

// localDevice is the device-state name of a Local channel, e.g.
// "Local/100@from-pstn".
func localDevice(ch *channel) string {
	name := ch.name
	if i := strings.LastIndex(name, "-"); i > 0 {
		name = name[:i]
	}
	return name
}

// parseCallerID reads `"Alice" <+1555>` or a bare number.
func parseCallerID(v string) callerJSON {
	v = strings.TrimSpace(v)
	if i := strings.Index(v, "<"); i >= 0 {
		j := strings.Index(v[i:], ">")
		num := v[i+1:]
		if j > 0 {
			num = v[i+1 : i+j]
		}
		return callerJSON{Name: strings.Trim(strings.TrimSpace(v[:i]), `"`), Number: num}
	}
	return callerJSON{Number: v}
}
