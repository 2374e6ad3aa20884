package routing_test

import (
	"context"
	"testing"

	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
)

// discard is a Sink for benchmarks that measure the call path alone.
type discard struct{}

func (discard) Call(record.Call)   {}
func (discard) Event(record.Event) {}

func benchEngine(b *testing.B, ctx context.Context, srv *aritest.Server) *routing.Engine {
	b.Helper()
	client, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: srv.URL(), WSURL: srv.WSURL()}}, Username: "callsvc", Password: "callsvc"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { client.Close() })
	eng, err := routing.NewEngine(routing.Config{Control: arictl.New(client, arictl.Options{}), Sink: discard{}})
	if err != nil {
		b.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	wait := arictl.Start(sctx, client, eng)
	b.Cleanup(func() { stop(); wait(); eng.Close() })
	return eng
}
