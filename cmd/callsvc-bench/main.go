// Command callsvc-bench is callsvc's load bench: the stand-in Asterisk
// (ari/aritest) in this process on loopback, the real ARI client and the
// call engine with its record writer, driven by scripted callers at a
// bounded rate for a bounded time. It prints one table of figures — call
// setups per second, answer latency beside the ARI round trip measured in
// the same run, calls held at once, heap per call, calls answered after
// ring 3 (S1) — and how busy the machine was meanwhile.
//
// Usage:
//
//	callsvc-bench [--rate 500/s] [--duration 10s] [--concurrent 2000] [--hold D]
//	              [--db private|url|none] [--answer-ring 1] [--cadence cn|na]
//	              [--cpuprofile FILE] [--mutexprofile FILE]
//
// Records go to a throwaway PostgreSQL by default; --db url writes them to
// DATABASE_URL. Warnings and errors are logged as JSON lines on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// The greeting's time zone inside the binary, for machines without
	// zoneinfo files.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "callsvc-bench:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run is the whole program, testable: tests call it with their own
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the flags have been listed
	}
	if err != nil {
		return err
	}
	return bench(ctx, o, getenv, stdout, stderr)
}
