package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"callsvc/api/console"
	"callsvc/api/notify"
	"callsvc/api/postgres"
	"callsvc/api/record"
	"callsvc/ari"
	"callsvc/routing"
	"callsvc/routing/arictl"
	"callsvc/routing/calendar"
	"callsvc/routing/notifyctl"
	"callsvc/routing/prompt"
	"callsvc/routing/spool"
)

// engine is the call engine with its record writer, running.
type engine struct {
	*routing.Engine
	writer *spool.Writer
	// board follows the calls in progress from the engine's record stream,
	// for the console's wallboard; control fetches the callers' recordings
	// it plays.
	board   *console.Board
	control *arictl.Control
	stop    func() // stops taking calls, ends live calls politely, drains the writer
}

// teeSink hands every record to the writer (the store) and to the board.
type teeSink struct {
	w     *spool.Writer
	board *console.Board
}

func (t teeSink) Call(c record.Call) {
	t.w.Call(c)
	t.board.Call(c)
}

func (t teeSink) Event(e record.Event) {
	t.w.Event(e)
	t.board.Event(e)
}

// engineConns is the size of the engine's own connection pool: its
// directory reads, reservations and presence, and its three writers.
const engineConns = 8

// startEngine wires the engine to ARI and the store and starts taking calls.
// The engine reads and writes through a pool of its own (a sibling of
// api's): API traffic, however heavy or slow its clients, cannot take the
// connections a caller is routed with.
func startEngine(ctx context.Context, cfg config, client *ari.Client, apiStore *postgres.Store, log zerolog.Logger) (*engine, error) {
	logf := zerologFunc(log)
	if err := os.MkdirAll(cfg.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("spool dir: %w", err)
	}
	st, err := apiStore.Sibling(ctx, engineConns)
	if err != nil {
		return nil, fmt.Errorf("engine database pool: %w", err)
	}
	started := false
	defer func() {
		if !started {
			st.Close()
		}
	}()
	w, err := spool.NewWriter(st, spool.WriterOptions{Dir: cfg.SpoolDir, Log: logf})
	if err != nil {
		return nil, fmt.Errorf("record writer: %w", err)
	}
	flow, err := newCallFlow(cfg)
	if err != nil {
		return nil, err
	}
	ctl := arictl.New(client, arictl.Options{})
	board := console.NewBoard()
	// Screen pops (S11: the context on the person's screen as the phone
	// rings) are stored off the call's path, like the record.
	screens := routing.NewScreenWriter(st, 0, logf)
	// A person is told of messages and urgent callers on their screen, and
	// by webhook when one is configured.
	var people routing.PersonNotifier
	if cfg.WebhookURL != "" {
		wh, err := notify.NewWebhook(notify.Config{URL: cfg.WebhookURL, Secret: cfg.WebhookSecret})
		if err != nil {
			return nil, fmt.Errorf("WEBHOOK_URL: %w", err)
		}
		people = notifyctl.New(wh)
	}
	// Messages are spooled before anything else, then stored with their
	// audio fetched from Asterisk: none is lost to an outage or a restart.
	msgs, err := spool.NewMessageWriter(st, spool.MessageWriterOptions{
		Dir: filepath.Join(cfg.SpoolDir, "messages"), Fetcher: ctl, Notifier: people, Log: logf,
	})
	if err != nil {
		return nil, fmt.Errorf("message writer: %w", err)
	}
	eng, err := routing.NewEngine(routing.Config{
		Control:   ctl,
		Sink:      teeSink{w, board},
		Directory: st,
		Reserver:  st, // a person is rung for one call at a time, across instances
		Screen:    screens,
		Notifier:  &supervisorScreens{staff: st, screens: screens, log: log, now: time.Now},
		Router:    flow.router,
		Greeter:   flow.greeter,
		Answer:    flow.answer,
		Language:  flow.lang,
		Log:       logf,
		Away: routing.AwayConfig{
			Presence: st, Phones: ctl, Messages: msgs, Notifier: people,
			Location: cfg.Location, UrgentTimeout: cfg.UrgentTimeout,
		},
	})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}

	// The writers outlive the calls: they stop only after the engine has
	// closed them and their last records are queued.
	bgCtx, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var bg sync.WaitGroup
	background := func(name string, run func(context.Context) error) {
		bg.Add(1)
		go func() {
			defer bg.Done()
			if err := run(bgCtx); err != nil && bgCtx.Err() == nil {
				log.Error().Err(err).Msg(name + " stopped")
			}
		}()
	}
	background("record writer", w.Run)
	background("message writer", func(ctx context.Context) error { msgs.Run(ctx); return nil })
	background("screen-pop writer", func(ctx context.Context) error { screens.Run(ctx); return nil })

	serveCtx, stopServe := context.WithCancel(ctx)
	wait := arictl.Start(serveCtx, client, eng)
	e := &engine{Engine: eng, writer: w, board: board, control: ctl}
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
		if err := msgs.Flush(flushCtx); err != nil {
			log.Warn().Err(err).Msg("messages left in the spool; they are stored at next start")
		}
		cancel()
		stopBackground()
		bg.Wait()
		st.Close()
	}
	started = true
	return e, nil
}

// callFlow is what the settings say about how a call goes: opening hours,
// the greeting, the language and when to answer. serve and demo run the
// same flow.
type callFlow struct {
	router  routing.Router
	greeter routing.Greeter
	lang    prompt.Lang
	answer  routing.AnswerPolicy
}

func newCallFlow(cfg config) (callFlow, error) {
	policy, err := routing.NewAnswerPolicy(cfg.RingCadence, cfg.AnswerRing)
	if err != nil {
		return callFlow{}, err
	}
	cal, err := cfg.calendar()
	if err != nil {
		return callFlow{}, err
	}
	open, closing, err := calendar.ParseHours(cfg.Hours)
	if err != nil {
		return callFlow{}, fmt.Errorf("BUSINESS_HOURS: %w", err)
	}
	lang, err := prompt.ParseLang(cfg.Language)
	if err != nil {
		return callFlow{}, err
	}
	router := routing.Router{
		Hours: &calendar.Hours{Calendar: cal, Location: cfg.Location, Open: open, Close: closing},
	}
	if cfg.alwaysOpen {
		router.Hours = nil // the zero Router is always open
	}
	return callFlow{
		router:  router,
		greeter: routing.Greeter{Location: cfg.Location, Calendar: cal, TimeOfDay: true, Catalogue: prompt.Standard(cfg.CompanyName)},
		lang:    lang,
		answer:  policy,
	}, nil
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
