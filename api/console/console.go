package console

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/rs/zerolog"

	"callsvc/api"
	"callsvc/api/record"
)

// Recordings fetches a stored recording of a caller from Asterisk (the
// engine's call control has it); the console plays the caller's clips
// through it.
type Recordings interface {
	FetchRecording(ctx context.Context, node, name string) ([]byte, error)
}

// AgentEventTail reads a person's newest screen pops (api/postgres has
// it), so a page opened mid-call shows the call at once.
type AgentEventTail interface {
	AgentEventsTail(ctx context.Context, staffID string, n int) ([]record.AgentEvent, error)
}

// Config is what New needs. API and Store are required.
type Config struct {
	// API is the HTTP API in this process: the console acts and reads
	// scoped data through its routes with the signed-in person's token.
	API http.Handler
	// Store is the same store the API reads: tokens, the wallboard's
	// aggregates (through the same Summary the report route calls), the
	// directory and presence for transfer targets, the customer file for
	// the call card of a call offered to the person.
	Store api.Store
	// AgentEvents is the screen-pop stream (nil: Store, when it has it).
	AgentEvents api.AgentEvents
	// Live shows calls now (nil: none are shown; an API without an
	// engine has none).
	Live LiveCalls
	// Recordings plays the caller's recordings (nil: not playable here).
	Recordings Recordings
	// Location is the company's time zone: "today", hours of day.
	Location *time.Location
	Logger   zerolog.Logger
	Now      func() time.Time
	// Poll is how often live views look for changes in the store
	// (0: 250 ms).
	Poll time.Duration
	// TokenRecheck is how often an open stream checks that its token is
	// still valid (0: 10 s).
	TokenRecheck time.Duration
}

// Console is the web console: an http.Handler to mount at /console.
type Console struct {
	cfg    Config
	router chi.Router
	hc     *http.Client
	pages  map[string]*template.Template // by language
	board  *hub
}

// New builds the console on cfg.
func New(cfg Config) (*Console, error) {
	if cfg.API == nil || cfg.Store == nil {
		return nil, errors.New("console: API and Store are required")
	}
	if cfg.AgentEvents == nil {
		if ae, ok := cfg.Store.(api.AgentEvents); ok {
			cfg.AgentEvents = ae
		}
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 250 * time.Millisecond
	}
	if cfg.TokenRecheck <= 0 {
		cfg.TokenRecheck = 10 * time.Second
	}
	pages, err := parseTemplates(cfg.Location)
	if err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, hc: &http.Client{Transport: inproc{cfg.API}}, pages: pages}
	c.board = newHub(c.computeBoard, cfg.Poll, cfg.Live)
	c.router = c.routes()
	return c, nil
}

// ServeHTTP serves the console.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.router.ServeHTTP(w, r) }

func (c *Console) routes() chi.Router {
	r := chi.NewRouter()
	r.Use(secureHeaders)
	// Assets are compressed (pages and streams are not: a stream must
	// not wait in a compressor's buffer).
	r.With(middleware.Compress(5, "text/css", "text/javascript", "application/javascript")).Get("/assets/*", serveAsset)
	r.Get("/signin", c.signinPage)
	r.Post("/signin", c.signin)
	r.Group(func(r chi.Router) {
		r.Use(c.authenticate, c.checkCSRF)
		r.Get("/", c.home)
		r.Post("/signout", c.signout)

		// The agent's desk: their own calls, messages and presence.
		r.Get("/agent", c.agentPage)
		r.Get("/agent/stream", c.agentStream)
		r.Get("/agent/presence", c.presencePanel)
		r.Post("/agent/presence", c.setPresence)
		r.Get("/agent/messages", c.myMessagesPanel)
		r.Get("/agent/recent", c.recentPanel)

		// Calls: the log and a call's timeline are scoped by the API (an
		// agent sees their own); actions on a live call go through the API.
		r.Get("/calls", c.callLog)
		r.Get("/calls.csv", c.exportCalls)
		r.Get("/calls/{id}", c.callPage)
		r.Get("/calls/{id}/clips/{name}", c.clip)
		r.Post("/calls/{id}/notes", c.addNote)
		r.Post("/calls/{id}/transfer", c.transfer)
		r.Post("/calls/{id}/urgent", c.answerUrgent)
		r.Get("/messages/{id}/audio", c.messageAudio)
		r.Post("/messages/{id}/handled", c.handleMessage)

		// Supervisors only.
		r.Group(func(r chi.Router) {
			r.Use(requireRole(record.RoleSupervisor))
			r.Get("/wallboard", c.wallboardPage)
			r.Get("/wallboard/stream", c.wallboardStream)
			r.Get("/reports", c.reportsPage)
			r.Get("/staff", c.staffPage)
			r.Get("/messages", c.messagesPage)
		})
	})
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, http.StatusNotFound, "err.notfound")
	})
	return r
}

