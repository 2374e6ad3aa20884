package routing_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"callsvc/api/postgres"
	"callsvc/api/postgres/pgtest"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/calendar"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
)

// pbxScenario is the engine, a fresh database and the record writer wired
// against a PBX: the stand-in Asterisk (simulated time) or a real one
// (real time, speed 1).
type pbxScenario struct {
	t      *testing.T
	pbx    pbxtest.PBX
	store  *postgres.Store
	writer *routing.Writer
	tap    *tapSink
	client *ari.Client
	eng    *routing.Engine
	log    *testLog
	ctx    context.Context
}

// onEachPBX runs a scenario against the stand-in and, when
// CALLSVC_TEST_ARI_URL names one, against a real Asterisk. The real runs
// are not parallel: one engine at a time owns the application there.
func onEachPBX(t *testing.T, body func(t *testing.T, sc *pbxScenario)) {
	t.Run("StandIn", func(t *testing.T) {
		t.Parallel()
		at := time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
		clock := simClock{base: at, start: time.Now(), speed: speed}
		srv := aritest.NewServer(aritest.Options{Speed: speed, Now: clock.Now})
		pbx := pbxtest.NewStandIn(srv)
		t.Cleanup(pbx.Close)
		body(t, newPBXScenario(t, pbx, clock, 2*time.Minute))
	})
	t.Run("Asterisk", func(t *testing.T) {
		cfg, ok := pbxtest.FromEnv(os.Getenv)
		if !ok {
			t.Skip(pbxtest.SkipReason)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		pbx, err := pbxtest.NewReal(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pbx.Close)
		// Real time from a pinned start (a working Friday morning), so the
		// greeting form and business hours do not depend on the hour the
		// test runs at.
		clock := simClock{base: time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai), start: time.Now(), speed: 1}
		body(t, newPBXScenario(t, pbx, clock, 3*time.Minute))
	})
}

func newPBXScenario(t *testing.T, pbx pbxtest.PBX, clock simClock, limit time.Duration) *pbxScenario {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	sc := &pbxScenario{t: t, pbx: pbx, ctx: ctx, log: newTestLog(t)}
	client, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: pbx.URL(), WSURL: pbx.WSURL()}},
		Username: pbx.Username(), Password: pbx.Password()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	sc.client = client
	sc.store = pgtest.NewStore(t)
	sc.writer, err = routing.NewWriter(sc.store, routing.WriterOptions{SpoolDir: t.TempDir(),
		WriteTimeout: 2 * time.Second, RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond, Log: sc.log.log})
	if err != nil {
		t.Fatal(err)
	}
	startWriter(t, sc.writer)
	sc.tap = newTapSink(sc.writer)
	policy, err := routing.NewAnswerPolicy("", 1)
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.Combine(calendar.China(), calendar.UnitedStates())
	sc.eng, err = routing.NewEngine(routing.Config{
		Control:   arictl.New(client, arictl.Options{}),
		Sink:      sc.tap,
		Directory: sc.store,
		Router: routing.Router{
			Hours:       &calendar.Hours{Calendar: cal, Location: shanghai, Open: 9 * time.Hour, Close: 18 * time.Hour},
			Departments: map[string]string{record.IntentOrder: "sales"},
		},
		Greeter:       routing.Greeter{Location: shanghai, Calendar: cal, TimeOfDay: true, Catalogue: prompt.Standard("示例貿易公司")},
		Answer:        policy,
		Now:           clock.Now,
		After:         clock.After,
		Log:           sc.log.log,
		GreetWait:     5 * time.Second,
		LookupTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	serveCtx, stopServe := context.WithCancel(context.Background())
	wait := arictl.Start(serveCtx, client, sc.eng)
	t.Cleanup(func() {
		stopServe()
		wait()
		sc.eng.Close()
	})
	return sc
}

func (sc *pbxScenario) dial(from string) pbxtest.Caller {
	sc.t.Helper()
	c, err := sc.pbx.Dial(sc.ctx, pbxtest.CallerOptions{From: from, Name: "Caller", To: "100"})
	if err != nil {
		sc.t.Fatal(err)
	}
	return c
}

func (sc *pbxScenario) hear(p interface {
	WaitHeard(context.Context, string) error
}, media string) {
	sc.t.Helper()
	if err := p.WaitHeard(sc.ctx, media); err != nil {
		sc.t.Fatalf("waiting to hear %s: %v", media, err)
	}
}

func (sc *pbxScenario) press(c pbxtest.Caller, digits string) {
	sc.t.Helper()
	if err := c.Press(sc.ctx, digits); err != nil {
		sc.t.Fatalf("press %s: %v", digits, err)
	}
}

func (sc *pbxScenario) waitEvent(typ string) {
	sc.t.Helper()
	if err := sc.tap.wait(sc.ctx, typ, 1); err != nil {
		sc.t.Fatal(err)
	}
}

// addStaff puts a person in the directory with the PBX's endpoint for ext.
func (sc *pbxScenario) addStaff(name, ext, dept string) record.Staff {
	sc.t.Helper()
	s, err := sc.store.CreateStaff(sc.ctx, record.Staff{Name: name, Extension: ext, Endpoint: sc.pbx.Endpoint(ext),
		Department: dept, Role: record.RoleAgent, Active: true})
	if err != nil {
		sc.t.Fatal(err)
	}
	return s
}

// done waits for the one call to end and its record to be stored.
func (sc *pbxScenario) done() (record.Call, []record.Event) {
	sc.t.Helper()
	if err := sc.eng.Wait(sc.ctx); err != nil {
		sc.t.Fatalf("calls did not end: %v", err)
	}
	if err := sc.writer.Flush(sc.ctx); err != nil {
		sc.t.Fatalf("records not stored: %v", err)
	}
	page, err := sc.store.ListCalls(sc.ctx, record.CallFilter{Limit: 100})
	if err != nil {
		sc.t.Fatal(err)
	}
	if len(page.Calls) != 1 {
		sc.t.Fatalf("%d calls recorded, want 1", len(page.Calls))
	}
	c, evs, err := sc.store.GetCall(sc.ctx, page.Calls[0].ID)
	if err != nil {
		sc.t.Fatal(err)
	}
	return c, evs
}

// observable drops from want what this PBX cannot report hearing (music
// on hold on a real Asterisk produces no ARI event).
func (sc *pbxScenario) observable(want ...string) []string {
	return slices.DeleteFunc(slices.Clone(want), func(w string) bool {
		kind, _, _ := strings.Cut(w, ":")
		return !sc.pbx.Observes(kind)
	})
}

// waitGone waits until a party's channel is gone.
func (sc *pbxScenario) waitGone(what string, p interface{ Done() <-chan struct{} }) {
	sc.t.Helper()
	select {
	case <-p.Done():
	case <-sc.ctx.Done():
		sc.t.Fatalf("%s still up when the call ended", what)
	}
}
