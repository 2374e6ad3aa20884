package aritest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialplan maps "exten@context" to the dialplan applications a channel runs
// there, in order, written as in extensions.conf:
//
//	aritest.Dialplan{
//		"100@from-pstn":     {"NoOp(inbound)", "Stasis(callsvc,inbound)"},
//		"agent@test-caller": {"Ringing()", "Wait(1.5)", "Answer()", "Wait(600)"},
//		"busy@test-caller":  {"Busy(5)"},
//	}
//
// Applications understood: Answer, Ringing, Progress, Wait(seconds),
// Busy([seconds]), Congestion([seconds]), Hangup([cause]), NoOp,
// Set(VAR=value), SendDTMF(digits), Playback(sound[&sound]) (heard by the
// other side as talking), Stasis(app[,args...]), Echo and MusicOnHold (both
// wait until hangup). Others are skipped. A channel that runs off the end
// of its extension hangs up.
//
// The ";2" half of an originated Local/exten@context channel runs the
// extension of its endpoint; the ";1" half runs the originate request's
// extension and context once answered. Callers from Server.Dial run
// To@Context, which defaults to Stasis(Options.Application,
// CallerOptions.Args...).
type Dialplan map[string][]string

// Validate reports the first entry that cannot be read ("exten@context"
// keys, "App(data)" steps). NewServer skips such entries, as Asterisk
// skips what it cannot parse; call Validate to be told instead.
func (d Dialplan) Validate() error {
	for _, key := range sortedKeys(d) {
		exten, context, found := strings.Cut(key, "@")
		if !found || exten == "" || context == "" {
			return fmt.Errorf("dialplan key %q: want exten@context", key)
		}
		for _, e := range d[key] {
			if _, err := parseStep(e); err != nil {
				return fmt.Errorf("dialplan %s: %w", key, err)
			}
		}
	}
	return nil
}

type dpStep struct{ app, data string }

// parseStep reads one "App(data)" dialplan entry.
func parseStep(s string) (dpStep, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return dpStep{}, fmt.Errorf("parse dialplan step: empty")
	}
	open := strings.IndexByte(s, '(')
	if open < 0 {
		if !validAppName(s) {
			return dpStep{}, fmt.Errorf("parse dialplan step %q: bad application name", s)
		}
		return dpStep{app: s}, nil
	}
	if !strings.HasSuffix(s, ")") {
		return dpStep{}, fmt.Errorf("parse dialplan step %q: missing ')'", s)
	}
	name := strings.TrimSpace(s[:open])
	if !validAppName(name) {
		return dpStep{}, fmt.Errorf("parse dialplan step %q: bad application name", s)
	}
	return dpStep{app: name, data: s[open+1 : len(s)-1]}, nil
}

func validAppName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// lookupExten finds exten@context in the configured dialplan.
func (s *Server) lookupExten(exten, context string) ([]dpStep, bool) {
	entries, found := s.opts.Dialplan[exten+"@"+context]
	if !found {
		return nil, false
	}
	steps := make([]dpStep, 0, len(entries))
	for _, e := range entries {
		st, err := parseStep(e)
		if err != nil {
			continue // a bad entry is skipped, as Asterisk skips unknown apps
		}
		steps = append(steps, st)
	}
	return steps, true
}

// dpRun is a channel's progress through its extension.
type dpRun struct {
	steps     []dpStep
	i         int
	timer     stopper
	waitMedia bool // in Answer(), waiting for the first audio
	// pendingRing is a Dial RINGING that Asterisk reports after the next
	// dialplan step has started.
	pendingRing func()
}

func (s *Server) runDialplanLocked(ch *channel, exten, context string, steps []dpStep) {
	s.stopDialplanLocked(ch)
	ch.dp = &dpRun{steps: steps}
	ch.runsDialplan = true
	ch.context, ch.exten = context, exten
	s.stepLocked(ch)
}

func (s *Server) stopDialplanLocked(ch *channel) {
	if ch.dp == nil {
		return
	}
	if ch.dp.timer != nil {
		ch.dp.timer.Stop()
	}
	if f := ch.dp.pendingRing; f != nil {
		ch.dp.pendingRing = nil
		f()
	}
	ch.dp = nil
}

