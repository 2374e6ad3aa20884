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
	// Speed runs simulated time this many times faster than the wall clock
	// (durations of prompts, waits, rings, recordings). Default 1.
	Speed float64
	// Now gives the wall-clock time stamped on events and resources.
	// Default time.Now.
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
	realBase     time.Time
}

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
	if opts.Now == nil {
		opts.Now = time.Now
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
		realBase:     time.Now(),
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
func (s *Server) simNow() time.Duration {
	return time.Duration(float64(time.Since(s.realBase)) * s.opts.Speed)
}

// realDuration converts a simulated duration to wall-clock time.
func (s *Server) realDuration(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.opts.Speed)
}

// after runs f under the server lock once simulated duration d has passed,
// unless the server restarted or closed in between.
func (s *Server) after(d time.Duration, f func()) *time.Timer {
	gen := s.gen
	return time.AfterFunc(s.realDuration(d), func() {
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
