package routing_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"callsvc/api/apitest"
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
	"callsvc/routing/spool"
)

// speed runs the stand-in Asterisk and the engine's timers this many times
// faster than the wall clock; every duration below is simulated time.
// Tests that count rings (S1) run slower (s1Speed) so that a loaded
// machine's milliseconds do not become simulated seconds.
const (
	speed   = 50
	s1Speed = 5
)

var shanghai = time.FixedZone("CST", 8*3600)

// simClock is the simulated clock shared by aritest and the engine: it
// starts at base and runs speed times faster than the wall clock.
type simClock struct {
	base, start time.Time
	speed       float64
}

func (c simClock) Now() time.Time {
	return c.base.Add(time.Duration(float64(time.Since(c.start)) * c.speed))
}

func (c simClock) After(d time.Duration) <-chan time.Time {
	return time.After(time.Duration(float64(d) / c.speed))
}

// tapSink passes records to the writer and lets a test wait for a
// timeline event to be emitted (instead of sleeping). It checks every
// event against the OpenAPI document, as the API would serve it.
type tapSink struct {
	next    routing.Sink
	mu      sync.Mutex
	seen    map[record.EventType]int
	changed chan struct{}
	invalid []error // events the document does not describe
}

func newTapSink(next routing.Sink) *tapSink {
	return &tapSink{next: next, seen: map[record.EventType]int{}, changed: make(chan struct{})}
}

func (s *tapSink) Call(c record.Call) { s.next.Call(c) }

func (s *tapSink) Event(e record.Event) {
	bad := apitest.CheckEvent(e)
	s.next.Event(e)
	s.mu.Lock()
	defer s.mu.Unlock()
	if bad != nil {
		s.invalid = append(s.invalid, bad)
	}
	s.seen[e.Type]++
	close(s.changed)
	s.changed = make(chan struct{})
}

// checkDocumented fails the test for each event the engine wrote that the
// OpenAPI document does not describe.
func (s *tapSink) checkDocumented(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, err := range s.invalid {
		t.Errorf("the engine wrote an event the API document does not describe: %v", err)
	}
}

// wait blocks until n events of type typ have been emitted.
func (s *tapSink) wait(ctx context.Context, typ record.EventType, n int) error {
	if _, ok := record.LookupEvent(typ); !ok {
		return fmt.Errorf("wait for %s events: not a timeline event type", typ)
	}
	for {
		s.mu.Lock()
		got, ch := s.seen[typ], s.changed
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %d %s events (saw %d): %w", n, typ, got, ctx.Err())
		case <-ch:
		}
	}
}

// scenario is a PBX (the stand-in Asterisk by default, or a real one), the
// real ARI client, a fresh database, the record writer and the engine,
// wired as cmd/callsvc wires them. Callers and phones go through pbx;
// srv is the stand-in itself (nil on a real Asterisk), for what only it
// can do: stored audio, dropped sockets, registration and presence.
type scenario struct {
	t      *testing.T
	pbx    pbxtest.PBX
	srv    *aritest.Server
	store  *postgres.Store
	writer *spool.Writer
	tap    *tapSink
	client *ari.Client
	eng    *routing.Engine
	clock  simClock
	log    *testLog
	ctx    context.Context
}

type scenarioOptions struct {
	at         time.Time // simulated start time; default a working Friday 10:00 Shanghai
	answerRing int       // ANSWER_RING, default 1
	cadence    string
	store      *postgres.Store // default a fresh one
	directory  routing.Directory
	nobodyFree func(context.Context, *routing.CallInfo) bool
	notifier   routing.Notifier
	noDir      bool
	speed      float64 // default speed
	reserver   routing.Reserver
	screen     routing.ScreenSink
	srv        *aritest.Server // default a new stand-in
	// pbx is a real Asterisk to run against instead of the stand-in: the
	// clock then runs at speed 1 from at (timers in real time).
	pbx pbxtest.PBX
	// away builds the away handling once the stand-in, client and store
	// exist (presence, phone states, the message writer); nil: none.
	away func(sc *scenario) routing.AwayConfig
}

