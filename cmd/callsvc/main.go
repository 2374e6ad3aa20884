// Command callsvc runs a company's customer-service phone line on Asterisk:
// the call engine (an ARI application), the call records in PostgreSQL and
// the HTTP API supervisors read them through.
//
// Usage:
//
//	callsvc demo                  stand-in PBX, private database, scripted callers
//	callsvc serve                 the engine against ARI_URL, plus the API
//	callsvc migrate               apply the embedded database migrations
//	callsvc token create --role supervisor --name NAME
//	callsvc token list
//	callsvc token revoke ID
//	callsvc prompts build --out DIR
//	callsvc dialplan render --out DIR
//	callsvc doctor
//
// Configuration is read from the environment; see the README. The load
// bench is its own command, cmd/callsvc-bench.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// The time zone database inside the binary: TIMEZONE, report time zones
	// and staff working hours work on machines without zoneinfo files.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "callsvc:", err)
		}
		os.Exit(exitCode(err))
	}
}

var errUsage = errors.New("usage")

const usage = `callsvc: a customer-service phone line on Asterisk

Commands:
  demo                       run everything locally: stand-in Asterisk, private PostgreSQL,
                             the engine, the API and a few scripted callers
  serve                      run the engine against the Asterisk in ARI_URL, plus the API
  migrate                    apply the database migrations and exit
  token create --role ROLE --name NAME [--staff ID]
                             create an API token and print it once
  token list                 list the API tokens (never their secrets)
  token revoke ID            revoke an API token
  prompts build --out DIR    render the prompt catalogue to 8 kHz wav files
  dialplan render --out DIR  write the Asterisk configuration from the staff directory
  doctor                     check ARI, the application, sounds, database and phones

Configuration comes from the environment (see README.md).
`

// run is the whole program, testable: tests call it with their own
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, cfg, rest, stdout, stderr)
	case "demo":
		return runDemo(ctx, cfg, rest, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, cfg, rest, stdout, stderr)
	case "token":
		return runToken(ctx, cfg, rest, stdout, stderr)
	case "prompts":
		return runPrompts(ctx, cfg, rest, stdout, stderr)
	case "dialplan":
		return runDialplan(ctx, cfg, getenv, rest, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, cfg, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "callsvc: unknown command %q\n\n%s", cmd, usage)
		return errUsage
	}
}

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}
