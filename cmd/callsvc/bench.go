package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"callsvc/api/postgres"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"
)

// The goals on a 2-core machine; the table prints them beside the
// figures.
const (
	goalSetupsPerSecond = 500
	goalConcurrent      = 2000
	goalLatencyOverRTT  = 5 * time.Millisecond
	goalHeapPerCall     = 64 << 10
)

// benchOptions are the flags of callsvc bench.
type benchOptions struct {
	rate       float64 // call setups offered per second
	duration   time.Duration
	concurrent int           // callers in the call at once, at most
	hold       time.Duration // how long an answered caller stays (in the greeting and menu)
	db         string        // private, url or none
	cpuProfile string        // write a CPU profile of the run here
	mutexProf  string        // write a mutex contention profile here
}

// rateFlag reads "500" or "500/s".
type rateFlag struct{ v *float64 }

func (r rateFlag) String() string {
	if r.v == nil {
		return ""
	}
	return strconv.FormatFloat(*r.v, 'f', -1, 64) + "/s"
}

func (r rateFlag) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "/s"), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return fmt.Errorf("rate %q: want calls per second, e.g. 500/s", s)
	}
	*r.v = v
	return nil
}

func parseBenchFlags(args []string, stderr io.Writer) (benchOptions, error) {
	o := benchOptions{rate: goalSetupsPerSecond}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Var(rateFlag{&o.rate}, "rate", "call setups offered per second (N or N/s)")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long to keep dialling")
	fs.IntVar(&o.concurrent, "concurrent", goalConcurrent, "callers in the call at once, at most")
	fs.DurationVar(&o.hold, "hold", 0, "how long an answered caller stays on the line (default concurrent/rate)")
	fs.StringVar(&o.db, "db", "private", "records go to: private (a throwaway PostgreSQL), url (DATABASE_URL) or none (discarded)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	fs.StringVar(&o.mutexProf, "mutexprofile", "", "write a mutex contention profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	switch {
	case fs.NArg() > 0:
		fmt.Fprintf(stderr, "bench: unexpected argument %q\n", fs.Arg(0))
		return o, errUsage
	case o.duration <= 0 || o.concurrent <= 0 || o.hold < 0:
		fmt.Fprintln(stderr, "bench: --duration and --concurrent must be positive, --hold not negative")
		return o, errUsage
	case o.db != "private" && o.db != "url" && o.db != "none":
		fmt.Fprintf(stderr, "bench: --db %q: want private, url or none\n", o.db)
		return o, errUsage
	}
	if o.hold == 0 {
		o.hold = time.Duration(float64(o.concurrent) / o.rate * float64(time.Second))
	}
	return o, nil
}

// runBench is callsvc bench: the stand-in Asterisk in this process
// (loopback only), the real ARI client and the engine with its record
// writer, driven by scripted callers at a bounded rate for a bounded time.
// It prints one table of figures and the goals they are held against.
func runBench(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	o, err := parseBenchFlags(args, stderr)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	policy, err := routing.NewAnswerPolicy(cfg.RingCadence, cfg.AnswerRing)
	if err != nil {
		return err
	}

	var rec routing.Recorder
	var dir routing.Directory
	var verify func(ctx context.Context, from time.Time, limit time.Duration) (violations, total int, err error)
	recordsLabel := "discarded (--db none): nothing is written"
	if o.db != "none" {
		c := cfg
		c.DataDir = "" // a throwaway cluster: the bench never fills a real call log
		if o.db == "private" {
			c.DatabaseURL = ""
			recordsLabel = "a private PostgreSQL, through the spooling writer"
		} else {
			if c.DatabaseURL == "" {
				return errors.New("bench --db url: DATABASE_URL is not set")
			}
			recordsLabel = "DATABASE_URL, through the spooling writer"
		}
		st, stop, err := openStore(ctx, c, log)
		if err != nil {
			return err
		}
		defer stop()
		rec, dir = st, st
		verify = func(ctx context.Context, from time.Time, limit time.Duration) (int, int, error) {
			return lateAnswers(ctx, st, from, limit)
		}
	}

	pbx := aritest.NewServer(aritest.Options{})
	defer pbx.Close()
	client, err := ari.Connect(ctx, ari.Config{Nodes: []ari.NodeConfig{{URL: pbx.URL(), WSURL: pbx.WSURL()}},
		Username: "callsvc", Password: "callsvc", Logger: &log})
	if err != nil {
		return fmt.Errorf("connect to the stand-in: %w", err)
	}
	defer client.Close()

	var sink routing.Sink = discardSink{}
	var writer *routing.Writer
	if rec != nil {
		spool, err := os.MkdirTemp("", "callsvc-bench-spool")
		if err != nil {
			return fmt.Errorf("spool dir: %w", err)
		}
		defer os.RemoveAll(spool)
		writer, err = routing.NewWriter(rec, routing.WriterOptions{SpoolDir: spool, Queue: 1 << 16, Log: zerologFunc(log)})
		if err != nil {
			return fmt.Errorf("record writer: %w", err)
		}
		wctx, stopWriter := context.WithCancel(context.WithoutCancel(ctx))
		wdone := make(chan struct{})
		go func() { defer close(wdone); _ = writer.Run(wctx) }()
		defer func() { stopWriter(); <-wdone }()
		sink = writer
	}
	records := &recordTap{next: sink, limit: policy.Limit(), late: map[string]bool{}}
	clock := &answerClock{started: map[routing.Leg]time.Time{}}

	cal, err := cfg.calendar()
	if err != nil {
		return err
	}
	open, closing, err := calendar.ParseHours(cfg.Hours)
	if err != nil {
		return fmt.Errorf("BUSINESS_HOURS: %w", err)
	}
	lang, err := prompt.ParseLang(cfg.Language)
	if err != nil {
		return err
	}
	eng, err := routing.NewEngine(routing.Config{
		Control:   timedControl{CallControl: arictl.New(client, arictl.Options{}), clock: clock},
		Sink:      records,
		Directory: dir,
		Router:    routing.Router{Hours: &calendar.Hours{Calendar: cal, Location: cfg.Location, Open: open, Close: closing}},
		Greeter:   routing.Greeter{Location: cfg.Location, Calendar: cal, TimeOfDay: true, Catalogue: prompt.Standard(cfg.CompanyName)},
		Answer:    policy,
		Language:  lang,
		Log:       zerologFunc(log),
	})
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	serveCtx, stopServe := context.WithCancel(ctx)
	wait := arictl.Start(serveCtx, client, inboundTap{eng: eng, clock: clock})
	defer func() { stopServe(); _ = wait(); eng.Close() }()

	base := heapNow()
	from := time.Now().UTC().Add(-time.Second)
	d := &driver{pbx: pbx, o: o, stopped: make(chan struct{}), release: make(chan struct{})}
	stopProfiles, err := startProfiles(o)
	if err != nil {
		return err
	}
	rtt := &samples{}
	pingCtx, stopPing := context.WithCancel(ctx)
	pingDone := make(chan struct{})
	go func() { defer close(pingDone); pingLoop(pingCtx, client, rtt) }()

	driveTime, err := d.drive(ctx)
	stopPing()
	<-pingDone
	if err != nil {
		close(d.release)
		return err
	}
	// The plateau: dialling has stopped and every caller dialled is in the
	// call (or failed). Callers whose hold ends meanwhile stay until the
	// heap has been measured, so the count below is the count measured.
	err = d.settle(ctx)
	if perr := stopProfiles(); err == nil {
		err = perr
	}
	if err != nil {
		close(d.release)
		return err
	}
	active := eng.Active()
	plateau := heapNow()
	close(d.release)
	d.wg.Wait()

	endCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := eng.Wait(endCtx); err != nil {
		return fmt.Errorf("calls did not end: %w", err)
	}
	late, total, source := records.counts()
	if writer != nil {
		if err := writer.Flush(endCtx); err != nil {
			return fmt.Errorf("store the records: %w", err)
		}
		if late, total, err = verify(endCtx, from, policy.Limit()); err != nil {
			return fmt.Errorf("read back the records: %w", err)
		}
		source = "stored records"
	}

	r := benchResult{
		o: o, policy: policy, recordsLabel: recordsLabel, driveTime: driveTime,
		dialled: d.dialled.Load(), up: d.up.Load(), failed: d.failed.Load(), peak: d.peak.Load(),
		answer: clock.answered.sorted(), rtt: rtt.sorted(),
		ringReq: clock.ringReq.sorted(), answerReq: clock.answerReq.sorted(),
		active: active, base: base, plateau: plateau,
		late: late, recorded: total, lateSource: source,
	}
	r.print(stdout)
	return nil
}

// inboundTap notes when each StasisStart reaches the engine, then hands
// the call on. It passes Resync through so reconnects behave as in serve.
type inboundTap struct {
	eng   *routing.Engine
	clock *answerClock
}

func (t inboundTap) Inbound(ctx context.Context, a routing.Arrival) {
	t.clock.start(a.Leg)
	t.eng.Inbound(ctx, a)
}

func (t inboundTap) Resync(node string, live []string) int { return t.eng.Resync(node, live) }

// timedControl is the engine's call control with the answer timed: from
// the StasisStart received to Asterisk's 204 for POST .../answer.
type timedControl struct {
	routing.CallControl
	clock *answerClock
}

func (t timedControl) Answer(ctx context.Context, leg routing.Leg) error {
	start := time.Now()
	err := t.CallControl.Answer(ctx, leg)
	if err == nil {
		t.clock.answerReq.add(time.Since(start))
		t.clock.answer(leg)
	}
	return err
}

// Ring is timed too: it is the other request between StasisStart and the
// answer.
func (t timedControl) Ring(ctx context.Context, leg routing.Leg) error {
	start := time.Now()
	err := t.CallControl.Ring(ctx, leg)
	if err == nil {
		t.clock.ringReq.add(time.Since(start))
	}
	return err
}

// answerClock pairs arrivals with answers.
type answerClock struct {
	mu       sync.Mutex
	started  map[routing.Leg]time.Time
	answered samples
	// The two requests inside that span, each on its own.
	ringReq, answerReq samples
}

func (c *answerClock) start(leg routing.Leg) {
	now := time.Now()
	c.mu.Lock()
	c.started[leg] = now
	c.mu.Unlock()
}

func (c *answerClock) answer(leg routing.Leg) {
	now := time.Now()
	c.mu.Lock()
	at, ok := c.started[leg]
	delete(c.started, leg)
	c.mu.Unlock()
	if ok {
		c.answered.add(now.Sub(at))
	}
}

// samples collects durations from many goroutines.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *samples) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

func (s *samples) sorted() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.d)
	slices.Sort(out)
	return out
}