// home sends each person to where they work.
func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	s := sessionOf(r)
	if s.tok.Role == record.RoleSupervisor {
		http.Redirect(w, r, "/console/wallboard", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/console/agent", http.StatusSeeOther)
}

// view is what every page template gets.
type view struct {
	Lang   string
	Title  string
	Nav    string // the current section
	CSRF   string
	Me     record.Token
	MyName string
	Path   string // this page, for the language switch
	Data   any
}

// page renders a whole page.
func (c *Console) page(w http.ResponseWriter, r *http.Request, name, nav, titleKey string, data any) {
	s := sessionOf(r)
	lang := langOf(r)
	keepLang(w, r)
	v := view{Lang: lang, Title: tr(lang, titleKey), Nav: nav, Data: data, Path: r.URL.Path}
	if s != nil {
		v.CSRF, v.Me, v.MyName = s.csrf, s.tok, s.name
	}
	c.render(w, r, http.StatusOK, name, v)
}

// fragment renders one named template for an htmx swap.
func (c *Console) fragment(w http.ResponseWriter, r *http.Request, name string, data any) {
	c.render(w, r, http.StatusOK, name, data)
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := c.pages[langOf(r)].ExecuteTemplate(&buf, name, data); err != nil {
		c.cfg.Logger.Error().Err(err).Str("template", name).Str("request_id", api.RequestID(r.Context())).Msg("console: render")
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderString renders a template into a string (for pushed fragments).
func (c *Console) renderString(lang, name string, data any) (string, error) {
	var buf bytes.Buffer
	err := c.pages[lang].ExecuteTemplate(&buf, name, data)
	return buf.String(), err
}

// fail answers with an error page (or, for an htmx request, a short
// message the page shows in place).
func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	lang := langOf(r)
	msg := tr(lang, key, args...)
	if r.Header.Get("HX-Request") == "true" {
		c.render(w, r, status, "flash", flash{Err: msg})
		return
	}
	s := sessionOf(r)
	v := view{Lang: lang, Title: tr(lang, "err.title"), Data: msg, Path: r.URL.Path}
	if s != nil {
		v.CSRF, v.Me, v.MyName = s.csrf, s.tok, s.name
	}
	c.render(w, r, status, "error.html", v)
}

// failErr answers an error from the API (or the store) in the person's
// language: the code decides the status, the API's message is shown.
func (c *Console) failErr(w http.ResponseWriter, r *http.Request, err error) {
	code := record.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case record.EInvalid:
		status = http.StatusBadRequest
	case record.EUnauthorized:
		status = http.StatusUnauthorized
	case record.EForbidden:
		status = http.StatusForbidden
	case record.ENotFound:
		status = http.StatusNotFound
	case record.EConflict:
		status = http.StatusConflict
	case record.EUnavailable:
		status = http.StatusServiceUnavailable
	case record.ERateLimited:
		status = http.StatusTooManyRequests
	}
	if status == http.StatusInternalServerError {
		c.cfg.Logger.Error().Err(err).Str("request_id", api.RequestID(r.Context())).Msg("console: request failed")
		c.fail(w, r, status, "err.title")
		return
	}
	if status == http.StatusNotFound {
		c.fail(w, r, status, "err.notfound")
		return
	}
	if status == http.StatusForbidden {
		c.fail(w, r, status, "err.forbidden")
		return
	}
	text := record.ErrorMessage(err)
	if r.Header.Get("HX-Request") == "true" {
		c.render(w, r, status, "flash", flash{Err: text})
		return
	}
	lang := langOf(r)
	s := sessionOf(r)
	v := view{Lang: lang, Title: tr(lang, "err.title"), Data: text, Path: r.URL.Path}
	if s != nil {
		v.CSRF, v.Me, v.MyName = s.csrf, s.tok, s.name
	}
	c.render(w, r, status, "error.html", v)
}

// flash is a short result shown in place after an action.
type flash struct {
	OK  string
	Err string
}
