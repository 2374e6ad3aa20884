package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"

	"callsvc/api/postgres"
	"callsvc/ari"
	"callsvc/ari/aritest"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"
	"callsvc/routing/spool"
)

// bench runs the stand-in Asterisk, the real ARI client and the engine
// with its record writer, dials the callers, and prints the figures.
func bench(ctx context.Context, o options, getenv func(string) string, stdout, stderr io.Writer) error {
	log := zerolog.New(stderr).Level(zerolog.WarnLevel).With().Timestamp().Logger()
	logf := logFunc(log)
	recs, err := openRecords(ctx, o.db, getenv, log)
	if err != nil {
		return err
	}
	defer recs.close()

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
	if recs.store != nil {
		w, stop, err := startWriter(ctx, recs.store, logf)
		if err != nil {
			return err
		}
		defer stop()
		writer, sink = w, w
	}
	records := &recordTap{next: sink, limit: o.policy.Limit(), late: map[string]bool{}}
	clock := &answerClock{started: map[routing.Leg]time.Time{}}
	eng, err := newEngine(o.policy, timedControl{CallControl: arictl.New(client, arictl.Options{}), clock: clock}, records, recs.store, logf)
	if err != nil {
		return err
	}
	serveCtx, stopServe := context.WithCancel(ctx)
	wait := arictl.Start(serveCtx, client, inboundTap{eng: eng, clock: clock})
	defer func() { stopServe(); _ = wait(); eng.Close() }()

	r, err := measure(ctx, o, pbx, client, eng, clock)
	if err != nil {
		return err
	}
	endCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := eng.Wait(endCtx); err != nil {
		return fmt.Errorf("calls did not end: %w", err)
	}
	r.late, r.recorded, r.lateSource = records.counts()
	if writer != nil {
		if err := writer.Flush(endCtx); err != nil {
			return fmt.Errorf("store the records: %w", err)
		}
		if r.late, r.recorded, err = lateAnswers(endCtx, recs.store, r.from, o.policy.Limit()); err != nil {
			return fmt.Errorf("read back the records: %w", err)
		}
		r.lateSource = "stored records"
	}
	r.recordsLabel = recs.label
	r.print(stdout)
	return nil
}

// records is where the engine's records go, and how the table names it.
type records struct {
	store *postgres.Store // nil with --db none
	label string
	close func()
}

// openRecords opens the store --db names: a throwaway private cluster (the
// bench never fills a real call log by default), DATABASE_URL, or none.
func openRecords(ctx context.Context, db string, getenv func(string) string, log zerolog.Logger) (records, error) {
	switch db {
	case "none":
		return records{label: "discarded (--db none): nothing is written", close: func() {}}, nil
	case "url":
		url := getenv("DATABASE_URL")
		if url == "" {
			return records{}, errors.New("--db url: DATABASE_URL is not set")
		}
		st, err := postgres.Open(ctx, url, postgres.Options{Migrate: true})
		if err != nil {
			return records{}, fmt.Errorf("open database: %w", err)
		}
		return records{store: st, label: "DATABASE_URL, through the spooling writer", close: st.Close}, nil
	}
	logf := func(format string, args ...any) { log.Info().Msgf(format, args...) }
	st, stop, err := postgres.OpenPrivate(ctx, "", logf)
	if err != nil {
		return records{}, err
	}
	return records{store: st, label: "a private PostgreSQL, through the spooling writer", close: stop}, nil
}

// startWriter runs the record writer on a temporary spool until stop.
func startWriter(ctx context.Context, st *postgres.Store, logf routing.LogFunc) (w *spool.Writer, stop func(), err error) {
	dir, err := os.MkdirTemp("", "callsvc-bench-spool")
	if err != nil {
		return nil, nil, fmt.Errorf("spool dir: %w", err)
	}
	w, err = spool.NewWriter(st, spool.WriterOptions{Dir: dir, Queue: 1 << 16, Log: logf})
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("record writer: %w", err)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(wctx) }()
	return w, func() { cancel(); <-done; os.RemoveAll(dir) }, nil
}

// newEngine is the engine as callsvc serve runs it by default (the greeting
// in Mandarin, China's calendar, Shanghai time), with the desk open around
// the clock so every run takes the same path whatever the hour.
func newEngine(policy routing.AnswerPolicy, ctl routing.CallControl, sink routing.Sink, st *postgres.Store, logf routing.LogFunc) (*routing.Engine, error) {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, fmt.Errorf("time zone: %w", err)
	}
	cfg := routing.Config{
		Control:  ctl,
		Sink:     sink,
		Greeter:  routing.Greeter{Location: loc, Calendar: calendar.China(), TimeOfDay: true, Catalogue: prompt.Standard("callsvc")},
		Answer:   policy,
		Language: prompt.ZH,
		Log:      logf,
	}
	if st != nil {
		cfg.Directory = st
	}
	eng, err := routing.NewEngine(cfg)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	return eng, nil
}

// measure dials the callers and takes the figures of the run, up to the
// plateau (every caller dialled in the call, the heap measured); the
// callers are then let go.
func measure(ctx context.Context, o options, pbx *aritest.Server, client *ari.Client, eng *routing.Engine, clock *answerClock) (benchResult, error) {
	base := heapNow()
	loadBefore, schedBefore := loadAverage(), schedLatencies()
	from := time.Now().UTC().Add(-time.Second)
	d := &driver{pbx: pbx, o: o, stopped: make(chan struct{}), release: make(chan struct{})}
	defer func() {
		close(d.release)
		d.wg.Wait()
	}()
	stopProfiles, err := startProfiles(o)
	if err != nil {
		return benchResult{}, err
	}
	rtt := &samples{}
	pingCtx, stopPing := context.WithCancel(ctx)
	pingDone := make(chan struct{})
	go func() { defer close(pingDone); pingLoop(pingCtx, client, rtt) }()

	driveStart, err := d.drive(ctx)
	stopPing()
	<-pingDone
	loadAfter, sched := loadAverage(), schedLatencies().since(schedBefore)
	if err == nil {
		// The plateau: dialling has stopped and every caller dialled is in
		// the call (or failed). Callers whose hold ends meanwhile stay until
		// the heap has been measured, so the count below is the count
		// measured.
		err = d.settle(ctx)
	}
	if perr := stopProfiles(); err == nil {
		err = perr
	}
	if err != nil {
		return benchResult{}, err
	}
	active, plateau := eng.Active(), heapNow()
	return benchResult{
		o: o, from: from, setupSpan: clock.lastAnswer().Sub(driveStart),
		dialled: d.dialled.Load(), up: d.up.Load(), failed: d.failed.Load(), peak: d.peak.Load(),
		answer: clock.answered.sorted(), rtt: rtt.sorted(),
		ringReq: clock.ringReq.sorted(), answerReq: clock.answerReq.sorted(),
		active: active, base: base, plateau: plateau,
		load: [2]float64{loadBefore, loadAfter}, sched: sched,
	}, nil
}

// logFunc adapts the engine's log function to zerolog.
func logFunc(log zerolog.Logger) routing.LogFunc {
	return func(level, msg string, fields map[string]any) {
		lvl, err := zerolog.ParseLevel(level)
		if err != nil || lvl == zerolog.NoLevel {
			lvl = zerolog.InfoLevel
		}
		log.WithLevel(lvl).Fields(fields).Msg(msg)
	}
}
