// Package arictl adapts the ARI client (callsvc/ari) to the call engine's
// routing.CallControl, and feeds the engine the calls that enter the Stasis
// application. It is the only place where routing meets ARI's types:
//
//	client, _ := ari.Connect(ctx, cfg)
//	ctl := arictl.New(client, arictl.Options{})
//	eng, _ := routing.NewEngine(routing.Config{Control: ctl, ...})
//	_ = arictl.Serve(ctx, client, eng) // until ctx ends
package arictl
