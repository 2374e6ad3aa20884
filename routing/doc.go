// Package routing is the call engine's domain: when to answer (S1), how to
// greet (S2, S3), what to offer, where a call goes and why, and the Engine
// that runs one goroutine per call over a small CallControl interface.
//
// It imports no database driver, HTTP router or ARI wire types. It declares
// what it needs — CallControl (answer, play, record, bridge, hang up),
// Recorder (the call record), Directory (customers and staff) — and
// cmd/callsvc wires the adapters in: routing/arictl over the ARI client,
// api/postgres or api/client for records.
//
// The pure parts can be used on their own:
//
//	p, _ := routing.NewAnswerPolicy("cn", 1) // S1: answer at once
//	_ = p.Delay()                           // 0
//	g := routing.Greeter{Location: time.UTC, Calendar: calendar.China(), TimeOfDay: true}
//	_ = g.Greet(time.Now(), prompt.ZH, nil) // media for "早上好 這裡是 <company>"
package routing
