package arictl_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
)

// A leg that has hung up answers ARI requests with 404: Control reports it
// as routing.ErrLegGone, so the engine ends the call at once instead of
// waiting for the hangup event.
func TestOperationOnHungUpLegIsLegGone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := aritest.NewServer(aritest.Options{})
	defer srv.Close()
	client, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: srv.URL(), WSURL: srv.WSURL()}},
		Username: "callsvc", Password: "callsvc"})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	starts := client.StasisStarts(ctx, "")
	defer starts.Close()
	caller := srv.Dial(ctx, aritest.CallerOptions{From: "+8613800138000", To: "100", Args: []string{"inbound"}})
	ev, err := starts.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start, ok := ev.(*ari.StasisStart)
	if !ok {
		t.Fatalf("first event %T, want StasisStart", ev)
	}
	if err := caller.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	<-caller.Done()

	ctl := arictl.New(client, arictl.Options{})
	leg := routing.Leg{Node: start.Node, ID: start.Channel.ID}
	for name, op := range map[string]func() error{
		"answer": func() error { return ctl.Answer(ctx, leg) },
		"ring":   func() error { return ctl.Ring(ctx, leg) },
		"play":   func() error { return ctl.Play(ctx, leg, "pb-1", "sound:hello-world") },
		"moh":    func() error { return ctl.StartMOH(ctx, leg) },
	} {
		if err := op(); !errors.Is(err, routing.ErrLegGone) {
			t.Errorf("%s on a hung-up leg: %v, want ErrLegGone", name, err)
		}
	}
	// Hanging up a leg that is already gone is not an error at all.
	if err := ctl.Hangup(ctx, leg, "normal"); err != nil {
		t.Errorf("hangup of a gone leg: %v", err)
	}
}
