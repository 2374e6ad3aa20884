package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"

	"callsvc/api"
	"callsvc/api/record"
)

// runDemo runs everything on this machine with nothing configured: a
// throwaway PostgreSQL, the API, a supervisor token, and (with the engine)
// the stand-in Asterisk and a few scripted callers.
func runDemo(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("http", cfg.HTTPAddr, "HTTP listen address")
	keep := fs.Bool("keep-data", false, "keep the database under CALLSVC_DATA_DIR instead of a throwaway one")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if !*keep && cfg.DatabaseURL == "" {
		cfg.DataDir = "" // a temporary cluster, removed on exit
	}
	log := newLogger(cfg, stderr)
	st, stop, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()

	secret, _, err := api.CreateToken(ctx, st, "demo supervisor", record.RoleSupervisor, "")
	if err != nil {
		return fmt.Errorf("demo token: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "callsvc demo: API at %s\n", base)
	fmt.Fprintf(stdout, "supervisor token: %s\n\n", secret)
	fmt.Fprintf(stdout, "  curl -s -H 'Authorization: Bearer %s' %s/v1/calls\n", secret, base)
	fmt.Fprintf(stdout, "  curl -s -H 'Authorization: Bearer %s' '%s/v1/reports/summary?by=day'\n", secret, base)
	fmt.Fprintf(stdout, "\nPress Ctrl-C to stop.\n")
	return serveAPI(ctx, cfg, st, ln, log)
}