// quantile of sorted samples (nearest rank); 0 when there are none.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// pingLoop times GET /asterisk/ping through the same client, beside the
// calls, until ctx ends.
func pingLoop(ctx context.Context, c *ari.Client, into *samples) {
	node := c.Nodes()[0]
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		if _, err := c.Ping(ctx, node); err == nil {
			into.add(time.Since(start))
		}
	}
}

// recordTap passes records on and watches each call summary for an answer
// later than S1 allows: rings_to_answer over 3 or answer_ms past the limit.
type recordTap struct {
	next  routing.Sink
	limit time.Duration

	mu       sync.Mutex
	answered int             // "answered" timeline events: one per call
	late     map[string]bool // call ids only, so the tap holds no per-call state
}

func (t *recordTap) Call(c record.Call) {
	if c.AnsweredAt != nil && isLate(c, t.limit) {
		t.mu.Lock()
		t.late[c.ID] = true
		t.mu.Unlock()
	}
	t.next.Call(c)
}

func (t *recordTap) Event(e record.Event) {
	if e.Type == "answered" {
		t.mu.Lock()
		t.answered++
		t.mu.Unlock()
	}
	t.next.Event(e)
}

func (t *recordTap) counts() (late, answered int, source string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.late), t.answered, "records as emitted"
}

