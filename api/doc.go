// Package api is callsvc's HTTP API: the call engine writes call records
// through it, supervisors (and agents, for their own calls) read the call
// log, reports, the customer file and the staff directory.
//
// Routes live under /v1 and speak JSON; errors are
// {"error":{"code":"...","message":"..."}} with the status for the code
// (errors.go is the one place that maps them). Requests carry a bearer token
// whose role (service, agent, supervisor) decides what they may do. The
// OpenAPI document is served at /v1/openapi.json; /healthz, /readyz and
// /metrics serve operations.
//
// Live calls: POST /v1/calls/{id}/transfer and /notes act on a call the
// engine in this process holds (Config.Live, which routing's *Engine
// satisfies; the API never imports it); GET /v1/agents/{id}/events streams
// a person's screen pops as Server-Sent Events read from the store
// (agent_events), so any instance serves them and a client resumes with
// Last-Event-ID.
//
// Each middleware has its own file: RequestIDMiddleware, AccessLog,
// Recoverer, Deadlines, StrictQuery, NoStore, Authenticate, RequireRole,
// RateLimit and the metrics.
//
// A server, as cmd/callsvc runs it:
//
//	h, err := api.NewHandler(api.Config{
//		Store:    store, // *postgres.Store
//		Logger:   logger,
//		Registry: prometheus.NewRegistry(),
//	})
//	if err != nil {
//		return err
//	}
//	ln, err := net.Listen("tcp", ":8080")
//	if err != nil {
//		return err
//	}
//	srv := h.NewServer() // header, body, idle and per-route write deadlines
//	return api.Serve(ctx, srv, ln, 30*time.Second) // until ctx ends, then drains
//
// and a supervisor token for it:
//
//	secret, tok, err := api.CreateToken(ctx, store, "Ms Wang", record.RoleSupervisor, "")
package api
