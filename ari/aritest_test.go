package ari_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"callsvc/ari"
	"callsvc/ari/aritest"
)

// These tests run the client against aritest, an independent stand-in
// Asterisk (it does not import this package), over real HTTP and
// WebSocket.

func newNode(t testing.TB, entityID string) *aritest.Server {
	t.Helper()
	srv := aritest.NewServer(aritest.Options{Username: "u", Password: "p", Application: "callsvc", EntityID: entityID, Speed: 50})
	t.Cleanup(srv.Close)
	return srv
}

func connect(t testing.TB, srvs ...*aritest.Server) *ari.Client {
	t.Helper()
	cfg := ari.Config{Username: "u", Password: "p", MinBackoff: time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	for _, s := range srvs {
		cfg.Nodes = append(cfg.Nodes, ari.NodeConfig{URL: s.URL(), WSURL: s.WSURL()})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := ari.Connect(ctx, cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// nextOf waits for the next event of type T on sub, skipping others.
func nextOf[T ari.Event](t *testing.T, ctx context.Context, sub *ari.Subscription) T {
	t.Helper()
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			var zero T
			t.Fatalf("waiting for %T: %v", zero, err)
		}
		if e, ok := ev.(T); ok {
			return e
		}
	}
}

// TestInboundCallFlow: a caller dials in; the client answers, plays a
// greeting, waits for it to finish and hangs up; with the channel
// subscribed it also sees ChannelDestroyed.
func TestInboundCallFlow(t *testing.T) {
	srv := newNode(t, "node-a")
	c := connect(t, srv)
	ctx := testCtx(t)
	starts := c.StasisStarts(ctx, "")
	call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", Name: "Alice", To: "100", Args: []string{"inbound"}})

	st := nextOf[*ari.StasisStart](t, ctx, starts)
	if st.Channel.ID != call.ChannelID() || st.Node != "node-a" || !slices.Equal(st.Args, []string{"inbound"}) || st.Channel.Caller.Number != "+15551234567" {
		t.Fatalf("StasisStart %+v for channel %s", st, call.ChannelID())
	}
	ch := st.Channel.Key()
	events := c.Subscribe(ctx, ch)
	if _, err := c.SubscribeSource(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := c.Answer(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if sc := nextOf[*ari.ChannelStateChange](t, ctx, events); sc.Channel.State != "Up" {
		t.Fatalf("state after answer: %s", sc.Channel.State)
	}
	pb, err := c.PlayAndWait(ctx, ch, ari.MediaSound("hello-world"))
	if err != nil || pb.State != ari.PlaybackDone {
		t.Fatalf("play: %+v %v", pb, err)
	}
	if !slices.Contains(call.Heard(), "sound:hello-world") {
		t.Fatalf("caller heard %v", call.Heard())
	}
	if v, err := c.Variable(ctx, ch, "CALLERID(num)"); err != nil || v != "+15551234567" {
		t.Fatalf("CALLERID(num) = %q, %v", v, err)
	}
	if err := c.Hangup(ctx, ch, ari.HangupNormal); err != nil {
		t.Fatal(err)
	}
	nextOf[*ari.StasisEnd](t, ctx, events)
	if d := nextOf[*ari.ChannelDestroyed](t, ctx, events); d.Channel.ID != ch.ID {
		t.Fatalf("destroyed %s", d.Channel.ID)
	}
	// Hanging up a channel that is gone is a 404, reported as such.
	if err := c.Hangup(ctx, ch, ""); !ari.IsNotFound(err) {
		t.Fatalf("second hangup: %v", err)
	}
}

func TestCallerHangsUpDuringPlayback(t *testing.T) {
	srv := newNode(t, "node-a")
	c := connect(t, srv)
	ctx := testCtx(t)
	starts := c.StasisStarts(ctx, "")
	call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", To: "100", Args: []string{"inbound"}})
	ch := nextOf[*ari.StasisStart](t, ctx, starts).Channel.Key()
	if err := c.Answer(ctx, ch); err != nil {
		t.Fatal(err)
	}
	_, sub, err := c.PlayWatch(ctx, ch, ari.PlayOptions{Media: []string{ari.MediaSound("demo-congrats")}})
	if err != nil {
		t.Fatal(err)
	}
	nextOf[*ari.PlaybackStarted](t, ctx, sub)
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	if f := nextOf[*ari.PlaybackFinished](t, ctx, sub); f.Playback.State != ari.PlaybackFailed {
		t.Fatalf("playback ended %q, want failed", f.Playback.State)
	}
}

func TestDTMFInOrder(t *testing.T) {
	srv := newNode(t, "node-a")
	c := connect(t, srv)
	ctx := testCtx(t)
	starts := c.StasisStarts(ctx, "")
	const calls = 10
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	var slow *ari.Subscription // reads nothing until every call is done
	for i := range calls {
		call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", To: "100", Args: []string{"inbound"}})
		st := nextOf[*ari.StasisStart](t, ctx, starts)
		sub := c.Subscribe(ctx, st.Channel.Key())
		if i == 0 {
			slow = c.Subscribe(ctx, st.Channel.Key())
		}
		if err := c.Answer(ctx, st.Channel.Key()); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			if err := call.Press(ctx, "1234567890*#"); err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			var got string
			for len(got) < 12 {
				ev, err := sub.Next(ctx)
				if err != nil {
					errs <- fmt.Errorf("%s after %q: %w", st.Channel.ID, got, err)
					return
				}
				if d, ok := ev.(*ari.ChannelDtmfReceived); ok {
					got += d.Digit
				}
			}
			if got != "1234567890*#" {
				errs <- fmt.Errorf("%s got digits %q", st.Channel.ID, got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var got string
	for len(got) < 12 {
		if d, ok := nextOf[ari.Event](t, ctx, slow).(*ari.ChannelDtmfReceived); ok {
			got += d.Digit
		}
	}
	if got != "1234567890*#" {
		t.Fatalf("slow subscriber got %q", got)
	}
}

func TestOriginateAgentAndBridge(t *testing.T) {
	srv := newNode(t, "node-a")
	srv.AddPhone("PJSIP/2001", aritest.PhoneOptions{AnswerAfter: time.Second})
	c := connect(t, srv)
	ctx := testCtx(t)
	starts := c.StasisStarts(ctx, "")
	srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", To: "100", Args: []string{"inbound"}})
	customer := nextOf[*ari.StasisStart](t, ctx, starts).Channel.Key()
	if err := c.Answer(ctx, customer); err != nil {
		t.Fatal(err)
	}
	br, err := c.CreateBridge(ctx, customer.Node, ari.BridgeOptions{Type: "mixing", Name: "xfer"})
	if err != nil {
		t.Fatal(err)
	}
	bsub := c.Subscribe(ctx, br.Key())
	if err := c.AddChannel(ctx, br.Key(), customer); err != nil {
		t.Fatal(err)
	}
	nextOf[*ari.ChannelEnteredBridge](t, ctx, bsub)
	if err := c.StartMOH(ctx, br.Key(), ""); err != nil {
		t.Fatal(err)
	}

	agent, asub, err := c.OriginateWatch(ctx, customer.Node, ari.OriginateRequest{
		Endpoint: "PJSIP/2001", AppArgs: []string{"agent", customer.ID}, CallerID: `"CallSvc" <+15550000000>`,
		Variables: map[string]string{"CALLSVC_CALL_ID": "call-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	st := nextOf[*ari.StasisStart](t, ctx, asub)
	if st.Channel.ID != agent.ID || !slices.Equal(st.Args, []string{"agent", customer.ID}) {
		t.Fatalf("agent StasisStart %+v", st)
	}
	if v, err := c.Variable(ctx, agent.Key(), "CALLSVC_CALL_ID"); err != nil || v != "call-1" {
		t.Fatalf("agent variable %q %v", v, err)
	}
	if err := c.StopMOH(ctx, br.Key()); err != nil {
		t.Fatal(err)
	}
	if err := c.AddChannel(ctx, br.Key(), agent.Key()); err != nil {
		t.Fatal(err)
	}
	got, err := c.Bridge(ctx, br.Key())
	if err != nil || len(got.Channels) != 2 {
		t.Fatalf("bridge %+v %v", got, err)
	}
	// The list stamps each bridge with its node, so its key is whole.
	all, err := c.Bridges(ctx, br.Node)
	if err != nil || !slices.ContainsFunc(all, func(b ari.Bridge) bool { return b.Key() == br.Key() }) {
		t.Fatalf("bridges %+v %v", all, err)
	}
	if _, err := c.Variable(ctx, agent.Key(), "CALLSVC_NOT_SET"); !ari.IsNotFound(err) {
		t.Fatalf("unset variable: %v", err)
	}
	if err := c.RemoveChannel(ctx, br.Key(), agent.Key()); err != nil {
		t.Fatal(err)
	}
	if err := c.Hangup(ctx, agent.Key(), ""); err != nil {
		t.Fatal(err)
	}
	if err := c.DestroyBridge(ctx, br.Key()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Bridge(ctx, br.Key()); !ari.IsNotFound(err) {
		t.Fatalf("destroyed bridge: %v", err)
	}
}

func TestRecordMessage(t *testing.T) {
	srv := newNode(t, "node-a")
	c := connect(t, srv)
	ctx := testCtx(t)
	starts := c.StasisStarts(ctx, "")
	call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", To: "100", Args: []string{"inbound"}})
	ch := nextOf[*ari.StasisStart](t, ctx, starts).Channel.Key()
	if err := c.Answer(ctx, ch); err != nil {
		t.Fatal(err)
	}
	go call.Speak(ctx, 2*time.Second)
	rec, err := c.RecordAndWait(ctx, ch, ari.RecordOptions{Name: "msg-" + ari.NewID(), MaxDurationSeconds: 3, Beep: true, TerminateOn: "#", IfExists: "overwrite"})
	if err != nil || rec.State != "done" || rec.Duration == nil {
		t.Fatalf("record: %+v %v", rec, err)
	}
	stored, err := c.StoredRecordings(ctx, ch.Node)
	if err != nil || !slices.ContainsFunc(stored, func(s ari.StoredRecording) bool { return s.Name == rec.Name }) {
		t.Fatalf("stored %v %v", stored, err)
	}
	var wav bytes.Buffer
	ctype, n, err := c.DownloadRecording(ctx, rec.StoredKey(), &wav)
	if err != nil || n < 44 || !bytes.HasPrefix(wav.Bytes(), []byte("RIFF")) {
		t.Fatalf("download: %s %d %v", ctype, n, err)
	}
	if err := c.DeleteRecording(ctx, rec.StoredKey()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StoredRecording(ctx, rec.StoredKey()); !ari.IsNotFound(err) {
		t.Fatalf("deleted recording: %v", err)
	}
	if _, _, err := c.DownloadRecording(ctx, rec.StoredKey(), io.Discard); !ari.IsNotFound(err) {
		t.Fatalf("download deleted: %v", err)
	}
}

// TestTwoNodesRouting: a call on node B is answered on node B; node A
// never hears of it.
func TestTwoNodesRouting(t *testing.T) {
	a, b := newNode(t, "node-a"), newNode(t, "node-b")
	c := connect(t, a, b)
	ctx := testCtx(t)
	startsB := c.StasisStarts(ctx, "node-b")
	call := b.Dial(ctx, aritest.CallerOptions{From: "+15551234567", To: "100", Args: []string{"inbound"}})
	st := nextOf[*ari.StasisStart](t, ctx, startsB)
	if st.Channel.Node != "node-b" {
		t.Fatalf("node %q", st.Channel.Node)
	}
	if err := c.Answer(ctx, st.Channel.Key()); err != nil {
		t.Fatal(err)
	}
	if err := call.WaitState(ctx, "Up"); err != nil {
		t.Fatal(err)
	}
	// The same id on node A is another channel (ids restart per node).
	if _, err := c.Channel(ctx, ari.ChannelKey("node-a", st.Channel.ID)); !ari.IsNotFound(err) {
		t.Fatalf("node A knows B's channel: %v", err)
	}
	chsA, err := c.Channels(ctx, "node-a")
	if err != nil || len(chsA) != 0 {
		t.Fatalf("node A channels %v %v", chsA, err)
	}
}

func TestReconnectAfterRestart(t *testing.T) {
	srv := newNode(t, "node-a")
	c := connect(t, srv)
	ctx := testCtx(t)
	states := c.WatchState(ctx)
	starts := c.StasisStarts(ctx, "")

	srv.Restart()
	waitFor(t, ctx, states, ari.StateDisconnected)
	if sc := waitFor(t, ctx, states, ari.StateConnected); !sc.Reconnected {
		t.Fatalf("not flagged as reconnect: %+v", sc)
	}
	if keys, err := c.Resync(ctx, "node-a"); err != nil || len(keys) != 0 {
		t.Fatalf("resync after restart: %v %v", keys, err)
	}
	call := srv.Dial(ctx, aritest.CallerOptions{From: "+15551234567", To: "100", Args: []string{"inbound"}})
	if st := nextOf[*ari.StasisStart](t, ctx, starts); st.Channel.ID != call.ChannelID() {
		t.Fatalf("after restart got %s", st.Channel.ID)
	}

	srv.DropWebSockets()
	waitFor(t, ctx, states, ari.StateDisconnected)
	waitFor(t, ctx, states, ari.StateConnected)
	keys, err := c.Resync(ctx, "node-a")
	if err != nil || !slices.Contains(keys, ari.ChannelKey("node-a", call.ChannelID())) {
		t.Fatalf("resync with a call in Stasis: %v %v", keys, err)
	}
}

func TestBadPasswordAgainstAritest(t *testing.T) {
	srv := newNode(t, "node-a")
	ctx := testCtx(t)
	_, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: srv.URL(), WSURL: srv.WSURL()}}, Username: "u", Password: "wrong"})
	if !ari.IsUnauthorized(err) {
		t.Fatalf("connect with a wrong password: %v", err)
	}
	var e *ari.Error
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized {
		t.Fatalf("not an *ari.Error: %v", err)
	}
}

func waitFor(t *testing.T, ctx context.Context, states <-chan ari.StateChange, want ari.State) ari.StateChange {
	t.Helper()
	for {
		select {
		case sc := <-states:
			if sc.State == want {
				return sc
			}
		case <-ctx.Done():
			t.Fatalf("no %v: %v", want, ctx.Err())
		}
	}
}

// BenchmarkRESTRoundTrip compares GET /asterisk/ping through the client
// with a bare net/http request to the same aritest server.
func BenchmarkRESTRoundTrip(b *testing.B) {
	srv := newNode(b, "node-a")
	c := connect(b, srv)
	ctx := context.Background()
	b.Run("Client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Ping(ctx, "node-a"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BareHTTP", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL()+"/asterisk/ping", nil)
			req.SetBasicAuth("u", "p")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatal(resp.Status)
			}
		}
	})
}