func isLate(c record.Call, limit time.Duration) bool {
	return c.RingsToAnswer > routing.MaxRings || time.Duration(c.AnswerMS)*time.Millisecond > limit
}

// lateAnswers reads this run's answered calls back from the store.
func lateAnswers(ctx context.Context, st *postgres.Store, from time.Time, limit time.Duration) (late, answered int, err error) {
	err = st.EachCall(ctx, record.CallFilter{From: from}, func(c record.Call) error {
		if c.AnsweredAt == nil {
			return nil
		}
		answered++
		if isLate(c, limit) {
			late++
		}
		return nil
	})
	return late, answered, err
}

// discardSink is --db none: records are dropped, and the table says so.
type discardSink struct{}

func (discardSink) Call(record.Call)   {}
func (discardSink) Event(record.Event) {}

// driver plays the callers: at most o.rate dials per second for
// o.duration, at most o.concurrent in the call at once; each answered
// caller stays o.hold (hearing the greeting and the menu), then hangs up.
type driver struct {
	pbx     *aritest.Server
	o       benchOptions
	stopped chan struct{} // closed when dialling stops
	release chan struct{} // closed once the plateau has been measured
	wg      sync.WaitGroup

	dialled, up, failed, held, peak, pending atomic.Int64
}

// drive dials until o.duration has passed and returns the time it took.
func (d *driver) drive(ctx context.Context) (time.Duration, error) {
	defer close(d.stopped)
	slots := make(chan struct{}, d.o.concurrent)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	// Call k is due at k/rate; a late tick dials what it owes.
	total := int64(math.Ceil(d.o.duration.Seconds() * d.o.rate))
	var n int64
	for {
		elapsed := time.Since(start)
		if elapsed >= d.o.duration {
			return elapsed, nil
		}
		due := min(total, int64(elapsed.Seconds()*d.o.rate)+1)
		for ; n < due; n++ {
			// At the concurrency cap, wait for a caller to leave; the
			// shortfall shows in the rate achieved.
			select {
			case slots <- struct{}{}:
			case <-tick.C:
				if time.Since(start) >= d.o.duration {
					return time.Since(start), nil
				}
				n-- // try this caller again
				continue
			case <-ctx.Done():
				return time.Since(start), ctx.Err()
			}
			d.pending.Add(1)
			d.dialled.Add(1)
			i := n
			d.wg.Go(func() { defer func() { <-slots }(); d.caller(ctx, i) })
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		}
	}
}

