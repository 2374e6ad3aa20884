package aritest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Options configures a Server. The zero value works: user "callsvc",
// password "callsvc", application "callsvc", real-time clock.
type Options struct {
	// Username and Password are the ARI credentials (Basic auth or the
	// api_key=user:pass query parameter). Defaults: "callsvc"/"callsvc".
	Username, Password string
	// Application is the Stasis application callers dial into when the
	// dialplan has no entry for the dialled number. Default "callsvc".
	Application string
	// EntityID is the Asterisk id carried by every event (asterisk_id) and
	// by GET /asterisk/info (system.entity_id). Default "02:fc:00:00:00:01".
	EntityID string
	// Clock is the simulated time: durations of prompts, waits, rings and
	// recordings, and the stamps on events. Default: the wall clock run
	// Speed times faster (a virtual clock in scenario tests, see Clock).
	Clock Clock
	// Speed runs the default clock this many times faster than the wall
	// clock. Default 1; ignored with Clock.
	Speed float64
	// Now gives the time stamped on events and resources. Default the
	// wall clock, or Clock.Now with Clock.
	Now func() time.Time
	// Dialplan says what a channel runs when it enters the dialplan at
	// "exten@context" (see Dialplan). Entries here are added to the
	// built-in default of Stasis(Application, args) for inbound calls.
	Dialplan Dialplan
	// MediaDurations gives the simulated length of a media URI such as
	// "sound:hello-world"; others last DefaultMediaDuration.
	MediaDurations map[string]time.Duration
	// DefaultMediaDuration is the length of media not in MediaDurations.
	// Default 2 s.
	DefaultMediaDuration time.Duration
	// Sounds, when not empty, is the set of sound names ("hello-world",
	// without the "sound:" prefix) that exist; playing any other sound
	// fails like a missing file does on Asterisk (201, then PlaybackStarted
	// and PlaybackFinished with state "failed"). Keys of MediaDurations
	// also exist. When empty, every sound exists.
	Sounds []string
	// RestartLoadingHandshakes is how many WebSocket handshakes after
	// Restart are answered with Asterisk's 404 HTML page, as while res_ari
	// is still loading. Default 1; negative means none.
	RestartLoadingHandshakes int
}

// Server is a stand-in Asterisk serving ARI over HTTP and WebSocket on a
// loopback port. All methods are safe for concurrent use.
type Server struct {
	opts   Options
	http   *httptest.Server
	routes []route

	mu sync.Mutex
	st *state // everything simulated; replaced by Restart
	// gen counts restarts; timers from an older generation do nothing.
	gen    int
	closed bool
	conns  map[*wsConn]bool
	// connsChanged is closed and replaced whenever a WebSocket comes or
	// goes, so tests can wait for the server side of a close.
	connsChanged chan struct{}
	phones       map[string]*Phone
	stored       map[string]*storedRecording
	audio        map[string][]byte // recording name -> PCM a test wants stored
	globals      map[string]string
	loading      int // handshakes still to refuse after a restart
	clock        Clock
	start        time.Time // the clock's time at NewServer
	// counted: the clock counts parties (Options.Clock was given), so each
	// event is held busy until the client has taken it in.
	counted bool
}

// Clock is the time the stand-in runs on. A scenario test's virtual clock
// satisfies it: one that moves only while no party acts. Busy and Idle
// count the parties: the stand-in is busy while it handles a request, runs
// a timer or has an event on its way to a client, and a script is busy
// between two of its waits (the calling goroutine of Press, Speak and the
// Wait methods must count as busy: they mark it idle while they wait).
// A real clock ignores them.
type Clock interface {
	Now() time.Time
	// AfterFunc runs f once d has passed; Stop cancels it.
	AfterFunc(d time.Duration, f func()) interface{ Stop() bool }
	Busy()
	Idle()
}

// scaledClock is the wall clock, Speed times faster.
type scaledClock struct {
	base  time.Time
	speed float64
}

func (c scaledClock) Now() time.Time {
	return c.base.Add(time.Duration(float64(time.Since(c.base)) * c.speed))
}

func (c scaledClock) AfterFunc(d time.Duration, f func()) interface{ Stop() bool } {
	return time.AfterFunc(time.Duration(float64(d)/c.speed), f)
}

func (scaledClock) Busy() {}
func (scaledClock) Idle() {}