// resume continues r on ch after a wait, unless ch moved on meanwhile.
func (s *Server) resume(ch *channel, r *dpRun) func() {
	return func() {
		if ch.dp == r && !ch.dead && !ch.hanging {
			r.timer = nil
			s.stepLocked(ch)
		}
	}
}

func (s *Server) flushPendingRing(r *dpRun) {
	if f := r.pendingRing; f != nil {
		r.pendingRing = nil
		f()
	}
}

// stepLocked runs dialplan steps until one has to wait.
func (s *Server) stepLocked(ch *channel) {
	for ch.dp != nil && !ch.dead && !ch.hanging {
		r := ch.dp
		if r.i >= len(r.steps) {
			s.flushPendingRing(r)
			ch.dp = nil
			s.hangupLocked(ch, 16, false, 16)
			return
		}
		st := r.steps[r.i]
		r.i++
		ch.priority = r.i
		ch.appName, ch.appData = st.app, st.data
		app := strings.ToLower(st.app)
		if app != "stasis" {
			s.emitDialplan(ch)
		}
		s.flushPendingRing(r)
		switch app {
		case "set":
			k, v, _ := strings.Cut(st.data, "=")
			s.setVarLocked(ch, strings.TrimSpace(k), v)
		case "ringing":
			s.indicateRingingLocked(ch, true)
		case "answer":
			s.answerFromDialplanLocked(ch)
			if ch.partner != nil && ch.dp == r {
				// Answer() waits up to 500 ms for the first audio frame; on a
				// Local channel that comes when the other half gets media.
				r.waitMedia = true
				r.timer = s.after(500*time.Millisecond, s.resume(ch, r))
				return
			}
		case "wait":
			r.timer = s.after(seconds(st.data, 0), s.resume(ch, r))
			return
		case "busy", "congestion":
			status, cause := "BUSY", 17
			if app == "congestion" {
				status, cause = "CONGESTION", 34
			}
			s.setStateLocked(ch, "Busy")
			s.calleeFailedLocked(ch, status, cause)
			if ch.dp == r && !ch.hanging {
				if d := seconds(st.data, 0); d > 0 {
					r.timer = s.after(d, func() { s.hangupLocked(ch, cause, false, cause) })
				}
			}
			return
		case "hangup":
			cause, err := strconv.Atoi(strings.TrimSpace(st.data))
			if err != nil || cause <= 0 {
				cause = 16
			}
			ch.dp = nil
			s.hangupLocked(ch, cause, false, cause)
			return
		case "stasis":
			parts := strings.Split(st.data, ",")
			if s.enterStasisLocked(ch, strings.TrimSpace(parts[0]), parts[1:], "dialplan") {
				return // resumes after POST /channels/{id}/continue
			}
		case "senddtmf":
			s.sendDTMFFromLocked(ch, st.data, s.resume(ch, r))
			return
		case "playback":
			var d time.Duration
			for _, snd := range strings.Split(strings.Split(st.data, ",")[0], "&") {
				d += s.mediaDuration("sound:" + strings.TrimSpace(snd))
			}
			s.talkTowardsLocked(ch, d)
			r.timer = s.after(d, s.resume(ch, r))
			return
		case "echo", "musiconhold":
			return // until hangup
		}
	}
}

// seconds reads a dialplan duration such as "1.5".
func seconds(v string, def time.Duration) time.Duration {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f < 0 {
		return def
	}
	return time.Duration(f * float64(time.Second))
}

// mediaArrivedLocked tells the other half of a Local channel that audio now
// flows (ch joined a bridge or plays something), ending its Answer() wait.
func (s *Server) mediaArrivedLocked(ch *channel) {
	p := ch.partner
	if p == nil || p.dp == nil || !p.dp.waitMedia {
		return
	}
	r := p.dp
	r.waitMedia = false
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
	s.stepLocked(p)
}

// talkTowardsLocked marks that the side beyond ch talks for d: a Local
// half's partner hears it, a scripted channel records it itself.
func (s *Server) talkTowardsLocked(ch *channel, d time.Duration) {
	target := ch
	if ch.partner != nil {
		target = ch.partner
	}
	now := s.simNow()
	target.talk = append(target.talk, interval{now, now + d})
}