// settle waits until no caller is still waiting to be answered.
func (d *driver) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for d.pending.Load() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d callers still unanswered: %w", d.pending.Load(), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

func (d *driver) caller(ctx context.Context, i int64) {
	c := d.pbx.Dial(ctx, aritest.CallerOptions{From: fmt.Sprintf("+8613%09d", i), Name: "Bench Caller", To: "100",
		Args: []string{"inbound"}})
	upCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err := c.WaitState(upCtx, "Up")
	cancel()
	d.pending.Add(-1)
	if err != nil {
		d.failed.Add(1)
		_ = c.Hangup(context.WithoutCancel(ctx))
		return
	}
	d.up.Add(1)
	h := d.held.Add(1)
	for p := d.peak.Load(); h > p && !d.peak.CompareAndSwap(p, h); p = d.peak.Load() {
	}
	hold := time.NewTimer(d.o.hold)
	select {
	case <-hold.C:
	case <-c.Done():
	case <-ctx.Done():
	}
	hold.Stop()
	select {
	case <-d.stopped:
		// Dialling is over: stay until the plateau has been measured.
		select {
		case <-d.release:
		case <-c.Done():
		case <-ctx.Done():
		}
	default:
	}
	d.held.Add(-1)
	_ = c.Hangup(context.WithoutCancel(ctx))
}