// NewServer starts a stand-in Asterisk on 127.0.0.1 with a free port.
// Close it when done.
func NewServer(opts Options) *Server {
	if opts.Username == "" && opts.Password == "" {
		opts.Username, opts.Password = "callsvc", "callsvc"
	}
	if opts.Application == "" {
		opts.Application = "callsvc"
	}
	if opts.EntityID == "" {
		opts.EntityID = "02:fc:00:00:00:01"
	}
	if opts.Speed <= 0 {
		opts.Speed = 1
	}
	clock, counted := opts.Clock, opts.Clock != nil
	if clock == nil {
		clock = scaledClock{base: time.Now(), speed: opts.Speed}
		if opts.Now == nil {
			opts.Now = time.Now
		}
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	if opts.DefaultMediaDuration <= 0 {
		opts.DefaultMediaDuration = 2 * time.Second
	}
	if opts.RestartLoadingHandshakes == 0 {
		opts.RestartLoadingHandshakes = 1
	}
	s := &Server{
		opts:         opts,
		conns:        map[*wsConn]bool{},
		connsChanged: make(chan struct{}),
		phones:       map[string]*Phone{},
		stored:       map[string]*storedRecording{},
		audio:        map[string][]byte{},
		globals:      map[string]string{},
		clock:        clock,
		start:        clock.Now(),
		counted:      counted,
	}
	s.st = newState(opts.Now())
	s.routes = s.routeTable()
	s.http = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	return s
}

// URL is the REST base, e.g. "http://127.0.0.1:PORT/ari".
func (s *Server) URL() string { return s.http.URL + "/ari" }

// WSURL is the events WebSocket, e.g. "ws://127.0.0.1:PORT/ari/events".
func (s *Server) WSURL() string {
	return "ws" + strings.TrimPrefix(s.http.URL, "http") + "/ari/events"
}

// EntityID is the Asterisk id this server stamps on its events.
func (s *Server) EntityID() string { return s.opts.EntityID }

// Close drops every WebSocket, stops all simulated activity and shuts the
// HTTP server down.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.gen++
	for c := range s.conns {
		c.abort()
	}
	s.endParties(s.st)
	s.mu.Unlock()
	s.http.Close()
}

// DropWebSockets closes every events WebSocket abruptly (no close frame, the
// client sees 1006) without touching channels, as a network failure would.
func (s *Server) DropWebSockets() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.abort()
		s.detachConnLocked(c)
	}
}

// Restart behaves like "core stop now" followed by a start: channels in
// Stasis get ChannelHangupRequest and StasisEnd, every WebSocket is then
// dropped without a close frame, all channels, bridges, playbacks and live
// recordings are forgotten, the channel id sequence starts again at 0, and
// the next RestartLoadingHandshakes WebSocket handshakes are answered with
// a 404 HTML page as while res_ari is loading. Stored recordings, global
// variables and phones survive, as files and configuration do.
func (s *Server) Restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	for _, ch := range s.st.channelsInOrder() {
		if ch.stasisApp != "" {
			s.emitChannel("ChannelHangupRequest", ch, kv{"cause", 4}, kv{"soft", true})
			s.emitChannel("StasisEnd", ch)
		}
	}
	for c := range s.conns {
		c.abort()
		s.detachConnLocked(c)
	}
	old := s.st
	s.gen++
	s.st = newState(s.opts.Now())
	s.endParties(old)
	if s.opts.RestartLoadingHandshakes > 0 {
		s.loading = s.opts.RestartLoadingHandshakes
	}
}

// endParties closes the Done channels of every scripted party of st.
func (s *Server) endParties(st *state) {
	for _, ch := range st.channels {
		if ch.party != nil {
			ch.party.endLocked()
		}
	}
	for _, p := range s.phones {
		p.pending = nil
	}
}

// simNow is the simulated time elapsed since the server started.
func (s *Server) simNow() time.Duration { return s.clock.Now().Sub(s.start) }

// stopper is a pending timer of the clock.
type stopper = interface{ Stop() bool }

// after runs f under the server lock once simulated duration d has passed,
// unless the server restarted or closed in between.
func (s *Server) after(d time.Duration, f func()) stopper {
	gen := s.gen
	return s.clock.AfterFunc(d, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed || s.gen != gen {
			return
		}
		f()
	})
}

// now is the wall-clock time for stamps.
func (s *Server) now() time.Time { return s.opts.Now() }