func newScenario(t *testing.T, o scenarioOptions) *scenario {
	t.Helper()
	if o.at.IsZero() {
		o.at = time.Date(2026, 11, 27, 10, 0, 0, 0, shanghai)
	}
	if o.speed == 0 {
		o.speed = speed
	}
	limit := 2 * time.Minute
	if o.pbx != nil && o.pbx.Real() {
		o.speed, limit = 1, 3*time.Minute
	}
	if o.answerRing == 0 {
		o.answerRing = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	sc := &scenario{t: t, ctx: ctx, clock: simClock{base: o.at, start: time.Now(), speed: o.speed}, log: newTestLog(t)}
	sc.pbx, sc.srv = o.pbx, o.srv
	if sc.pbx == nil {
		if sc.srv == nil {
			sc.srv = aritest.NewServer(aritest.Options{Speed: o.speed, Now: sc.clock.Now})
			t.Cleanup(sc.srv.Close)
		}
		sc.pbx = pbxtest.NewStandIn(sc.srv)
	}

	client, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: sc.pbx.URL(), WSURL: sc.pbx.WSURL()}},
		Username: sc.pbx.Username(), Password: sc.pbx.Password()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	sc.client = client

	sc.store = o.store
	if sc.store == nil {
		sc.store = pgtest.NewStore(t)
	}
	sc.writer, err = spool.NewWriter(sc.store, spool.WriterOptions{Dir: t.TempDir(),
		WriteTimeout: 2 * time.Second, RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond, Log: sc.log.log})
	if err != nil {
		t.Fatal(err)
	}
	startWriter(t, sc.writer)
	sc.tap = newTapSink(sc.writer)
	t.Cleanup(func() { sc.tap.checkDocumented(t) }) // after the engine has stopped

	policy, err := routing.NewAnswerPolicy(o.cadence, o.answerRing)
	if err != nil {
		t.Fatal(err)
	}
	var dir routing.Directory = sc.store
	if o.directory != nil {
		dir = o.directory
	}
	if o.noDir {
		dir = nil
	}
	cal := calendar.Combine(calendar.China(), calendar.UnitedStates())
	var away routing.AwayConfig
	if o.away != nil {
		away = o.away(sc)
	}
	sc.eng, err = routing.NewEngine(routing.Config{
		Control:   arictl.New(client, arictl.Options{}),
		Sink:      sc.tap,
		Directory: dir,
		Notifier:  o.notifier,
		Router: routing.Router{
			Hours:       &calendar.Hours{Calendar: cal, Location: shanghai, Open: 9 * time.Hour, Close: 18 * time.Hour},
			Departments: map[string]string{record.IntentOrder: "sales"},
		},
		Greeter:   routing.Greeter{Location: shanghai, Calendar: cal, TimeOfDay: true, Catalogue: prompt.Standard("示例貿易公司")},
		Answer:    policy,
		Now:       sc.clock.Now,
		After:     sc.clock.After,
		Log:       sc.log.log,
		Reserver:  o.reserver,
		Screen:    o.screen,
		GreetWait: 5 * time.Second,
		Away:      away,
		// Real time (a context deadline): generous, so a loaded machine
		// does not turn a lookup into a failure.
		LookupTimeout: 10 * time.Second,
		NobodyFree:    o.nobodyFree,
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

// dial makes a caller dial in.
func (sc *scenario) dial(from string) pbxtest.Caller {
	sc.t.Helper()
	c, err := sc.pbx.Dial(sc.ctx, pbxtest.CallerOptions{From: from, Name: "Caller", To: "100"})
	if err != nil {
		sc.t.Fatal(err)
	}
	return c
}

// phone makes the staff phone of extension ext.
func (sc *scenario) phone(ext string, o pbxtest.PhoneOptions) pbxtest.Phone {
	return sc.pbx.AddPhone(ext, o)
}

// hear waits until the caller has heard media.
func (sc *scenario) hear(p interface {
	WaitHeard(context.Context, string) error
}, media string) {
	sc.t.Helper()
	if err := p.WaitHeard(sc.ctx, media); err != nil {
		sc.t.Fatalf("waiting to hear %s: %v", media, err)
	}
}

// waitEvent waits until the engine has emitted a timeline event.
func (sc *scenario) waitEvent(typ record.EventType) {
	sc.t.Helper()
	if err := sc.tap.wait(sc.ctx, typ, 1); err != nil {
		sc.t.Fatal(err)
	}
}

func (sc *scenario) press(c pbxtest.Caller, digits string) {
	sc.t.Helper()
	if err := c.Press(sc.ctx, digits); err != nil {
		sc.t.Fatalf("press %s: %v", digits, err)
	}
}

// done waits for every call to end and its record to be stored, and
// returns the one call of this scenario with its timeline.
func (sc *scenario) done() (record.Call, []record.Event) {
	sc.t.Helper()
	calls := sc.doneAll()
	if len(calls) != 1 {
		sc.t.Fatalf("%d calls recorded, want 1", len(calls))
	}
	c, evs, err := sc.store.GetCall(sc.ctx, calls[0].ID)
	if err != nil {
		sc.t.Fatal(err)
	}
	return c, evs
}

func (sc *scenario) doneAll() []record.Call {
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
	return page.Calls
}

func (sc *scenario) addStaff(name, ext, dept string, skills ...string) record.Staff {
	sc.t.Helper()
	s, err := sc.store.CreateStaff(sc.ctx, record.Staff{Name: name, Extension: ext, Endpoint: sc.pbx.Endpoint(ext),
		Department: dept, Skills: skills, Role: record.RoleAgent, Active: true})
	if err != nil {
		sc.t.Fatal(err)
	}
	return s
}

func zhm(k prompt.Key) string { return prompt.Media(prompt.ZH, k) }

var menuMedia = []string{zhm(prompt.KeyMenuOrder), zhm(prompt.KeyMenuComplaint), zhm(prompt.KeyMenuSuggestion),
	zhm(prompt.KeyMenuExtension), zhm(prompt.KeyMenuGeneralManager), zhm(prompt.KeyMenuDesk)}

// inOrder fails unless want appears in got in this order (other items may
// come between).
func inOrder(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("%s: %q not found in order (matched %d of %d)\n got: %s", what, want[i], i, len(want), strings.Join(got, " "))
	}
}

func types(evs []record.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = string(e.Type)
	}
	return out
}

// eventData returns the data of the first event of type typ.
func eventData(t *testing.T, evs []record.Event, typ record.EventType) map[string]any {
	t.Helper()
	if _, ok := record.LookupEvent(typ); !ok {
		t.Fatalf("eventData: %q is not a timeline event type", typ)
	}
	for _, e := range evs {
		if e.Type == typ {
			var m map[string]any
			if len(e.Data) > 0 {
				if err := jsonUnmarshal(e.Data, &m); err != nil {
					t.Fatal(err)
				}
			}
			return m
		}
	}
	t.Fatalf("no %s event in %v", typ, types(evs))
	return nil
}

func hasType(evs []record.Event, typ record.EventType) bool {
	return slices.ContainsFunc(evs, func(e record.Event) bool { return e.Type == typ })
}

// notices collects supervisor notices (S10): a hand-written Notifier.
type notices struct {
	mu   sync.Mutex
	list []string
}

func (n *notices) NotifySupervisor(_ context.Context, callID, kind, text string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.list = append(n.list, kind+": "+text)
}