// startProfiles starts the profiles asked for; stop writes them.
func startProfiles(o benchOptions) (stop func() error, err error) {
	var cpu *os.File
	if o.cpuProfile != "" {
		if cpu, err = os.Create(o.cpuProfile); err != nil {
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		if err := pprof.StartCPUProfile(cpu); err != nil {
			cpu.Close()
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
	}
	if o.mutexProf != "" {
		// Process-wide, and only when asked: sampling every contention
		// event costs time.
		runtime.SetMutexProfileFraction(1)
	}
	return func() error {
		var errs []error
		if cpu != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpu.Close())
		}
		if o.mutexProf != "" {
			runtime.SetMutexProfileFraction(0)
			f, err := os.Create(o.mutexProf)
			if err == nil {
				err = pprof.Lookup("mutex").WriteTo(f, 0)
				errs = append(errs, f.Close())
			}
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("write profiles: %w", err)
		}
		return nil
	}, nil
}

// heapSnapshot is the heap after a collection, split by who allocated it.
type heapSnapshot struct {
	inuse, stack uint64
	// standIn and ours split the sampled in-use heap by allocation stack:
	// anything allocated with a frame of the aritest package on the stack
	// is the stand-in Asterisk's; the rest is callsvc's (client, engine,
	// writer, this driver) and the runtime's.
	standIn, ours float64
}

func heapNow() heapSnapshot {
	runtime.GC()
	runtime.GC() // the heap profile lags one cycle behind
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s := heapSnapshot{inuse: m.HeapInuse, stack: m.StackInuse}
	s.standIn, s.ours = heapByAllocator()
	return s
}

// heapByAllocator sums the in-use heap profile, scaled up from its samples
// the way pprof does, by whether the aritest package allocated it.
func heapByAllocator() (standIn, ours float64) {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	rate := float64(runtime.MemProfileRate)
	const standInPkg = "callsvc/ari/aritest."
	for _, r := range recs {
		bytes := float64(r.InUseBytes())
		if bytes <= 0 || r.AllocObjects == 0 {
			continue
		}
		if rate > 1 {
			avg := float64(r.AllocBytes) / float64(r.AllocObjects)
			bytes /= 1 - math.Exp(-avg/rate)
		}
		frames := runtime.CallersFrames(r.Stack())
		mine := true
		for {
			f, more := frames.Next()
			if strings.HasPrefix(f.Function, standInPkg) {
				mine = false
				break
			}
			if !more {
				break
			}
		}
		if mine {
			ours += bytes
		} else {
			standIn += bytes
		}
	}
	return standIn, ours
}

// benchResult is what one run measured.
type benchResult struct {
	o            benchOptions
	policy       routing.AnswerPolicy
	recordsLabel string
	driveTime    time.Duration

	dialled, up, failed, peak int64
	answer, rtt               []time.Duration // sorted
	ringReq, answerReq        []time.Duration // sorted

	active        int
	base, plateau heapSnapshot

	late, recorded int
	lateSource     string
}

