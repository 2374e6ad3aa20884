package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"callsvc/api"
	"callsvc/api/console"
	"callsvc/ari"
)

// runServe runs the API (and, with the engine wired, the call engine)
// until ctx ends.
func runServe(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", cfg.HTTPAddr, "HTTP listen address (HTTP_ADDR)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	cfg.HTTPAddr = *addr
	log := newLogger(cfg, stderr)
	logConfig(log, cfg)

	st, stop, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()

	client, err := connectARI(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("connect to Asterisk (check ARI_URL and the ARI credentials): %w", err)
	}
	defer client.Close()
	eng, err := startEngine(ctx, cfg, client, st, log)
	if err != nil {
		return err
	}
	defer eng.stop()
	log.Info().Strs("nodes", client.Nodes()).Msg("taking calls")

	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	return serveAPI(ctx, cfg, st, eng, ln, log)
}

// connectARI connects to the Asterisk nodes the settings name.
func connectARI(ctx context.Context, cfg config, log zerolog.Logger) (*ari.Client, error) {
	ariCfg, err := ari.FromEnv(getenvFrom(cfg))
	if err != nil {
		return nil, err
	}
	ariCfg.Logger = &log
	return ari.Connect(ctx, ariCfg)
}

// getenvFrom gives the ARI client the ARI settings as configured.
func getenvFrom(cfg config) func(string) string {
	return func(name string) string {
		switch name {
		case "ARI_URL":
			return cfg.ARIURL
		case "ARI_WSURL":
			return cfg.ARIWSURL
		case "ARI_USERNAME":
			return cfg.ARIUsername
		case "ARI_PASSWORD":
			return cfg.ARIPassword
		case "ARI_APPLICATION":
			return cfg.ARIApplication
		}
		return ""
	}
}

func logConfig(log zerolog.Logger, cfg config) {
	ev := log.Info()
	for k, v := range cfg.masked() {
		ev = ev.Str(k, v)
	}
	ev.Msg("configuration")
}

// serveAPI serves the HTTP API and the console on ln until ctx ends, then
// drains them. eng is the engine in this process (agent transfers and
// notes on live calls, the calls now on the wallboard, the callers'
// recordings); nil when none runs here.
func serveAPI(ctx context.Context, cfg config, st api.Store, eng *engine, ln net.Listener, log zerolog.Logger) error {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	acfg := api.Config{Store: st, Logger: log, Registry: reg, WriteTimeout: cfg.HTTPWriteTimeout}
	ccfg := console.Config{Store: st, Logger: log, Location: cfg.Location}
	if eng != nil {
		acfg.Live = eng.Engine
		ccfg.Live, ccfg.Recordings = eng.board, eng.control
	}
	h, err := api.NewHandler(acfg)
	if err != nil {
		return fmt.Errorf("api: %w", err)
	}
	ccfg.API = h
	con, err := console.New(ccfg)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	h.Mount("/console", con)
	srv := h.NewServer() // header, body, idle and per-route write deadlines
	srv.Handler = withConsoleHome(h)
	log.Info().Str("addr", "http://"+ln.Addr().String()).Str("console", "http://"+ln.Addr().String()+"/console/").Msg("API listening")
	return api.Serve(ctx, srv, ln, 30*time.Second)
}

// withConsoleHome sends a browser at / to the console.
func withConsoleHome(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && r.Method == http.MethodGet {
			http.Redirect(w, r, "/console/", http.StatusFound)
			return
		}
		h.ServeHTTP(w, r)
	})
}
