package postgres_test

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"callsvc/api/record"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	agent, err := st.CreateStaff(ctx, record.Staff{Name: "a", Extension: "2001"})
	if err != nil {
		t.Fatal(err)
	}
	hash := func(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }

	tok, err := st.CreateToken(ctx, record.Token{Name: "agent a", Role: record.RoleAgent, StaffID: agent.ID, Hash: hash("s1")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.TokenByHash(ctx, hash("s1"))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(tok, got); d != "" || got.StaffID != agent.ID || got.Role != record.RoleAgent {
		t.Errorf("lookup (-created +got):\n%s", d)
	}
	_, err = st.TokenByHash(ctx, hash("unknown"))
	wantCode(t, err, record.ENotFound)

	t.Run("RevokedNotReturned", func(t *testing.T) {
		revoked, err := st.RevokeToken(ctx, tok.ID)
		if err != nil || revoked.RevokedAt == nil || revoked.ID != tok.ID {
			t.Fatalf("revoke: %+v, %v", revoked, err)
		}
		_, err = st.TokenByHash(ctx, hash("s1"))
		wantCode(t, err, record.ENotFound)
		_, err = st.RevokeToken(ctx, "nope")
		wantCode(t, err, record.ENotFound)
		past := time.Now().Add(-time.Hour)
		if _, err := st.CreateToken(ctx, record.Token{Role: record.RoleService, Hash: hash("old"), RevokedAt: &past}); err != nil {
			t.Fatal(err)
		}
		_, err = st.TokenByHash(ctx, hash("old"))
		wantCode(t, err, record.ENotFound)
	})
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			name, code string
			tok        record.Token
		}{
			{"SameSecretTwice", record.EConflict, record.Token{Role: record.RoleService, Hash: hash("s1")}},
			{"UnknownRole", record.EInvalid, record.Token{Role: "root", Hash: hash("x1")}},
			{"AgentWithoutStaff", record.EInvalid, record.Token{Role: record.RoleAgent, Hash: hash("x2")}},
			{"AgentOfNobody", record.EInvalid, record.Token{Role: record.RoleAgent, StaffID: "ghost", Hash: hash("x3")}},
			{"ShortHash", record.EInvalid, record.Token{Role: record.RoleService, Hash: []byte("short")}},
		} {
			_, err := st.CreateToken(ctx, tc.tok)
			if record.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
			}
		}
	})
}

// TestDeactivatingStaffRevokesTheirTokens (issue 11, medium 6): one update
// takes the person out and revokes their tokens; others' stay; updating an
// active person revokes nothing.
func TestDeactivatingStaffRevokesTheirTokens(t *testing.T) {
	t.Parallel()
	st := pgtestStore(t)
	ctx := testCtx(t)
	hash := func(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }
	a, err := st.CreateStaff(ctx, record.Staff{Name: "a", Extension: "2001", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.CreateStaff(ctx, record.Staff{Name: "b", Extension: "2002", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, who := range []record.Staff{a, a, b} {
		if _, err := st.CreateToken(ctx, record.Token{Name: "t", Role: record.RoleAgent, StaffID: who.ID, Hash: hash(fmt.Sprint("s", i))}); err != nil {
			t.Fatal(err)
		}
	}
	a.Department = "sales"
	if _, err := st.UpdateStaff(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenByHash(ctx, hash("s0")); err != nil {
		t.Fatalf("an update that keeps the person active revoked a token: %v", err)
	}
	a.Active = false
	if got, err := st.UpdateStaff(ctx, a); err != nil || got.Active {
		t.Fatalf("deactivate: %+v, %v", got, err)
	}
	for _, s := range []string{"s0", "s1"} {
		_, err := st.TokenByHash(ctx, hash(s))
		wantCode(t, err, record.ENotFound)
	}
	if _, err := st.TokenByHash(ctx, hash("s2")); err != nil {
		t.Fatalf("someone else's token was revoked: %v", err)
	}
	toks, next, err := st.ListTokens(ctx, record.ListQuery{Limit: 2})
	if err != nil || len(toks) != 2 || next == "" || toks[0].RevokedAt == nil {
		t.Fatalf("list: %+v %q %v", toks, next, err)
	}
	rest, next, err := st.ListTokens(ctx, record.ListQuery{Limit: 2, Cursor: next})
	if err != nil || len(rest) != 1 || next != "" || rest[0].RevokedAt != nil || rest[0].StaffID != b.ID {
		t.Fatalf("second page: %+v %q %v", rest, next, err)
	}
}
