package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/spool"
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
	concurrent int           // callers to hold at once (the cap adds 100 ms of dialling)
	hold       time.Duration // how long an answered caller stays (in the greeting and menu)
	db         string        // private, url or none
	cpuProfile string        // write a CPU profile of the run here
	mutexProf  string        // write a mutex contention profile here
}

// Bounds of --rate and --concurrent.
const (
	minRate, maxRate = 0.001, 1e6
	maxConcurrent    = 1_000_000
)

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
	// The bounds keep the default hold (concurrent/rate) and the call
	// count (rate*duration) finite; NaN fails both comparisons.
	if err != nil || !(v >= minRate && v <= maxRate) {
		return fmt.Errorf("rate %q: want calls per second between %g and %g, e.g. 500/s", s, minRate, maxRate)
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
	fs.IntVar(&o.concurrent, "concurrent", goalConcurrent, "callers to hold in the call at once; callers in flight are capped at this plus 100 ms worth of dialling")
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
	case o.duration <= 0 || o.concurrent <= 0 || o.concurrent > maxConcurrent || o.hold < 0:
		fmt.Fprintf(stderr, "bench: --duration must be positive, --concurrent 1..%d, --hold not negative\n", maxConcurrent)
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
	flow, err := newCallFlow(cfg)
	if err != nil {
		return err
	}
	policy := flow.answer

	var rec spool.Recorder
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
	var writer *spool.Writer
	if rec != nil {
		spoolDir, err := os.MkdirTemp("", "callsvc-bench-spool")
		if err != nil {
			return fmt.Errorf("spool dir: %w", err)
		}
		defer os.RemoveAll(spoolDir)
		writer, err = spool.NewWriter(rec, spool.WriterOptions{Dir: spoolDir, Queue: 1 << 16, Log: zerologFunc(log)})
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

	eng, err := routing.NewEngine(routing.Config{
		Control:   timedControl{CallControl: arictl.New(client, arictl.Options{}), clock: clock},
		Sink:      records,
		Directory: dir,
		Router:    flow.router,
		Greeter:   flow.greeter,
		Answer:    flow.answer,
		Language:  flow.lang,
		Log:       zerologFunc(log),
	})
	if err != nil {
		return fmt.Errorf("engine: %w", err)
	}
	serveCtx, stopServe := context.WithCancel(ctx)
	wait := arictl.Start(serveCtx, client, inboundTap{eng: eng, clock: clock})
	defer func() { stopServe(); _ = wait(); eng.Close() }()

	base := heapNow()
	loadBefore, schedBefore := loadAverage(), schedLatencies()
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

	driveStart, err := d.drive(ctx)
	stopPing()
	<-pingDone
	loadAfter, sched := loadAverage(), schedLatencies().since(schedBefore)
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
		o: o, policy: policy, recordsLabel: recordsLabel, setupSpan: clock.lastAnswer().Sub(driveStart),
		dialled: d.dialled.Load(), up: d.up.Load(), failed: d.failed.Load(), peak: d.peak.Load(),
		answer: clock.answered.sorted(), rtt: rtt.sorted(),
		ringReq: clock.ringReq.sorted(), answerReq: clock.answerReq.sorted(),
		active: active, base: base, plateau: plateau,
		late: late, recorded: total, lateSource: source,
		load: [2]float64{loadBefore, loadAfter}, sched: sched,
	}
	r.print(stdout)
	return nil
}