func (r benchResult) print(w io.Writer) {
	fmt.Fprintf(w, "callsvc bench: stand-in Asterisk in this process (loopback), the real ARI client and the engine\n")
	fmt.Fprintf(w, "records: %s\n", r.recordsLabel)
	fmt.Fprintf(w, "offered: %.0f calls/s for %s, each answered caller held %s, at most %d at once; answer policy: ring %d, cadence %s (limit %s)\n\n",
		r.o.rate, r.o.duration, r.o.hold, r.o.concurrent, r.policy.Ring, r.policy.Cadence.Name, r.policy.Limit())

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue\tgoal\t")
	row := func(name, value, goal string, met bool) {
		verdict := ""
		if goal != "" {
			verdict = "met"
			if !met {
				verdict = "MISSED"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", name, value, goal, verdict)
	}
	// Calls are due at k/rate for k < rate*duration, so the offered
	// window is the duration asked for; the answers it produced count.
	setups := float64(r.up) / r.o.duration.Seconds()
	row("calls dialled / answered / failed", fmt.Sprintf("%d / %d / %d", r.dialled, r.up, r.failed), "", true)
	row("setups/s achieved", fmt.Sprintf("%.1f", setups), fmt.Sprintf(">= %d", goalSetupsPerSecond), setups >= goalSetupsPerSecond && r.failed == 0)
	a50, a90, a99 := quantile(r.answer, .5), quantile(r.answer, .9), quantile(r.answer, .99)
	row("answer latency p50 / p90 / p99", fmt.Sprintf("%s / %s / %s (n=%d)", ms(a50), ms(a90), ms(a99), len(r.answer)), "", true)
	row("  ring request p50 / p99", fmt.Sprintf("%s / %s", ms(quantile(r.ringReq, .5)), ms(quantile(r.ringReq, .99))), "", true)
	row("  answer request p50 / p99", fmt.Sprintf("%s / %s", ms(quantile(r.answerReq, .5)), ms(quantile(r.answerReq, .99))), "", true)
	p50, p99 := quantile(r.rtt, .5), quantile(r.rtt, .99)
	row("ARI round trip p50 / p99 (GET /asterisk/ping)", fmt.Sprintf("%s / %s (n=%d)", ms(p50), ms(p99), len(r.rtt)), "", true)
	// Both percentiles are taken in the same run, so a loaded machine
	// weighs on both; the p50 comparison is the stricter reading.
	row("answer p99 minus round trip p99", ms(a99-p99), "<= "+ms(goalLatencyOverRTT), len(r.answer) > 0 && len(r.rtt) > 0 && a99-p99 <= goalLatencyOverRTT)
	row("answer p99 minus round trip p50", ms(a99-p50), "<= "+ms(goalLatencyOverRTT), len(r.answer) > 0 && len(r.rtt) > 0 && a99-p50 <= goalLatencyOverRTT)
	row("peak concurrent calls held", fmt.Sprint(r.peak), fmt.Sprintf(">= %d", goalConcurrent), r.peak >= goalConcurrent)

	perCall, standIn, ours := r.perCall()
	row("active calls at the plateau", fmt.Sprint(r.active), "", true)
	row("heap per active call (all, HeapInuse delta)", kib(perCall), "", true)
	row("  of which the stand-in Asterisk", kib(standIn), "", true)
	row("  of which callsvc (client, engine, writer)", kib(ours), fmt.Sprintf("<= %s", kib(goalHeapPerCall)), r.active > 0 && ours <= goalHeapPerCall)
	row("goroutine stacks per active call", kib(float64(int64(r.plateau.stack)-int64(r.base.stack))/float64(max(r.active, 1))), "", true)
	row("calls answered after ring 3", fmt.Sprintf("%d (of %d answered, from the %s)", r.late, r.recorded, r.lateSource), "0", r.late == 0 && r.recorded > 0)
	tw.Flush()
	fmt.Fprintf(w, "\nanswer latency: the StasisStart handed to the engine -> the 204 of its POST /channels/{id}/answer (the ring request comes first).\n")
	fmt.Fprintf(w, "heap: HeapInuse after GC at the plateau minus before dialling, per active call; split by allocation stack from the heap profile (sampled, so approximate).\n")
}

// perCall is the heap growth per active call, and its split: the profile's
// shares applied to the HeapInuse growth.
func (r benchResult) perCall() (all, standIn, ours float64) {
	if r.active == 0 {
		return 0, 0, 0
	}
	all = (float64(r.plateau.inuse) - float64(r.base.inuse)) / float64(r.active)
	ds, do := r.plateau.standIn-r.base.standIn, r.plateau.ours-r.base.ours
	if ds+do <= 0 {
		return all, 0, all
	}
	share := max(0, min(1, ds/(ds+do)))
	return all, all * share, all * (1 - share)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }
