package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"callsvc/api"
	"callsvc/api/record"
)

const tokenUsage = `usage:
  callsvc token create --role service|agent|supervisor --name NAME [--staff ID]
  callsvc token list
  callsvc token revoke ID
`

// runToken handles `callsvc token create|list|revoke`.
func runToken(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return errUsage
	}
	switch args[0] {
	case "create":
		return runTokenCreate(ctx, cfg, args[1:], stdout, stderr)
	case "list":
		if len(args) != 1 {
			fmt.Fprint(stderr, tokenUsage)
			return errUsage
		}
		return runTokenList(ctx, cfg, stdout, stderr)
	case "revoke":
		if len(args) != 2 {
			fmt.Fprint(stderr, tokenUsage)
			return errUsage
		}
		return runTokenRevoke(ctx, cfg, args[1], stdout, stderr)
	}
	fmt.Fprint(stderr, tokenUsage)
	return errUsage
}

// runTokenList prints every token, revoked ones included: never a secret
// (none is stored) nor a hash.
func runTokenList(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	st, stop, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer stop()
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tSTAFF\tCREATED\tREVOKED\tNAME")
	q := record.ListQuery{Limit: 500}
	for {
		toks, next, err := st.ListTokens(ctx, q)
		if err != nil {
			return fmt.Errorf("token list: %w", err)
		}
		for _, t := range toks {
			revoked := "-"
			if t.RevokedAt != nil {
				revoked = t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, cmp.Or(t.StaffID, "-"),
				t.CreatedAt.Format(time.RFC3339), revoked, strconv.Quote(t.Name))
		}
		if next == "" {
			return tw.Flush()
		}
		q.Cursor = next
	}
}

// runTokenRevoke revokes one token: a running service refuses it within its
// token cache lifetime (10 s), and its open screen-pop streams end.
func runTokenRevoke(ctx context.Context, cfg config, id string, stdout, stderr io.Writer) error {
	st, stop, err := openStore(ctx, cfg, newLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer stop()
	t, err := st.RevokeToken(ctx, id)
	if err != nil {
		return fmt.Errorf("token revoke %s: %w", id, err)
	}
	fmt.Fprintf(stdout, "revoked %s token %s (%q) at %s\n", t.Role, t.ID, t.Name, t.RevokedAt.Format(time.RFC3339))
	return nil
}

// runTokenCreate: the secret is printed once and only its hash is stored.
func runTokenCreate(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "service, agent or supervisor")
	name := fs.String("name", "", "who or what the token is for")
	staff := fs.String("staff", "", "staff id (required for agent tokens)")
	if err := fs.Parse(args); err != nil {
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
