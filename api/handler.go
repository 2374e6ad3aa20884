package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"callsvc/api/record"
)

// Handler is the whole HTTP API: /v1 routes, /healthz, /readyz and /metrics.
type Handler struct {
	cfg     Config
	router  chi.Router
	openapi []byte
	auth    *authenticator
	ready   readiness
	bodies  *bodyBudget
}

// NewHandler builds the API on cfg. Run it with an http.Server (see Serve).
func NewHandler(cfg Config) (*Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	m, err := newHTTPMetrics(cfg.Registry)
	if err != nil {
		return nil, fmt.Errorf("register metrics: %w", err)
	}
	doc, err := openAPIJSON()
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	h := &Handler{cfg: cfg, openapi: doc, auth: newAuthenticator(cfg.Store, cfg.TokenCacheTTL, cfg.UnknownTokenLimit),
		bodies: newBodyBudget(cfg.BodyBudget)}

	r := chi.NewRouter()
	r.Use(RequestIDMiddleware, AccessLog(cfg.Logger), m.Middleware, Recoverer, Deadlines(cfg.BodyTimeout, cfg.WriteTimeout))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, record.Errorf(record.ENotFound, "no such route"))
	})
	r.MethodNotAllowed(h.methodNotAllowed)

	r.Get("/healthz", h.healthz)
	r.Get("/readyz", h.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(cfg.Registry, promhttp.HandlerOpts{}))
	r.Route("/v1", func(r chi.Router) {
		r.Use(StrictQuery)
		r.Get("/openapi.json", h.openAPI)
		r.Group(func(r chi.Router) {
			largest := max(cfg.MaxBody, cfg.MaxBatchBody, maxAudioBytes)
			r.Use(NoStore, h.auth.middleware, RateLimit(cfg.RateLimit, cfg.RateWindow),
				h.bodies.middleware(largest, cfg.BodyTimeout))
			for _, rt := range h.routes() {
				mw := []func(http.Handler) http.Handler{RequireRole(rt.roles...)}
				if rt.waits > 0 {
					mw = append(mw, routeWrite(rt.waits, cfg.WriteTimeout))
				}
				r.With(mw...).Method(rt.method, rt.pattern, rt.handler)
			}
		})
	})
	h.router = r
	return h, nil
}

// route is one authenticated endpoint and the roles that may use it.
// waits is how long it may wait on the call engine before it answers (its
// write deadline is that much later); long responses (exports, audio,
// streams) move their own deadline as they write (rollingWriter).
type route struct {
	method, pattern string
	roles           []string
	handler         http.HandlerFunc
	waits           time.Duration
}

// Who may do what (S22): the engine writes records and reads the directory
// it routes with; agents read the calls they took part in; supervisors do
// everything.
var (
	writers    = []string{record.RoleService, record.RoleSupervisor}
	callReader = []string{record.RoleAgent, record.RoleSupervisor}
	dirReader  = []string{record.RoleService, record.RoleSupervisor}
	supervisor = []string{record.RoleSupervisor}
	// An agent sets and reads their own presence (checked in the handler);
	// the engine reads anyone's, to route.
	presenceSetter = []string{record.RoleAgent, record.RoleSupervisor}
	presenceReader = []string{record.RoleService, record.RoleAgent, record.RoleSupervisor}
	// Agents act on live calls they are on and read their own screen pops
	// (checked by the engine and the handler); supervisors on any.
	liveActor = []string{record.RoleAgent, record.RoleSupervisor}
)

func (h *Handler) routes() []route {
	return []route{
		{http.MethodPost, "/calls", writers, h.upsertCalls, 0},
		{http.MethodPut, "/calls/{id}", writers, h.upsertCall, 0},
		{http.MethodPost, "/calls/{id}/events", writers, h.appendCallEvents, 0},
		{http.MethodPost, "/events", writers, h.appendEvents, 0},
		{http.MethodGet, "/calls", callReader, h.listCalls, 0},
		{http.MethodGet, "/calls.csv", callReader, h.exportCalls, 0},
		{http.MethodGet, "/calls/{id}", callReader, h.getCall, 0},
		{http.MethodPost, "/calls/{id}/transfer", liveActor, h.transferCall, transferTimeout},
		{http.MethodPost, "/calls/{id}/notes", liveActor, h.addNote, 0},
		{http.MethodPost, "/calls/{id}/urgent", liveActor, h.answerUrgent, transferTimeout},
		{http.MethodGet, "/agents/{id}/events", liveActor, h.agentStream, 0},
		{http.MethodGet, "/reports/summary", supervisor, h.summary, 0},
		{http.MethodPost, "/customers", supervisor, h.createCustomer, 0},
		{http.MethodGet, "/customers", dirReader, h.listCustomers, 0},
		{http.MethodGet, "/customers/{id}", dirReader, h.getCustomer, 0},
		{http.MethodPut, "/customers/{id}", supervisor, h.updateCustomer, 0},
		{http.MethodPost, "/staff", supervisor, h.createStaff, 0},
		{http.MethodGet, "/staff", dirReader, h.listStaff, 0},
		{http.MethodGet, "/staff/{id}", dirReader, h.getStaff, 0},
		{http.MethodPut, "/staff/{id}", supervisor, h.updateStaff, 0},
		{http.MethodPut, "/staff/{id}/presence", presenceSetter, h.setPresence, 0},
		{http.MethodGet, "/staff/{id}/presence", presenceReader, h.getPresence, 0},
		{http.MethodGet, "/presence", dirReader, h.listPresence, 0},
		{http.MethodPut, "/messages/{id}", writers, h.putMessage, 0},
		{http.MethodPut, "/messages/{id}/audio", writers, h.putMessageAudio, 0},
		{http.MethodGet, "/messages", callReader, h.listMessages, 0},
		{http.MethodGet, "/messages/{id}", callReader, h.getMessage, 0},
		{http.MethodGet, "/messages/{id}/audio", callReader, h.getMessageAudio, 0},
		{http.MethodPost, "/messages/{id}/handled", callReader, h.handleMessage, 0},
		{http.MethodGet, "/tokens", supervisor, h.listTokens, 0},
		{http.MethodDelete, "/tokens/{id}", supervisor, h.revokeToken, 0},
	}
}

// Mount serves sub under pattern ("/console") behind the same request id,
// access log, metrics and panic recovery as the API. sub authenticates its
// own requests. Call it before serving.
func (h *Handler) Mount(pattern string, sub http.Handler) { h.router.Mount(pattern, sub) }

// methodNotAllowed answers 405 naming the methods the path does serve in
// Allow (RFC 9110 15.5.6); a path that no method serves is 404.
func (h *Handler) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if h.router.Match(chi.NewRouteContext(), m, r.URL.Path) {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		writeError(w, r, record.Errorf(record.ENotFound, "no such route"))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, r, record.Errorf(CodeMethodNotAllowed, "method %s is not allowed here; see Allow", methodLabel(r.Method)))
}

// ServeHTTP serves the API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.router.ServeHTTP(w, r) }

// Routes exposes the routing tree, e.g. for chi.Walk in tests and docs.
func (h *Handler) Routes() chi.Routes { return h.router }
