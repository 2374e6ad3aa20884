package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"callsvc/api/postgres/pgtest"
)

// TestTokenListAndRevoke (issue 11, medium 6): `token list` shows the tokens
// (never a secret), `token revoke ID` revokes one and the list says so; an
// unknown id is an error.
func TestTokenListAndRevoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	getenv := env("DATABASE_URL", pgtest.NewDB(t), "LOG_FORMAT", "json")
	tok := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		err := run(ctx, append([]string{"token"}, args...), getenv, &out, &errOut)
		return out.String(), errOut.String(), err
	}
	secret, _, err := tok("create", "--role", "service", "--name", "engine one")
	if err != nil {
		t.Fatal(err)
	}
	secret = strings.TrimSpace(secret)
	if _, _, err := tok("create", "--role", "supervisor", "--name", "Ms Wang"); err != nil {
		t.Fatal(err)
	}
	list, _, err := tok("list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(list, `"engine one"`) || strings.Contains(list, secret) {
		t.Fatalf("list:\n%s", list)
	}
	id := strings.Fields(lines[1])[0]
	if f := strings.Fields(lines[1]); f[1] != "service" || f[4] != "-" {
		t.Fatalf("service token line %q, want it live", lines[1])
	}
	out, _, err := tok("revoke", id)
	if err != nil || !strings.Contains(out, "revoked service token "+id) {
		t.Fatalf("revoke: %q %v", out, err)
	}
	list, _, _ = tok("list")
	if f := strings.Fields(strings.Split(list, "\n")[1]); f[0] != id || f[4] == "-" {
		t.Fatalf("after revoking, the list says:\n%s", list)
	}
	if _, _, err := tok("revoke", "01JNOSUCHTOKEN000000000000"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("revoking an unknown token: %v", err)
	}
	if _, _, err := tok("revoke"); !errors.Is(err, errUsage) {
		t.Errorf("revoke without an id: %v, want usage", err)
	}
}
