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
	"callsvc/routing/clock"
	"callsvc/routing/clock/clocktest"
	"callsvc/routing/pbxtest"
	"callsvc/routing/prompt"
	"callsvc/routing/spool"
)

var shanghai = time.FixedZone("CST", 8*3600)

// script is a scenario's time on the stand-in: a virtual clock shared by
// the stand-in and the engine, on which the test's goroutine is a party.
// It is busy from the start, idle only inside its waits (hearing,
// pressing, waiting for an event or for calls to end), so time moves only
// once the test too waits, and a ring of 30 s costs no wall time. Every
// duration in a scenario is this clock's; the scenario's context is a
// wall-clock deadline that only guards against a hang.
type script struct {
	clk *clocktest.Virtual
	end sync.Once
}

// newScript starts a virtual clock at at, the test's goroutine busy on it.
func newScript(t *testing.T, at time.Time) *script {
	clk := clocktest.New(at)
	t.Cleanup(clk.Close) // first in, last out: after the stand-in closes
	clk.Busy()
	return &script{clk: clk}
}

// done: the test's goroutine stops acting (its cleanups let live calls end
// on the clock).
func (s *script) done() {
	if s != nil {
		s.end.Do(s.clk.Idle)
	}
}

// wait runs f, which blocks until something else has happened, with the
// test's goroutine idle. On a real Asterisk (nil) it just runs f.
func (s *script) wait(f func()) {
	if s != nil {
		s.clk.Idle()
		defer s.clk.Busy()
	}
	f()
}

// spawn runs f on a goroutine of its own that is a party until it returns
// (a second caller of the script, say).
func (s *script) spawn(f func()) {
	if s == nil {
		go f()
		return
	}
	s.clk.Busy()
	go func() {
		defer s.clk.Idle()
		f()
	}()
}

// realFrom is the wall clock as if started at base (a real Asterisk runs
// in real time; the engine still sees the scenario's working Friday).
type realFrom struct {
	clock.Real
	base, start time.Time
}

func (c realFrom) Now() time.Time { return c.base.Add(time.Since(c.start)) }

// tapSink passes records to the writer and lets a test wait for a
// timeline event to be emitted (instead of sleeping). It checks every
// event against the OpenAPI document, as the API would serve it.
type tapSink struct {
	next    routing.Sink
	script  *script
	mu      sync.Mutex
	seen    map[record.EventType]int
	changed chan struct{}
	invalid []error // events the document does not describe
}

func newTapSink(next routing.Sink, s *script) *tapSink {
	return &tapSink{next: next, script: s, seen: map[record.EventType]int{}, changed: make(chan struct{})}
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
		var err error
		s.script.wait(func() {
			select {
			case <-ctx.Done():
				err = ctx.Err()
			case <-ch:
			}
		})
		if err != nil {
			return fmt.Errorf("wait for %d %s events (saw %d): %w", n, typ, got, err)
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
	clock  clock.Clock // the engine's
	script *script     // nil on a real Asterisk
	stall  *lookupStall
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
	reserver   routing.Reserver
	screen     routing.ScreenSink
	srv        *aritest.Server // default a new stand-in (on script's clock)
	// script is the virtual clock to share with another scenario (two
	// engines in one test); default a new one from at.
	script *script
	// stall: customer lookups wait on a lock the test holds until it calls
	// sc.stall.release (S1 with a slow database).
	stall bool
	// pbx is a real Asterisk to run against instead of the stand-in: the
	// clock then runs in real time from at.
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
	// A hang guard only: scenario time is the clock's.
	limit := 2 * time.Minute
	real := o.pbx != nil && o.pbx.Real()
	if real {
		limit = 3 * time.Minute
	}
	if o.answerRing == 0 {
		o.answerRing = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	sc := &scenario{t: t, ctx: ctx, log: newTestLog(t)}
	if real {
		sc.clock = realFrom{base: o.at, start: time.Now()}
	} else {
		sc.script = o.script
		if sc.script == nil {
			sc.script = newScript(t, o.at)
		}
		sc.clock = sc.script.clk
	}
	sc.pbx, sc.srv = o.pbx, o.srv
	if sc.pbx == nil {
		if sc.srv == nil {
			sc.srv = aritest.NewServer(aritest.Options{Clock: sc.script.clk})
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
	sc.tap = newTapSink(sc.writer, sc.script)
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
	if o.stall {
		sc.stall = &lookupStall{Directory: dir, clk: sc.script.clk}
		dir = sc.stall
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
		Clock:     sc.clock,
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
	// Last in, first out: once the test's goroutine is done, the calls it
	// left live can end on the clock.
	t.Cleanup(sc.script.done)
	return sc
}

// lookupStall is a Directory whose customer lookups are stuck behind a
// lock the test holds until it calls release: a lookup waiting for that
// lock is not acting, so time goes on meanwhile (the engine's lookup
// counts as a party otherwise, and would hold the clock for ever).
type lookupStall struct {
	routing.Directory
	clk      *clocktest.Virtual
	mu       sync.Mutex
	released bool
	stalled  int // lookups waiting, counted idle
}

func (d *lookupStall) FindCustomerByPhone(ctx context.Context, phone string) (record.Customer, error) {
	d.mu.Lock()
	stalled := !d.released
	if stalled {
		d.stalled++
		d.clk.Idle()
	}
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if stalled && !d.released { // else release counted it busy again
			d.stalled--
			d.clk.Busy()
		}
	}()
	return d.Directory.FindCustomerByPhone(ctx, phone)
}

// release: the lock is gone; the lookups waiting act again until they
// land.
func (d *lookupStall) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.released = true
	for ; d.stalled > 0; d.stalled-- {
		d.clk.Busy()
	}
}

// sleep lets d pass on the scenario's clock, the test idle; false when
// gone closes first (the party the test watches hung up).
func (sc *scenario) sleep(d time.Duration, gone <-chan struct{}) bool {
	sc.t.Helper()
	if sc.script == nil {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-gone:
			return false
		}
	}
	return sc.script.clk.Sleep(d, gone)
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

// hearCount waits until the party has heard media n times (a prompt
// played again).
func (sc *scenario) hearCount(p pbxtest.Party, media string, n int) {
	sc.t.Helper()
	if err := p.WaitHeardCount(sc.ctx, media, n); err != nil {
		sc.t.Fatalf("heard %s fewer than %d times: %v; heard %v", media, n, err, p.Heard())
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
	if err := sc.waitCalls(); err != nil {
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

// waitCalls waits until every call has ended.
func (sc *scenario) waitCalls() (err error) {
	sc.script.wait(func() { err = sc.eng.Wait(sc.ctx) })
	return err
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
