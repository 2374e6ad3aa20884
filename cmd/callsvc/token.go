package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"callsvc/api"
	"callsvc/api/record"
)

// runToken handles `callsvc token create`: the secret is printed once and
// only its hash is stored.
func runToken(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: callsvc token create --role service|agent|supervisor --name NAME [--staff ID]")
		return errUsage
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "service, agent or supervisor")
	name := fs.String("name", "", "who or what the token is for")
	staff := fs.String("staff", "", "staff id (required for agent tokens)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	switch *role {
	case record.RoleService, record.RoleSupervisor:
	case record.RoleAgent:
		if *staff == "" {
			return fmt.Errorf("token create: an agent token needs --staff ID")
		}
	default:
		return fmt.Errorf("token create: --role must be service, agent or supervisor, not %q", *role)
	}
	if *name == "" {
		return fmt.Errorf("token create: --name is required")
	}
	log := newLogger(cfg, stderr)
	st, stop, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	secret, tok, err := api.CreateToken(ctx, st, *name, *role, *staff)
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	fmt.Fprintf(stderr, "created %s token %s for %q; it is shown once:\n", tok.Role, tok.ID, tok.Name)
	fmt.Fprintln(stdout, secret)
	return nil
}
