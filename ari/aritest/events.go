package aritest

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// app is a registered Stasis application and what it is subscribed to.
type app struct {
	name string
	conn *wsConn // the active events WebSocket; nil when none
	all  bool    // subscribeAll=true
	// explicit subscriptions (POST /applications/{app}/subscription)
	chans     map[string]bool
	bridges   map[string]bool
	endpoints map[string]bool
	devices   map[string]bool
}

func newApp(name string) *app {
	return &app{name: name, chans: map[string]bool{}, bridges: map[string]bool{},
		endpoints: map[string]bool{}, devices: map[string]bool{}}
}

// wsConn is one events WebSocket with an unbounded send queue, so the
// simulation never blocks on a slow reader and events keep their order.
// On a counting clock each queued event is a busy party until the client
// has taken it in (see run).
type wsConn struct {
	c       *websocket.Conn
	clock   Clock // nil: events are not counted
	mu      sync.Mutex
	queue   [][]byte
	aborted bool
	stopped bool // the writer is gone: events are dropped
	wake    chan struct{}
}

func newWSConn(c *websocket.Conn, clock Clock) *wsConn {
	return &wsConn{c: c, clock: clock, wake: make(chan struct{}, 1)}
}

func (w *wsConn) send(msg []byte) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	w.queue = append(w.queue, msg)
	if w.clock != nil {
		w.clock.Busy()
	}
	w.mu.Unlock()
	w.poke()
}

// abort asks the writer to flush what is queued and then drop the
// connection without a close frame.
func (w *wsConn) abort() {
	w.mu.Lock()
	w.aborted = true
	w.mu.Unlock()
	w.poke()
}

func (w *wsConn) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// done releases n events taken off the queue.
func (w *wsConn) done(n int) {
	if w.clock == nil {
		return
	}
	for range n {
		w.clock.Idle()
	}
}

// stop drops what is still queued and refuses more.
func (w *wsConn) stop() {
	w.mu.Lock()
	w.stopped = true
	n := len(w.queue)
	w.queue = nil
	w.mu.Unlock()
	w.done(n)
}

// run writes queued events until the peer goes away or abort is called.
// On a counting clock a batch is followed by a ping: the client answers it
// only once it has read (and handed on) every event before it, so the
// events stay busy parties until the pong, never lost between the socket
// and the client's reader.
func (w *wsConn) run(ctx context.Context) {
	defer w.stop()
	for {
		w.mu.Lock()
		q, aborted := w.queue, w.aborted
		w.queue = nil
		w.mu.Unlock()
		err := w.write(ctx, q, !aborted)
		w.done(len(q))
		if err != nil || aborted {
			_ = w.c.CloseNow()
			return
		}
		select {
		case <-ctx.Done():
			_ = w.c.CloseNow()
			return
		case <-w.wake:
		}
	}
}

func (w *wsConn) write(ctx context.Context, q [][]byte, ping bool) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, msg := range q {
		if err := w.c.Write(ctx, websocket.MessageText, msg); err != nil {
			return err
		}
	}
	if len(q) == 0 || !ping || w.clock == nil {
		return nil
	}
	return w.c.Ping(ctx)
}

// detachConnLocked unregisters c from every application it served; an
// application left with no WebSocket and no channels is forgotten, as
// Asterisk does.
func (s *Server) detachConnLocked(c *wsConn) {
	if s.conns[c] {
		delete(s.conns, c)
		close(s.connsChanged)
		s.connsChanged = make(chan struct{})
	}
	for _, a := range s.st.apps {
		if a.conn == c {
			a.conn = nil
			s.maybeForgetApp(a)
		}
	}
}

// maybeForgetApp drops an application that has no WebSocket and no
// channel in Stasis.
func (s *Server) maybeForgetApp(a *app) {
	if a.conn != nil {
		return
	}
	for _, ch := range s.st.channels {
		if ch.stasisApp == a.name {
			return
		}
	}
	delete(s.st.apps, a.name)
}

