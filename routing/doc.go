// Package routing is the call engine's domain: when to answer (S1), how to
// greet (S2, S3), what to offer, where a call goes and why, and the Engine
// that runs one goroutine per call over a small CallControl interface.
//
// It imports no database driver, HTTP router or ARI wire types. It declares
// what it needs — CallControl (answer, play, record, bridge, hang up),
// Sink (the call record), Directory (customers and staff), Notifier
// (S10 notices) — and cmd/callsvc wires the adapters in: routing/arictl
// over the ARI client, routing/spool's writers in front of api/postgres or
// api/client for records:
//
//	w, _ := spool.NewWriter(store, spool.WriterOptions{Dir: cfg.SpoolDir})
//	go w.Run(ctx) // records never wait on the store; spooled while it is down
//	policy, _ := routing.NewAnswerPolicy(cfg.RingCadence, cfg.AnswerRing)
//	eng, _ := routing.NewEngine(routing.Config{
//		Control:   arictl.New(client, arictl.Options{}),
//		Sink:      w,
//		Directory: store,
//		Router:    routing.Router{Hours: &hours},
//		Greeter:   routing.Greeter{Location: loc, Calendar: cal, TimeOfDay: true},
//		Answer:    policy,
//		Reserver:  store, // people held across engines
//		Screen:    screens, // routing.NewScreenWriter(store, 0, log); go screens.Run(ctx)
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
// Dial by name (byname.go): at the menu, 5 lets a caller key the first
// letters of a colleague's name on the keypad (2=ABC ... 9=WXYZ, # ends).
// MatchName compares them with record.Staff.Spelling (pinyin or an English
// name), whole or given name first, active people only. One match is
// routed as if asked for by extension (rule "name"); several ask for more
// letters once, none asks again once, then the desk takes the call (rules
// "name:ambiguous", "name:unknown"). menu_choice records by and keyed.
//
// Transfers (transfer.go, person.go, agenttransfer.go, consult.go; S11,
// S15) run as phases, each a short function waiting for one thing: ring,
// answer, whisper, bridge, talk; an attended transfer's ringing,
// whispering and consulting. One value (person) carries the person's leg,
// bridge and talk time through them, and a failed attempt returns its
// FailReason (no_answer, BUSY, hung_up_during_whisper...). The person's leg
// carries the call's context (record.CallContext) as channel variables and,
// for PJSIP, X-Callsvc-Context / X-Callsvc-Call-Id headers; they hear a
// whisper of it before the caller (on music) is bridged. A failed attempt
// (no answer within the ring limit, busy, unregistered, hung up during the
// whisper) is on the timeline with its reason, the caller hears "對不起,
// 請稍等" once for it, and the next free person of the department is rung
// (MaxAttempts), then the desk, then Config.NobodyFree or a callback.
// People are held one call at a time by a Reserver shared across engines
// (api/postgres: FOR UPDATE SKIP LOCKED with a lease). Agents transfer
// onward with Engine.Transfer (the API's POST /v1/calls/{id}/transfer) or
// feature codes on their phone: *1<ext># blind, *2<ext># attended, then *3
// complete or *0 cancel; the owner (S5) stays and the chain grows. Screen
// pops go to a ScreenSink (ScreenWriter stores them for the API's stream).
//
// Away (away.go, urgent.go, message.go; S16-S19): when the person asked
// for (by extension or name) cannot take the call, Config.Away.Presence
// (the store's presence) and what the engine and Asterisk know (its own reservations:
// on a call; Away.Phones: the endpoint offline) give their status through
// record.Effective, and the caller hears the words for it — in a meeting,
// with a visitor, out (a known place, and the return time as a time of
// day), at an event, off duty, on another call, unreachable; never "not
// in yet". Then: 1 a message (Away.Messages set), 2 a free colleague of
// the same department, 3 urgent (the caller holds while the person gets a
// screen pop "urgent" and Away.Notifier's webhook, and answers with
// Engine.AnswerUrgent — the API's POST /v1/calls/{id}/urgent — within
// Away.UrgentTimeout), 4 a callback at a promised time (timeline
// callback_requested, outcome callback_requested). A message is recorded
// after a beep until #, silence or a limit, read back (1 keep, 2 again,
// 3 cancel), the callback number confirmed; spool.MessageWriter spools it,
// fetches its audio from Asterisk (arictl), stores both and notifies the
// person:
//
//	ctl := arictl.New(client, arictl.Options{})
//	people := notifyctl.New(webhook) // optional: WEBHOOK_URL, WEBHOOK_SECRET
//	msgs, _ := spool.NewMessageWriter(store, spool.MessageWriterOptions{
//		Dir: filepath.Join(cfg.SpoolDir, "messages"), Fetcher: ctl, Notifier: people})
//	go msgs.Run(ctx)
//	cfg.Away = routing.AwayConfig{Presence: store, Phones: ctl, Messages: msgs, Notifier: people}
//
// The pure parts stand alone; see the examples (AnswerPolicy, Greeter,
// Router.Decide).
package routing
