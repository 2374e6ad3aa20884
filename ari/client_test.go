package ari

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

func TestConnectBadPasswordFailsOnce(t *testing.T) {
	s := newStub(t, "node-a")
	cfg := s.config()
	cfg.Password = "wrong"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, cfg)
	if !IsUnauthorized(err) {
		t.Fatalf("Connect with a wrong password: %v, want a 401", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Message != "Authentication required" {
		t.Fatalf("error %v does not carry Asterisk's message", err)
	}
}

func TestEventSocketUnauthorizedIsFatalNotALoop(t *testing.T) {
	s := newStub(t, "node-a")
	s.refuse = []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusUnauthorized}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Connect(ctx, s.config())
	if !IsUnauthorized(err) {
		t.Fatalf("Connect: %v, want a 401 from the handshake", err)
	}
	s.mu.Lock()
	n := s.handshakes
	s.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d handshakes after a 401, want exactly 1", n)
	}
}

func TestUnauthorizedOnReconnectStopsTheNode(t *testing.T) {
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	states := c.WatchState(context.Background())
	s.mu.Lock()
	s.refuse = []int{http.StatusUnauthorized, http.StatusUnauthorized}
	s.mu.Unlock()
	s.drop()
	sc := waitState(t, states, StateFailed)
	if !IsUnauthorized(sc.Err) || c.State("node-a") != StateFailed {
		t.Fatalf("failed with %v, state %v", sc.Err, c.State("node-a"))
	}
	s.mu.Lock()
	n := s.handshakes
	s.mu.Unlock()
	if n != 2 { // the first connect and the one refused reconnect
		t.Fatalf("%d handshakes, want 2", n)
	}
}

// TestKeepaliveNoticesADeadPeer: a socket that stays open but answers no
// pings (as after a power loss) is given up and redialled.
func TestKeepaliveNoticesADeadPeer(t *testing.T) {
	s := newStub(t, "node-a")
	s.silent = true
	cfg := s.config()
	cfg.PingInterval = 20 * time.Millisecond
	cfg.RequestTimeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	states := c.WatchState(ctx)
	sc := waitState(t, states, StateDisconnected)
	if sc.Err == nil || !strings.Contains(sc.Err.Error(), "keepalive") {
		t.Fatalf("disconnect cause %v, want the keepalive", sc.Err)
	}
}

func TestReconnectAfterSocketDrop(t *testing.T) {
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	states := c.WatchState(ctx)
	sub := c.Subscribe(ctx, ChannelKey("node-a", "1.1"))

	s.drop()
	if sc := waitState(t, states, StateDisconnected); sc.Node != "node-a" || sc.Err == nil {
		t.Fatalf("disconnect reported as %+v", sc)
	}
	if sc := waitState(t, states, StateConnected); !sc.Reconnected {
		t.Fatalf("reconnect not flagged: %+v", sc)
	}
	s.waitConnected(t) // the reconnect
	s.send(event("ChannelStateChange", "node-a", map[string]any{"channel": chanJSON("1.1")}))
	if ev := next(t, sub); ev.Base().Type != "ChannelStateChange" {
		t.Fatalf("after reconnect got %T", ev)
	}
	if got := c.State("node-a"); got != StateConnected {
		t.Fatalf("state %v", got)
	}
}

// TestReconnectThroughRestart follows reconnect.jsonl: while Asterisk
// restarts, handshakes get 404 (res_ari loading) and 5xx; both are retried.
func TestReconnectThroughRestart(t *testing.T) {
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	states := c.WatchState(ctx)
	s.handle("GET /channels", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `[]`) // a restarted Asterisk has no channels
	})
	s.mu.Lock()
	s.refuse = []int{http.StatusNotFound, http.StatusServiceUnavailable, http.StatusNotFound}
	s.mu.Unlock()
	s.drop()
	waitState(t, states, StateDisconnected)
	if sc := waitState(t, states, StateConnected); !sc.Reconnected {
		t.Fatalf("reconnect not flagged: %+v", sc)
	}
	s.mu.Lock()
	n := s.handshakes
	s.mu.Unlock()
	if n != 5 { // first connect, three refusals, the reconnect
		t.Fatalf("%d handshakes, want 5", n)
	}
	keys, err := c.Resync(ctx, "node-a")
	if err != nil || len(keys) != 0 {
		t.Fatalf("resync after restart: %v %v", keys, err)
	}
}

