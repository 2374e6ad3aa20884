// Package routing is the call engine's domain: when to answer (S1), how to
// greet (S2, S3), what to offer, where a call goes and why, and the Engine
// that runs one goroutine per call over a small CallControl interface.
//
// It imports no database driver, HTTP router or ARI wire types. It declares
// what it needs — CallControl (answer, play, record, bridge, hang up),
// Recorder (the call record), Directory (customers and staff), Notifier
// (S10 notices) — and cmd/callsvc wires the adapters in: routing/arictl
// over the ARI client, api/postgres or api/client for records:
//
//	w, _ := routing.NewWriter(store, routing.WriterOptions{SpoolDir: cfg.SpoolDir})
//	go w.Run(ctx) // records never wait on the store; spooled while it is down
//	policy, _ := routing.NewAnswerPolicy(cfg.RingCadence, cfg.AnswerRing)
//	eng, _ := routing.NewEngine(routing.Config{
//		Control:   arictl.New(client, arictl.Options{}),
//		Sink:      w,
//		Directory: store,
//		Router:    routing.Router{Hours: &hours},
//		Greeter:   routing.Greeter{Location: loc, Calendar: cal, TimeOfDay: true},
//		Answer:    policy,
//	})
//	wait := arictl.Start(ctx, client, eng) // inbound calls -> eng
//
// The call flow (flow.go and the files named for each step): StasisStart ->
// record "arrived" -> ring and answer per S1 (lookups run meanwhile, never
// delaying the answer) -> greet -> menu (re-prompt twice, then the desk) ->
// route (Router.Decide: a rule id and a reason on every decision) ->
// connect to a person, record a complaint or suggestion, or after-hours ->
// S8 "anything else?" -> thanks, goodbye. Each step is a timeline event;
// a caller hanging up at any step closes the record with the right outcome.
//
// The pure parts stand alone; see the examples (AnswerPolicy, Greeter,
// Router.Decide).
package routing
