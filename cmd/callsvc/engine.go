package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rs/zerolog"

	"callsvc/api/postgres"
	"callsvc/ari"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/calendar"
	"callsvc/routing/prompt"
)

// engine is the call engine with its record writer, running.
type engine struct {
	*routing.Engine
	writer *routing.Writer
	stop   func() // stops taking calls, ends live calls politely, drains the writer
}

// startEngine wires the engine to ARI and the store and starts taking calls.
func startEngine(ctx context.Context, cfg config, client *ari.Client, st *postgres.Store, log zerolog.Logger) (*engine, error) {
	logf := zerologFunc(log)
	if err := os.MkdirAll(cfg.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("spool dir: %w", err)
	}
	w, err := routing.NewWriter(st, routing.WriterOptions{SpoolDir: cfg.SpoolDir, Log: logf})
	if err != nil {
		return nil, fmt.Errorf("record writer: %w", err)
	}
	policy, err := routing.NewAnswerPolicy(cfg.RingCadence, cfg.AnswerRing)
	if err != nil {
		return nil, err
	}
	cal, err := cfg.calendar()
	if err != nil {
		return nil, err
	}
	open, closing, err := calendar.ParseHours(cfg.Hours)
	if err != nil {
		return nil, fmt.Errorf("BUSINESS_HOURS: %w", err)
	}
	lang, err := prompt.ParseLang(cfg.Language)
	if err != nil {
		return nil, err
	}
	router := routing.Router{
		Hours: &calendar.Hours{Calendar: cal, Location: cfg.Location, Open: open, Close: closing},
	}
	if cfg.alwaysOpen {
		router.Hours = nil // the zero Router is always open
	}
	// Screen pops (S11: the context on the person's screen as the phone
	// rings) are stored off the call's path, like the record.
	screens := routing.NewScreenWriter(st, 0, logf)
	eng, err := routing.NewEngine(routing.Config{
		Control:   arictl.New(client, arictl.Options{}),
		Sink:      w,
		Directory: st,
		Reserver:  st, // a person is rung for one call at a time, across instances
		Screen:    screens,
		Notifier:  &supervisorScreens{staff: st, screens: screens, log: log, now: time.Now},
		Router:    router,
		Greeter:   routing.Greeter{Location: cfg.Location, Calendar: cal, TimeOfDay: true, Catalogue: prompt.Standard(cfg.CompanyName)},
		Answer:    policy,
		Language:  lang,
		Log:       logf,
	})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}

	// The writer outlives the calls: it stops only after the engine has
	// closed them and their last records are queued.
	writerCtx, stopWriter := context.WithCancel(context.WithoutCancel(ctx))
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		if err := w.Run(writerCtx); err != nil && writerCtx.Err() == nil {
			log.Error().Err(err).Msg("record writer stopped")
		}
	}()
	screensDone := make(chan struct{})
	go func() {
		defer close(screensDone)
		screens.Run(writerCtx)
	}()
	serveCtx, stopServe := context.WithCancel(ctx)
	wait := arictl.Start(serveCtx, client, eng)
	e := &engine{Engine: eng, writer: w}
	e.stop = func() {
		stopServe()
		if err := wait(); err != nil {
			log.Warn().Err(err).Msg("ARI event loop ended")
		}
		eng.Close()
		flushCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfgFlushTimeout)
		if err := w.Flush(flushCtx); err != nil {
			log.Warn().Err(err).Msg("records left in the spool; they are replayed at next start")
		}
		cancel()
		stopWriter()
		<-writerDone
		<-screensDone
	}
	return e, nil
}

// cfgFlushTimeout bounds storing the last records at shutdown.
const cfgFlushTimeout = 10 * time.Second

// zerologFunc adapts the engine's log function to zerolog, keeping the
// call_id and channel_id fields on every line about a call.
func zerologFunc(log zerolog.Logger) routing.LogFunc {
	return func(level, msg string, fields map[string]any) {
		lvl, err := zerolog.ParseLevel(level)
		if err != nil || lvl == zerolog.NoLevel {
			lvl = zerolog.InfoLevel
		}
		log.WithLevel(lvl).Fields(fields).Msg(msg)
	}
}
