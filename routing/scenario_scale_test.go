package routing_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// offerLog is a ScreenSink shared by engines that fails the test when a
// person is offered a call while still holding another: every offer must
// be closed (ended, missed) before the next one to the same person.
type offerLog struct {
	mu      sync.Mutex
	holding map[string]string // staff id -> call id offered and not yet closed
	offers  int
	clashes []string
}

func (o *offerLog) AgentEvent(e record.AgentEvent) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch e.Type {
	case "offered":
		o.offers++
		if other, busy := o.holding[e.StaffID]; busy {
			o.clashes = append(o.clashes, fmt.Sprintf("%s offered %s while holding %s", e.StaffID, e.CallID, other))
		}
		o.holding[e.StaffID] = e.CallID
	case "ended", "missed":
		if o.holding[e.StaffID] == e.CallID {
			delete(o.holding, e.StaffID)
		}
	}
}

// Two engine instances, each on its own stand-in Asterisk node, share one
// database: many concurrent callers into one department never have one
// person offered two calls at once (the shared reservation under FOR
// UPDATE SKIP LOCKED), checked over 1,000 calls.
func TestTwoEnginesNeverOfferOnePersonTwoCalls(t *testing.T) {
	t.Parallel()
	const (
		calls       = 1000
		concurrency = 10 // callers in flight per node
		people      = 8
	)
	st := pgtest.NewStore(t)
	offers := &offerLog{holding: map[string]string{}}
	// One clock for both nodes: every caller below is a party on it.
	script := newScript(t, time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai))
	var nodes []*scenario
	for i := range 2 {
		srv := aritest.NewServer(aritest.Options{Clock: script.clk, EntityID: fmt.Sprintf("02:fc:00:00:00:0%d", i+1),
			DefaultMediaDuration: 200 * time.Millisecond})
		t.Cleanup(srv.Close)
		sc := newScenario(t, scenarioOptions{store: st, reserver: st, screen: offers, srv: srv, script: script})
		nodes = append(nodes, sc)
	}
	for i := range people {
		s := nodes[0].addStaff(fmt.Sprint("desk", i), fmt.Sprint(2001+i), "desk")
		for _, sc := range nodes {
			sc.phone(s.Extension, pbxtest.PhoneOptions{})
		}
	}

	var next, connected, promised atomic.Int64
	errs := make(chan error, 2*concurrency)
	var wg sync.WaitGroup
	for _, sc := range nodes {
		for range concurrency {
			wg.Add(1)
			script.spawn(func() {
				defer wg.Done()
				for {
					n := next.Add(1)
					if n > calls {
						return
					}
					got, err := oneDeskCall(sc, fmt.Sprintf("+86139%08d", n))
					if err != nil {
						errs <- err
						return
					}
					if got == "connected" {
						connected.Add(1)
					} else {
						promised.Add(1)
					}
				}
			})
		}
	}
	script.wait(wg.Wait)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, sc := range nodes {
		if err := sc.waitCalls(); err != nil {
			t.Fatal(err)
		}
	}
	offers.mu.Lock()
	defer offers.mu.Unlock()
	for _, c := range offers.clashes {
		t.Error(c)
	}
	t.Logf("%d calls: %d connected, %d promised a callback; %d offers to %d people over two engines",
		calls, connected.Load(), promised.Load(), offers.offers, people)
	if connected.Load() == 0 || offers.offers < int(connected.Load()) {
		t.Fatalf("too few calls reached a person to show anything: %d connected, %d offers", connected.Load(), offers.offers)
	}
	held, err := st.Reserved(nodes[0].ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 0 {
		t.Fatalf("reservations left after every call ended: %v", held)
	}
}

// oneDeskCall dials, asks for the desk (typed ahead during the greeting)
// and hangs up once put through or promised a callback.
func oneDeskCall(sc *scenario, from string) (string, error) {
	ctx, cancel := context.WithTimeout(sc.ctx, time.Minute)
	defer cancel()
	c := sc.srv.Dial(ctx, aritest.CallerOptions{From: from, To: "100", Args: []string{"inbound"}})
	if err := c.Press(ctx, "0"); err != nil {
		return "", fmt.Errorf("call from %s: press: %w", from, err)
	}
	outcome := make(chan string, 2)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	sc.script.spawn(func() {
		if c.WaitHeard(wctx, "moh:stop") == nil {
			outcome <- "connected"
		}
	})
	sc.script.spawn(func() {
		if c.WaitHeard(wctx, zhm(prompt.KeyCallbackPromise)) == nil {
			outcome <- "promised"
		}
	})
	got := ""
	sc.script.wait(func() {
		select {
		case got = <-outcome:
		case <-ctx.Done():
		}
	})
	if got == "" {
		return "", fmt.Errorf("call from %s: neither put through nor promised a callback; heard %v", from, c.Heard())
	}
	if err := c.Hangup(ctx); err != nil {
		return "", fmt.Errorf("call from %s: hang up: %w", from, err)
	}
	return got, nil
}

var _ routing.ScreenSink = (*offerLog)(nil)
