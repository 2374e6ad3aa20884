package postgres_test

import (
	"crypto/sha256"
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
		if err := st.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err := st.TokenByHash(ctx, hash("s1"))
		wantCode(t, err, record.ENotFound)
		wantCode(t, st.RevokeToken(ctx, "nope"), record.ENotFound)
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