// deliver sends one event to each application in to. fields come after
// type and timestamp; asterisk_id and application close the object.
func (s *Server) deliver(to []*app, typ string, fields ...kv) {
	if len(to) == 0 {
		return
	}
	o := make(obj, 0, len(fields)+4)
	o = append(o, kv{"type", typ}, kv{"timestamp", stamp(s.now())})
	o = append(o, fields...)
	o = append(o, kv{"asterisk_id", s.opts.EntityID}, kv{"application", ""})
	seen := map[*app]bool{}
	for _, a := range to {
		if a == nil || a.conn == nil || seen[a] {
			continue
		}
		seen[a] = true
		o[len(o)-1].v = a.name
		b, err := o.appendJSON(make([]byte, 0, 512))
		if err != nil {
			continue // every member is a plain value; cannot happen
		}
		a.conn.send(b)
	}
}

// channelWatchers lists the applications that get events about ch: the
// one it is in Stasis for, those subscribed to it explicitly, by
// origination or through a bridge it is in, and subscribeAll ones.
func (s *Server) channelWatchers(ch *channel) []*app {
	var out []*app
	for _, a := range s.st.apps {
		switch {
		case a.all, a.name == ch.stasisApp, a.chans[ch.id], ch.followers[a.name]:
			out = append(out, a)
		case ch.bridge != nil && a.bridges[ch.bridge.id]:
			out = append(out, a)
		}
	}
	return out
}

// allWatchers lists subscribeAll applications (device states, creations).
func (s *Server) allWatchers() []*app {
	var out []*app
	for _, a := range s.st.apps {
		if a.all {
			out = append(out, a)
		}
	}
	return out
}

func (s *Server) emitChannel(typ string, ch *channel, fields ...kv) {
	f := append(fields, kv{"channel", ch.json()})
	s.deliver(s.channelWatchers(ch), typ, f...)
}

func (s *Server) emitVarset(ch *channel, name, value string) {
	s.emitChannel("ChannelVarset", ch, kv{"variable", name}, kv{"value", value})
}

func (s *Server) emitDialplan(ch *channel) {
	s.emitChannel("ChannelDialplan", ch, kv{"dialplan_app", ch.appName}, kv{"dialplan_app_data", ch.appData})
}

func (s *Server) emitCallerID(ch *channel) {
	s.emitChannel("ChannelCallerId", ch, kv{"caller_presentation", 0},
		kv{"caller_presentation_txt", "Presentation Allowed, Not Screened"})
}

// emitDial sends a Dial event about peer (the channel being dialled).
func (s *Server) emitDial(peer *channel, status, dialstring string) {
	s.deliver(s.channelWatchers(peer), "Dial", kv{"dialstatus", status}, kv{"forward", ""},
		kv{"dialstring", dialstring}, kv{"peer", peer.json()})
}

func (s *Server) emitDeviceState(device, st string) {
	to := s.allWatchers()
	for _, a := range s.st.apps {
		if a.devices[device] {
			to = append(to, a)
		}
	}
	s.deliver(to, "DeviceStateChanged", kv{"device_state", obj{{"name", device}, {"state", st}}})
}

func (s *Server) emitBridge(typ string, b *bridge, ch *channel) {
	var to []*app
	if ch != nil {
		to = s.channelWatchers(ch)
	}
	for _, a := range s.st.apps {
		if a.all || a.bridges[b.id] || b.sticky[a.name] {
			to = append(to, a)
		}
	}
	f := []kv{{"bridge", b.json()}}
	if ch != nil {
		f = append(f, kv{"channel", ch.json()})
	}
	s.deliver(to, typ, f...)
}

// targetWatchers lists who gets playback and recording events for a
// channel or bridge target.
func (s *Server) targetWatchers(ch *channel, b *bridge) []*app {
	if ch != nil {
		return s.channelWatchers(ch)
	}
	var to []*app
	for _, a := range s.st.apps {
		if a.all || a.bridges[b.id] || b.sticky[a.name] {
			to = append(to, a)
			continue
		}
		for _, c := range b.channels {
			if c.stasisApp == a.name {
				to = append(to, a)
				break
			}
		}
	}
	return to
}
