package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"

	"callsvc/routing/prompt"
)

// runPrompts handles `callsvc prompts build --out DIR`.
func runPrompts(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "build" {
		fmt.Fprintln(stderr, "usage: callsvc prompts build --out DIR [--lang zh,en]")
		return errUsage
	}
	fs := flag.NewFlagSet("prompts build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "sounds", "directory to write <lang>/<key>.wav into (put it under Asterisk's sounds as callsvc/)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	log := newLogger(cfg, stderr)
	rep, err := prompt.Build(ctx, *out, prompt.Standard(cfg.CompanyName), prompt.BuildOptions{
		Logf: func(format string, a ...any) { log.Debug().Msgf(format, a...) },
	})
	if err != nil {
		return fmt.Errorf("prompts build: %w", err)
	}
	fmt.Fprintf(stdout, "built %d sound files in %s\n", len(rep.Built), *out)
	for _, m := range rep.Missing {
		fmt.Fprintf(stdout, "missing text: %s\n", m)
	}
	failed := make([]string, 0, len(rep.Failed))
	for k := range rep.Failed {
		failed = append(failed, k)
	}
	sort.Strings(failed)
	for _, k := range failed {
		fmt.Fprintf(stdout, "failed: %s: %s\n", k, rep.Failed[k])
	}
	if len(failed) > 0 {
		return fmt.Errorf("prompts build: %d files failed", len(failed))
	}
	return nil
}