func TestResyncListsChannelsInTheApp(t *testing.T) {
	s := newStub(t, "node-a")
	s.handle("GET /channels", func(w http.ResponseWriter, r *http.Request) {
		mine, other, parked := chanJSON("1.1"), chanJSON("1.2"), chanJSON("1.3")
		other["dialplan"] = map[string]any{"context": "x", "exten": "s", "priority": 1, "app_name": "Stasis", "app_data": "callsvc2,inbound"}
		parked["dialplan"] = map[string]any{"context": "x", "exten": "s", "priority": 1, "app_name": "Wait", "app_data": "600"}
		_ = json.NewEncoder(w).Encode([]any{mine, other, parked})
	})
	c := connectStub(t, s)
	keys, err := c.Resync(context.Background(), "node-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != ChannelKey("node-a", "1.1") {
		t.Fatalf("resync gave %v", keys)
	}
}

func TestMalformedAndUnknownFramesDoNotStopTheStream(t *testing.T) {
	s := newStub(t, "node-a")
	var logs lockedBuffer
	cfg := s.config()
	logger := zerolog.New(&logs)
	cfg.Logger = &logger
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	c, err := Connect(cctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s.waitConnected(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	all := c.SubscribeTypes(ctx, "")
	s.send(`not json at all`)
	s.send(`{"type": 5}`)
	s.send(`{"no":"type"}`)
	s.send(`{"type":"ChannelStateChange","channel":"not an object"}`)
	s.send(event("ChannelFutureThing", "node-a", map[string]any{"x": 1}))
	s.send(event("StasisStart", "node-a", map[string]any{"args": []string{"inbound"}, "channel": chanJSON("1.1")}))

	u, ok := next(t, all).(*UnknownEvent)
	if !ok || u.Type != "ChannelFutureThing" || !strings.Contains(string(u.Raw), `"x":1`) {
		t.Fatalf("unknown event not delivered raw: %#v", u)
	}
	st, ok := next(t, all).(*StasisStart)
	if !ok || st.Channel.Key() != ChannelKey("node-a", "1.1") || st.Args[0] != "inbound" {
		t.Fatalf("StasisStart after bad frames: %#v", st)
	}
	if n := strings.Count(logs.String(), "skipped malformed event"); n != 4 {
		t.Fatalf("%d malformed frames logged, want 4:\n%s", n, logs.String())
	}
}

// lockedBuffer is a log sink safe to read while the client writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPerChannelOrderUnderLoad: many channels' events interleave on one
// socket, written concurrently; each subscriber sees its own channel's
// events complete and in order, and a subscriber that does not read at all
// holds up nobody.
func TestPerChannelOrderUnderLoad(t *testing.T) {
	const channels, perChannel = 40, 100
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	subs := make([]*Subscription, channels)
	for i := range subs {
		subs[i] = c.Subscribe(ctx, ChannelKey("node-a", fmt.Sprintf("1.%d", i)))
	}
	slow := c.Subscribe(ctx, ChannelKey("node-a", "1.0")) // reads only at the end

	var senders sync.WaitGroup
	for i := range channels {
		senders.Go(func() {
			ch := chanJSON(fmt.Sprintf("1.%d", i))
			for seq := range perChannel {
				s.send(event("ChannelDtmfReceived", "node-a", map[string]any{"digit": "1", "duration_ms": seq, "channel": ch}))
			}
		})
	}
	var readers sync.WaitGroup
	errs := make(chan error, channels)
	for i, sub := range subs {
		readers.Go(func() {
			rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
			defer rcancel()
			for seq := range perChannel {
				ev, err := sub.Next(rctx)
				if err != nil {
					errs <- fmt.Errorf("channel %d: after %d events: %w", i, seq, err)
					return
				}
				d := ev.(*ChannelDtmfReceived)
				if d.DurationMs != seq || d.Channel.ID != fmt.Sprintf("1.%d", i) {
					errs <- fmt.Errorf("channel %d: event %d is %s #%d", i, seq, d.Channel.ID, d.DurationMs)
					return
				}
			}
		})
	}
	senders.Wait()
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Everyone else is done while the slow subscriber has read nothing.
	if q := slow.f.queued(); q == 0 {
		t.Fatalf("slow subscriber's queue is empty; nothing was tested")
	}
	for seq := range perChannel {
		d := next(t, slow).(*ChannelDtmfReceived)
		if d.DurationMs != seq {
			t.Fatalf("slow subscriber: event %d is #%d", seq, d.DurationMs)
		}
	}
}

func TestNodeRouting(t *testing.T) {
	a, b := newStub(t, "node-a"), newStub(t, "node-b")
	c := connectStub(t, a, b)
	if got := c.Nodes(); len(got) != 2 || got[0] != "node-a" || got[1] != "node-b" {
		t.Fatalf("nodes %v", got)
	}
	ctx := context.Background()
	if err := c.Answer(ctx, ChannelKey("node-b", "7.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Hangup(ctx, ChannelKey("node-a", "3.1"), HangupBusy); err != nil {
		t.Fatal(err)
	}
	if got := b.requestLog(); len(got) != 2 || got[1] != "POST /channels/7.1/answer?" {
		t.Fatalf("node B saw %v", got)
	}
	if got := a.requestLog(); len(got) != 2 || got[1] != "DELETE /channels/3.1?reason=busy" {
		t.Fatalf("node A saw %v", got)
	}
	if err := c.Answer(ctx, ChannelKey("node-c", "1.1")); !errors.Is(err, ErrUnknownNode) {
		t.Fatalf("unknown node: %v", err)
	}
	err := c.AddChannel(ctx, BridgeKey("node-a", "br"), ChannelKey("node-b", "7.1"))
	if !errors.Is(err, ErrBadKey) {
		t.Fatalf("cross-node bridge add: %v", err)
	}
	// Events carry the node they came from.
	sub := c.StasisStarts(ctx, "node-b")
	defer sub.Close()
	a.send(event("StasisStart", "node-a", map[string]any{"args": []string{}, "channel": chanJSON("3.2")}))
	b.send(event("StasisStart", "node-b", map[string]any{"args": []string{}, "channel": chanJSON("7.2")}))
	st := next(t, sub).(*StasisStart)
	if st.Channel.Key() != ChannelKey("node-b", "7.2") {
		t.Fatalf("node-b StasisStart: %v", st.Channel.Key())
	}
}

// TestSubscribeBeforeAct: the stub sends the events of an originate and a
// playback before its HTTP answer, as Asterisk often does.
func TestSubscribeBeforeAct(t *testing.T) {
	s := newStub(t, "node-a")
	s.handle("POST /channels", func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("channelId")
		s.send(event("StasisStart", "node-a", map[string]any{"args": []string{"agent"}, "channel": chanJSON(id)}))
		fmt.Fprintf(w, `{"id":%q,"name":"PJSIP/2001-1","state":"Down","protocol_id":"","caller":{"name":"","number":""},"connected":{"name":"","number":""},"accountcode":"","dialplan":{"context":"default","exten":"s","priority":1,"app_name":"","app_data":""},"creationtime":"2026-11-26T23:57:01.344+0000","language":"en"}`, id)
	})
	s.handle("POST /channels/1.1/play", func(w http.ResponseWriter, r *http.Request) {
		pb := map[string]any{"id": r.URL.Query().Get("playbackId"), "media_uri": r.URL.Query().Get("media"), "target_uri": "channel:1.1", "language": "en", "state": "playing"}
		s.send(event("PlaybackStarted", "node-a", map[string]any{"playback": pb}))
		pb["state"] = "done"
		s.send(event("PlaybackFinished", "node-a", map[string]any{"playback": pb}))
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q,"media_uri":"sound:x","target_uri":"channel:1.1","language":"en","state":"queued"}`, pb["id"])
	})
	c := connectStub(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	ch, sub, err := c.OriginateWatch(ctx, "node-a", OriginateRequest{Endpoint: "PJSIP/2001", AppArgs: []string{"agent", "x"}, Variables: map[string]string{"CALLSVC_ROLE": "agent"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	st, ok := next(t, sub).(*StasisStart)
	if !ok || st.Channel.ID != ch.ID || ch.Node != "node-a" {
		t.Fatalf("originate: got %#v for %s", st, ch.ID)
	}
	log := s.requestLog()
	if q := log[len(log)-1]; !strings.Contains(q, "appArgs=agent%2Cx") || !strings.Contains(q, "app=callsvc") {
		t.Fatalf("originate request %s", q)
	}

	pb, err := c.PlayAndWait(ctx, ChannelKey("node-a", "1.1"), MediaSound("hello-world"))
	if err != nil || pb.State != PlaybackDone {
		t.Fatalf("PlayAndWait: %+v %v", pb, err)
	}
}

func TestErrorsCarryStatusAndMessage(t *testing.T) {
	s := newStub(t, "node-a")
	reply := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprint(w, body)
		}
	}
	s.handle("POST /channels/gone/answer", reply(404, `{"message":"Channel not found"}`))
	s.handle("POST /channels/parked/answer", reply(409, `{"message":"Channel not in Stasis application"}`))
	s.handle("POST /bridges/br/addChannel", reply(422, `{"message":"Channel not in Stasis application"}`))
	s.handle("POST /channels", reply(500, `{"error":"Allocation failed"}`))
	c := connectStub(t, s)
	ctx := context.Background()

	err := c.Answer(ctx, ChannelKey("node-a", "gone"))
	var e *Error
	if !IsNotFound(err) || !errors.As(err, &e) || e.Message != "Channel not found" || e.Node != "node-a" || e.Path != "/channels/gone/answer" {
		t.Fatalf("404: %v (%+v)", err, e)
	}
	if err := c.Answer(ctx, ChannelKey("node-a", "parked")); !IsConflict(err) || IsNotFound(err) {
		t.Fatalf("409: %v", err)
	}
	if err := c.AddChannel(ctx, BridgeKey("node-a", "br"), ChannelKey("node-a", "parked")); !IsUnprocessable(err) {
		t.Fatalf("422: %v", err)
	}
	_, err = c.Originate(ctx, "node-a", OriginateRequest{Endpoint: "NoSuchTech/foo"})
	if !IsServerError(err) || !errors.As(err, &e) || e.Message != "Allocation failed" {
		t.Fatalf("500: %v", err)
	}
	if err := c.Answer(ctx, BridgeKey("node-a", "br")); !errors.Is(err, ErrBadKey) {
		t.Fatalf("answer on a bridge key: %v", err)
	}
}

func TestRequestDeadline(t *testing.T) {
	s := newStub(t, "node-a")
	release := make(chan struct{})
	s.handle("POST /channels/slow/answer", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	cfg := s.config()
	cfg.RequestTimeout = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Connect(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The caller's context has no deadline of its own; the default applies.
	if err := c.Answer(context.Background(), ChannelKey("node-a", "slow")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow answer: %v, want deadline exceeded", err)
	}
}

func TestSubscriptionEnds(t *testing.T) {
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	byCtx := c.Subscribe(ctx, ChannelKey("node-a", "1.1"))
	cancel()
	if _, err := byCtx.Next(context.Background()); !errors.Is(err, ErrSubscriptionClosed) {
		t.Fatalf("after cancel: %v", err)
	}
	byClose := c.Subscribe(context.Background(), ChannelKey("node-a", "1.1"))
	byClose.Close()
	if _, err := byClose.Next(context.Background()); !errors.Is(err, ErrSubscriptionClosed) {
		t.Fatalf("after Close: %v", err)
	}
	byClient := c.StasisStarts(context.Background(), "")
	states := c.WatchState(context.Background())
	c.Close()
	if _, err := byClient.Next(context.Background()); !errors.Is(err, ErrSubscriptionClosed) {
		t.Fatalf("after client Close: %v", err)
	}
	for range states { // must end
	}
	if err := c.Answer(context.Background(), ChannelKey("node-a", "1.1")); !errors.Is(err, ErrClosed) {
		t.Fatalf("answer after close: %v", err)
	}
}

func TestChannelContextEndsWithTheChannel(t *testing.T) {
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	callCtx, cancel := c.ChannelContext(context.Background(), ChannelKey("node-a", "1.1"))
	defer cancel()
	other, cancelOther := c.ChannelContext(context.Background(), ChannelKey("node-a", "1.2"))
	defer cancelOther()
	s.send(event("StasisEnd", "node-a", map[string]any{"channel": chanJSON("1.1")}))
	select {
	case <-callCtx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("call context still alive after StasisEnd")
	}
	if !errors.Is(context.Cause(callCtx), ErrChannelLeft) {
		t.Fatalf("cause %v", context.Cause(callCtx))
	}
	if other.Err() != nil {
		t.Fatal("another channel's context ended")
	}
	c.Close()
	<-other.Done()
	if !errors.Is(context.Cause(other), ErrClosed) {
		t.Fatalf("cause after client close: %v", context.Cause(other))
	}
}

// A subscription read with Next runs no goroutine of its own (a call holds
// several); one read through Events gets its feeder, which ends with it.
func TestSubscriptionGoroutines(t *testing.T) {
	s := newStub(t, "node-a")
	c := connectStub(t, s)
	before := runtime.NumGoroutine()
	subs := make([]*Subscription, 200)
	for i := range subs {
		subs[i] = c.Subscribe(context.Background(), ChannelKey("node-a", "1.1"))
	}
	if grew := runtime.NumGoroutine() - before; grew >= 100 {
		t.Errorf("200 subscriptions started %d goroutines", grew)
	}
	for _, sub := range subs {
		sub.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub := c.Subscribe(ctx, ChannelKey("node-a", "1.1"))
	for _, typ := range []string{"ChannelDtmfReceived", "StasisEnd"} {
		s.send(event(typ, "node-a", map[string]any{"channel": chanJSON("1.1"), "digit": "5", "duration_ms": 100}))
	}
	var got []string
	for ev := range sub.Events() {
		got = append(got, ev.Base().Type)
		if len(got) == 2 {
			sub.Close()
		}
	}
	if !slices.Equal(got, []string{"ChannelDtmfReceived", "StasisEnd"}) {
		t.Errorf("events %v", got)
	}
}

// A reader that keeps up never lets the queue's backing array grow.
func TestQueueReusedWhenReaderKeepsUp(t *testing.T) {
	f := newFeed[int]()
	for i := range 10000 {
		f.push(i)
		if v, ok := f.pop(); !ok || v != i {
			t.Fatalf("pop %d: %v %v", i, v, ok)
		}
	}
	if c := cap(f.q); c > 8 {
		t.Errorf("queue grew to %d for one value at a time", c)
	}
}
